"""Field fit 16: the figures of the regent's dashboard agree with each other as a reader checks them
by hand, and the dashboard, the stored snapshot, the API and the recap workbook say the same.

Serdang Bedagai's case, as the regent's office reported it: UCJ 38,45% against a 46,80% target was
shown as "82,17% dari target", while 38,45 ÷ 46,80 gives 82,16%: the achievement was taken from the
unrounded UCJ (384,537 ÷ 1,000,000 = 38.4537%). reports.coverage.rules now derives every
percentage from the published (2-decimal) ones.
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from reports import exports, services
from reports.coverage import recompute_regency
from reports.models import CoverageSnapshot

LAST_MONTH = dt.date(2026, 10, 31)
AS_OF = dt.date(2026, 11, 30)
ON = dt.date(2026, 12, 4)


def _page(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.fixture
def serdang_like(seluma, regency_admin):
    """Seluma with Serdang Bedagai's figures: target 46.80 % of 1,000,000; BPJS reported 379,000
    as of 31 October (recomputed 2 November) and 384,537 as of 30 November (recomputed 4 December)."""
    services.coverage_target_set(region=seluma, year=2026, target_percent=Decimal("46.80"),
                                 working_population=1_000_000, population_source="BPS Sakernas Agustus 2025",
                                 entered_by=regency_admin)
    services.official_figure_record(region=seluma, as_of=LAST_MONTH, active_pu=200_000, active_bpu=179_000,
                                    denominator=1_000_000, entered_by=regency_admin)
    recompute_regency(seluma.pk, on=dt.date(2026, 11, 2))
    services.official_figure_record(region=seluma, as_of=AS_OF, active_pu=200_000, active_bpu=150_000,
                                    active_jakon=30_000, active_pmi=4_537, denominator=1_000_000,
                                    published_percent=Decimal("38.45"), entered_by=regency_admin)
    recompute_regency(seluma.pk, on=ON)
    return seluma


def test_the_dashboard_achievement_is_the_ucj_shown_divided_by_the_target(login, viewer, serdang_like):
    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[serdang_like.pk])))

    assert '<span class="ucj-value">38,45%</span>' in page
    assert "Target 46,80% · <strong>82,16% dari target</strong>" in page
    assert "82,17%" not in page


def test_the_snapshot_stores_the_published_figures(serdang_like):
    row = CoverageSnapshot.objects.get(region_code="17.05", computed_on=ON)

    assert (row.covered, row.denominator) == (384_537, 1_000_000)
    assert (row.ucj_percent, row.target_achievement_percent) == (Decimal("38.4500"), Decimal("82.1600"))


def test_the_api_says_what_the_page_says(viewer, serdang_like):
    client = APIClient()
    client.force_login(viewer)

    data = client.get("/api/v1/coverage/17.05/").json()

    assert (data["ucj_percent"], data["target_percent"], data["target_achievement_percent"]) == (38.45, 46.8, 82.16)
    history = client.get("/api/v1/coverage/17.05/history/").json()["results"]
    assert [row["target_achievement_percent"] for row in history] == [80.98, 82.16]  # 37.90 ÷ 46.80, 38.45 ÷ 46.80


def test_the_recap_workbook_gives_the_data_date_the_target_and_the_achievement(login, viewer, serdang_like):
    response = login(viewer).get(reverse("reports:coverage-recap", args=[serdang_like.pk]))

    content = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(content))[exports.RECAP_SHEET]
    assert sheet["A4"].value.startswith(
        "Data per 30 November 2026 (angka resmi BPJS Ketenagakerjaan), ditambah pekerja program yang terdaftar "
        "sampai 4 Desember 2026. Dihitung ")
    assert sheet["A5"].value == ("UCJ Kabupaten Seluma 38,45% · target 46,80% · capaian 82,16% dari target "
                                 "(UCJ ÷ target × 100).")
    header = [cell.value for cell in sheet[7]]
    regency = dict(zip(header, next(sheet.iter_rows(min_row=8, max_row=8, values_only=True)), strict=True))
    assert (regency["Kode wilayah"], regency["UCJ (%)"], regency["Target UCJ (%)"], regency["Capaian target (%)"]) == (
        "17.05", 38.45, 46.8, 82.16)
    subdistrict = dict(zip(header, next(sheet.iter_rows(min_row=9, max_row=9, values_only=True)), strict=True))
    assert (subdistrict["Target UCJ (%)"], subdistrict["Capaian target (%)"]) == (None, None)


def test_the_trend_is_dated_by_its_data(login, viewer, serdang_like):
    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[serdang_like.pk])))

    # The official figures at their own dates (31 Oct, 30 Nov), then the latest computed day; not
    # the days of the computations (2 Nov, 4 Dec) for the official figures.
    assert ('<desc id="tren-ucj-desc">31 Okt 2026: 37,90%; 30 Nov 2026: 38,45%; 4 Des 2026: 38,45%. '
            "Target 46,80%.</desc>") in page
    assert "2 Nov 2026" not in page
    assert ("UCJ per tanggal data (3 titik): angka resmi BPJS Ketenagakerjaan per 31 Oktober 2026, "
            "30 November 2026; titik per 4 Desember 2026: angka resmi terakhir ditambah pekerja program yang "
            "terdaftar sesudahnya sampai tanggal itu; garis putus-putus: target 46,80%.") in page
