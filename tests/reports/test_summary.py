"""Field fit 18: the one-page summary for a meeting (reports.views.regency_summary) and how it picks
the five kecamatan furthest behind (reports.dashboard.furthest_subdistricts). That it fits one A4
landscape sheet: tests/browser/test_regent_summary.py."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from registrations.enums import NomineeStatus as S
from reports import dashboard, services
from reports.coverage import recompute_regency
from reports.views import RegionRow

from .conftest import AS_OF, ON, YEAR


def _page(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _row(code, name, *, ucj=None, quota=None, registered=0):
    return RegionRow(code=code, name=name, quota=quota, nominated=registered, submitted=registered,
                     approved=registered, registered=registered, active=registered, premium_committed_rp=0,
                     denominator=None if ucj is None else 1_000, ucj_percent=ucj)


def test_kecamatan_with_a_ucj_are_ranked_lowest_first_with_their_gap_to_the_regency_target():
    rows = [_row("17.05.01", "Sukaraja", ucj=Decimal("40.10")), _row("17.05.02", "Air Periukan", ucj=Decimal("12.00")),
            _row("17.05.03", "Lubuk Sandi"), _row("17.05.04", "Seluma Barat", ucj=Decimal("50.00")),
            _row("17.05.05", "Seluma Utara", ucj=Decimal("12.00"))]

    ranking, lines = dashboard.furthest_subdistricts(rows, target=Decimal("46.80"), limit=3)

    assert ranking == dashboard.BEHIND_BY_UCJ
    assert [(line.name, line.ucj, line.points_below_target) for line in lines] == [
        ("Air Periukan", Decimal("12.00"), Decimal("34.80")), ("Seluma Utara", Decimal("12.00"), Decimal("34.80")),
        ("Sukaraja", Decimal("40.10"), Decimal("6.70"))]  # Lubuk Sandi has no UCJ: not on this scale


def test_without_any_kecamatan_ucj_the_most_quota_places_not_registered_come_first():
    rows = [_row("17.05.01", "Sukaraja", quota=210, registered=210), _row("17.05.02", "Air Periukan", quota=160),
            _row("17.05.03", "Lubuk Sandi", quota=240, registered=100), _row("17.05.04", "Seluma Barat"),
            _row("17.05.05", "Seluma Utara", quota=140)]

    ranking, lines = dashboard.furthest_subdistricts(rows, target=Decimal("46.80"))

    assert ranking == dashboard.BEHIND_BY_QUOTA
    assert [(line.name, line.places_left) for line in lines] == [
        ("Air Periukan", 160), ("Seluma Utara", 140), ("Lubuk Sandi", 140), ("Sukaraja", 0)]  # a tie: less registered first


@pytest.fixture
def seluma_summary(seluma, regency_admin, programme, add_nominees, niur, lubuk_sahung):
    services.coverage_target_set(region=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                 working_population=100_000, population_source="BPS", entered_by=regency_admin)
    services.official_figure_record(region=seluma, as_of=AS_OF, active_pu=38_450, denominator=100_000,
                                    entered_by=regency_admin)
    add_nominees(programme, niur, 10, S.ACTIVE, dt.date(2026, 7, 15))
    add_nominees(programme, lubuk_sahung, 4, S.ACTIVE, dt.date(2026, 7, 15))
    recompute_regency(seluma.pk, on=ON)
    return seluma


def test_the_summary_holds_the_meetings_figures(login, viewer, seluma_summary):
    page = _page(login(viewer).get(reverse("reports:regency-summary", args=[seluma_summary.pk])))

    # 38,450 + 14 = 38,464 of 100,000 = 38.46 %; 38.46 ÷ 46.80 = 82.18 %; 14 workers = 0.01 points.
    assert '<span class="ucj-value">38,46%</span>' in page
    assert "Target 46,80% · <strong>82,18% dari target</strong>" in page
    assert "0,01 poin UCJ · 14 pekerja program terdaftar sesudah 30 Juni 2026" in page
    assert "<dt>Iuran didanai</dt><dd>Rp705.600</dd>" in page  # 14 × Rp16,800 × 3
    assert '<desc id="tren-ucj-ringkas-desc">30 Jun 2026: 38,45%; 30 Sep 2026: 38,46%. Target 46,80%.</desc>' in page
    assert "Lima kecamatan dengan kuota program paling banyak belum terdaftar" in page
    assert "kecamatan diurutkan dari tempat kuota program yang paling banyak belum terdaftar" in page
    assert page.count('<tr><th scope="row">') == 5
    assert f'href="{reverse("reports:regency-detail", args=[seluma_summary.pk])}">Cakupan UCJ Kabupaten Seluma</a>' in page


def test_the_dashboard_links_its_one_page_summary(login, viewer, seluma_summary):
    page = _page(login(viewer).get(reverse("reports:regency-detail", args=[seluma_summary.pk])))

    assert (f'<a class="button" href="{reverse("reports:regency-summary", args=[seluma_summary.pk])}">'
            "Ringkasan satu halaman (untuk rapat)</a>") in page


def test_the_summary_of_another_regency_is_a_404(login, viewer, other_regency):
    assert login(viewer).get(reverse("reports:regency-summary", args=[other_regency.pk])).status_code == 404


def test_the_summary_costs_the_same_queries_whatever_the_regency(login, viewer, seluma_summary,
                                                                 django_assert_num_queries):
    client = login(viewer)

    # 1 user, 2 the user's region assignments (scope), 3 the regency, 4 the regency's
    # latest snapshot row, 5 its 13 subdistricts' rows with their ids, 6 the trend, 7 the premium
    # committed, 8 the unread notices (5 and 6 are kept in the cache for the next request).
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:regency-summary", args=[seluma_summary.pk]))

    assert len(response.context["behind"]) == 5
