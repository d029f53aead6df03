"""The auditor's export (registrations/audit.py, audit_views.py): a regency's workflow events in a
period of local days, one row each, NIK always masked, and only for the regency's staff."""

import datetime as dt
import logging
import zoneinfo
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.enums import Role
from accounts.services import user_create
from registrations import services, workflow
from registrations.enums import Action, QuotaRule
from registrations.models import NomineeEvent
from villages.models import Village

from ..conftest import NIK_MAN, TODAY, nik_for

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
PROGRAMME = "Perlindungan Pekerja Rentan 2026 — Tahap 1"
HEADERS = ("Waktu", "Pelaku", "Peran", "Calon", "NIK", "Desa/kelurahan", "Kecamatan", "Program", "Dari status",
           "Menjadi status", "Alasan")


def at(event, day: int, hour: int, minute: int = 0, month: int = 3):
    """Puts an event at a WIB wall-clock time in 2026 (stored in UTC like every time)."""
    NomineeEvent.objects.filter(pk=event.pk).update(created_at=dt.datetime(2026, month, day, hour, minute, tzinfo=WIB))


def export(client, regency, start="2026-03-01", end="2026-03-31"):
    return client.get(reverse("registrations:audit-events", args=[regency.pk]),
                      {"dari": start, "sampai": end, "unduh": "1"})


def sheet_rows(response):
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[4], rows[5:]  # three heading lines and a blank row come first


@pytest.fixture
def story(open_programme, niur, officer, reviewer, make_nominee):
    """Budi Santoso of Niur: created 2 March 08:00, submitted 2 March 09:30, returned 3 March 10:15 (WIB)."""
    nominee = make_nominee(open_programme, niur, officer)
    workflow.nominee_submit(nominee=nominee, actor=officer)
    workflow.nominee_decide(nominee=nominee, action=Action.RETURN, actor=reviewer, reason_code="kk_mismatch",
                            reason="Beda satu angka")
    created, submitted, returned = NomineeEvent.objects.filter(nominee=nominee).order_by("pk")
    at(created, 2, 8)
    at(submitted, 2, 9, 30)
    at(returned, 3, 10, 15)
    return nominee


@pytest.fixture
def other_regency_event(other_regency, other_admin):
    """A nominee of Bengkulu Selatan, created by its own village officer within the same period."""
    village = Village.objects.filter(subdistrict__regency=other_regency).order_by("code").first()
    other_officer = user_create(username="op-bs", role=Role.VILLAGE_OFFICER, regions=[village],
                                password="rahasia-uji-123", must_change_password=False, full_name="Yanti")
    programme = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Pekerja Rentan BS", year=2026, stage=1,
        implementing_office="Disnaker Bengkulu Selatan", coverage_start=TODAY + dt.timedelta(days=14),
        nomination_opens=TODAY - dt.timedelta(days=7), nomination_closes=TODAY + dt.timedelta(days=7),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10,
    )
    return programme, village, other_officer


def test_export_headers_and_rows(login, reviewer, story):
    response = export(login(reviewer), story.programme.regency)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Riwayat%20keputusan%20Kabupaten%20Seluma%201%E2%80%9331%20Maret%202026.xlsx")
    headers, rows = sheet_rows(response)
    assert headers == HEADERS
    subdistrict = story.village.subdistrict.name
    assert rows == [
        (dt.datetime(2026, 3, 2, 8, 0), "Siti Aminah", "Operator desa/kelurahan", "Budi Santoso", "************0001",
         "Niur", subdistrict, PROGRAMME, "—", "draf", None),
        (dt.datetime(2026, 3, 2, 9, 30), "Siti Aminah", "Operator desa/kelurahan", "Budi Santoso",
         "************0001", "Niur", subdistrict, PROGRAMME, "draf", "dikirim ke kabupaten", None),
        (dt.datetime(2026, 3, 3, 10, 15), "Sri Wahyuni", "Verifikator dinas", "Budi Santoso", "************0001",
         "Niur", subdistrict, PROGRAMME, "dikirim ke kabupaten", "dikembalikan untuk diperbaiki",
         "Nomor KK tidak sesuai kartu keluarga: Beda satu angka"),
    ]


def test_the_nik_is_masked_even_for_staff_who_see_it_in_full(login, regency_admin, story):
    response = export(login(regency_admin), story.programme.regency)

    cells = [str(value) for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
             for value in row]
    assert NIK_MAN not in cells and not any(NIK_MAN in cell for cell in cells)
    assert "************0001" in cells


def test_other_regencies_events_are_left_out(login, reviewer, sysadmin, story, other_regency_event, make_nominee):
    programme, village, other_officer = other_regency_event
    other = make_nominee(programme, village, other_officer, nik=nik_for(dt.date(1990, 5, 15), regency="1701"),
                         full_name="Andi Wijaya")
    at(NomineeEvent.objects.get(nominee=other), 2, 11)

    _, seluma_rows = sheet_rows(export(login(reviewer), story.programme.regency))
    _, sysadmin_rows = sheet_rows(export(login(sysadmin), story.programme.regency))

    assert [row[3] for row in seluma_rows] == ["Budi Santoso"] * 3
    assert [row[3] for row in sysadmin_rows] == ["Budi Santoso"] * 3


def test_the_period_is_in_local_days(login, reviewer, story):
    created, submitted, returned = NomineeEvent.objects.filter(nominee=story).order_by("pk")
    at(created, 28, 23, 59, month=2)  # the evening before: outside
    at(submitted, 1, 0, 30)  # 17:30 UTC on 28 February, yet 1 March for Seluma
    at(returned, 1, 0, 10, month=4)  # just after the period

    _, rows = sheet_rows(export(login(reviewer), story.programme.regency, "2026-03-01", "2026-03-31"))

    assert [(row[0], row[9]) for row in rows] == [(dt.datetime(2026, 3, 1, 0, 30), "dikirim ke kabupaten")]


def test_a_single_day(login, reviewer, story):
    _, rows = sheet_rows(export(login(reviewer), story.programme.regency, "2026-03-03", "2026-03-03"))

    assert [row[9] for row in rows] == ["dikembalikan untuk diperbaiki"]


@pytest.mark.parametrize("persona", ["officer", "other_admin", "province_viewer", "bpjs_officer"])
def test_404_outside_the_regency_staff(request, login, seluma, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get(reverse("registrations:audit-events", args=[seluma.pk])).status_code == 404
    assert export(client, seluma).status_code == 404


@pytest.mark.parametrize("persona", ["regency_admin", "reviewer", "approver", "viewer"])
def test_regency_staff_may_export(request, login, seluma, persona):
    response = export(login(request.getfixturevalue(persona)), seluma)

    assert response.status_code == 200
    assert sheet_rows(response) == (HEADERS, [])


def test_the_form_defaults_to_the_last_30_days(login, reviewer, seluma):
    response = login(reviewer).get(reverse("registrations:audit-events", args=[seluma.pk]))

    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["sampai"] - form.initial["dari"] == dt.timedelta(days=29)
    assert 'name="dari"' in response.content.decode()


@pytest.mark.parametrize(("start", "end", "error"), [
    ("2026-03-31", "2026-03-01", "Tanggal akhir tidak boleh sebelum tanggal awal."),
    ("2025-01-01", "2026-01-01", "Rentang paling lama satu tahun. Unduh per tahun bila perlu lebih."),
    ("2026-02-30", "2026-03-01", "Tanggal awal tidak valid."),
    ("", "2026-03-01", "Isi tanggal awal."),
])
def test_invalid_periods_are_explained(login, reviewer, seluma, start, end, error):
    response = export(login(reviewer), seluma, start, end)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert error in [message for messages in response.context["form"].errors.values() for message in messages]


def test_a_whole_year_is_allowed(login, reviewer, seluma):
    response = export(login(reviewer), seluma, "2025-01-01", "2025-12-31")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_export_is_logged_without_personal_data(login, reviewer, story, caplog):
    with caplog.at_level(logging.INFO, logger="registrations.review.audit_views"):
        export(login(reviewer), story.programme.regency)

    assert [record.getMessage() for record in caplog.records if record.name == "registrations.review.audit_views"] == [
        "verifikator-seluma exported 3 workflow events of regency 17.05 from 2026-03-01 to 2026-03-31"]


@pytest.mark.parametrize("nominees", [1, 3])
def test_query_count_does_not_grow_with_events(login, reviewer, open_programme, niur, officer, make_nominee,
                                               django_assert_num_queries, nominees):
    for serial in range(1, nominees + 1):
        make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1990, 5, 15), serial=serial))
    NomineeEvent.objects.update(created_at=dt.datetime(2026, 3, 5, 9, 0, tzinfo=WIB))
    client = login(reviewer)

    # The user, region scope, regency, regency settings, then in one transaction (a savepoint
    # here, two statements) the events (one streamed query) and the export log row
    # (common.access_log). The session is read from Redis.
    with django_assert_num_queries(8):
        response = export(client, open_programme.regency)

    assert len(sheet_rows(response)[1]) == nominees


@pytest.mark.parametrize(("persona", "shown"), [("viewer", True), ("reviewer", True), ("regency_admin", True),
                                                ("bpjs_officer", False)])
def test_regency_page_links_the_export_for_those_who_may_use_it(request, login, seluma, persona, shown):
    page = login(request.getfixturevalue(persona)).get(reverse("villages:regency-detail", args=[seluma.pk]))

    link = f'href="{reverse("registrations:audit-events", args=[seluma.pk])}">Riwayat keputusan</a>'
    assert (link in page.content.decode()) is shown
