"""reports/export_views.py: the nominative list and coverage recap downloads, a job's status page
and file, the export log; and the log rows every export of the portal writes."""

import datetime as dt
import zoneinfo
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from common.access_log import export_record
from common.models import ExportKind, ExportRecord, ExportStatus
from registrations import services as registration_services
from registrations import workflow
from registrations.enums import Action, NomineeStatus, QuotaRule
from registrations.models import NomineeEvent
from reports import coverage, exports
from villages.selectors import regency_settings_get

from .test_export_jobs import put, seluma_today, table

S = NomineeStatus
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def listed(programme, niur, lubuk_sahung, regency_admin):
    """Niur: two sent to the regency, one draft (not on the list); Lubuk Sahung: one approved."""
    put(programme, niur, [("Budi", S.SUBMITTED), ("Wati", S.VERIFIED), ("Draf", S.DRAFT)], by=regency_admin)
    put(programme, lubuk_sahung, [("Yanti", S.APPROVED)], by=regency_admin, serial_start=10)
    return programme


def village_list_url(village, programme=None):
    url = reverse("reports:nominative-village", args=[village.pk])
    return f"{url}?program={programme.pk}" if programme else url


# --- The nominative list --------------------------------------------------------------------------

def test_the_village_officer_downloads_the_villages_list_to_sign(login, officer, niur, listed):
    response = login(officer).get(village_list_url(niur))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (f'attachment; filename="Daftar nominatif Desa Niur Perlindungan '
                                               f'Pekerja Rentan 2026 Tahap 1 {seluma_today():%Y-%m-%d}.xlsx"')
    content = content_of(response)
    sheet = load_workbook(BytesIO(content))[exports.NOMINATIVE_SHEET]
    assert sheet["A5"].value == "Desa Niur, Kecamatan Sukaraja"
    assert [(row[0], row[1], row[3]) for row in table(content)] == [(1, "1705011505900001", "Budi"),
                                                                    (2, "1705011505900002", "Wati")]
    record = ExportRecord.objects.get()
    assert (record.kind, record.requested_by, record.village, record.row_count, record.full_identifiers) == (
        ExportKind.NOMINATIVE_LIST, officer, niur, 2, True)


def test_the_bupati_viewer_gets_the_regency_list_with_masked_identifiers(login, viewer, seluma, listed):
    response = login(viewer).get(reverse("reports:nominative-regency", args=[seluma.pk]))

    rows = table(content_of(response))
    assert [(row[1], row[2], row[3], row[7]) for row in rows] == [
        ("************0001", "************0001", "Budi", "Niur"),
        ("************0002", "************0002", "Wati", "Niur"),
        ("************0010", "************0010", "Yanti", "Lubuk Sahung"),
    ]
    assert ExportRecord.objects.get().full_identifiers is False


def test_the_subdistrict_list_covers_its_villages(login, reviewer, sukaraja, listed):
    response = login(reviewer).get(reverse("reports:nominative-subdistrict", args=[sukaraja.pk]))

    assert [row[3] for row in table(content_of(response))] == ["Budi", "Wati", "Yanti"]
    record = ExportRecord.objects.get()
    assert (record.subdistrict, record.village, record.programme) == (sukaraja, None, listed)


def test_a_programme_of_another_regency_is_not_found(login, regency_admin, other_admin, other_regency, niur, listed):
    elsewhere = registration_services.programme_create(
        regency=other_regency, created_by=other_admin, name="Program Bengkulu Selatan", year=2026, stage=1,
        implementing_office="Disnaker", coverage_start=dt.date(2026, 3, 1), nomination_opens=dt.date(2026, 1, 5),
        nomination_closes=dt.date(2026, 2, 20), quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10)

    assert login(regency_admin).get(village_list_url(niur, elsewhere)).status_code == 404
    assert login(regency_admin).get(f"{village_list_url(niur)}?program=abc").status_code == 404


@pytest.mark.parametrize("villages", [1, 3])
def test_the_regency_list_costs_the_same_queries_for_1_or_3_villages(
        login, regency_admin, seluma, programme, django_assert_num_queries, villages):
    regency_settings_get(seluma)  # exists, as after the first page that needs it
    for number, village in enumerate(seluma.subdistricts.get(code="17.05.01").villages.order_by("code")[:villages]):
        put(programme, village, [f"Calon {number}a", f"Calon {number}b"], by=regency_admin,
            serial_start=10 * number + 1)
    client = login(regency_admin)

    # 1 user, 2 the user's region assignments (scope), 3 the regency, 4 the current
    # programme (the regency's programmes: open today? else the latest), then inside the export's
    # transaction (a savepoint here, 5 and 11): 6 the count, 7 the regency settings (letterhead,
    # time zone), 8 the nominees with village, subdistrict and occupation (one cursor), 9 the
    # export log row.
    with django_assert_num_queries(10):
        response = client.get(reverse("reports:nominative-regency", args=[seluma.pk]))

    assert len(table(content_of(response))) == 2 * villages


# --- The coverage recap --------------------------------------------------------------------------

def test_the_coverage_recap_has_the_coverage_pages_numbers(login, viewer, seluma, listed):
    coverage.recompute_regency(seluma.pk)

    response = login(viewer).get(reverse("reports:coverage-recap", args=[seluma.pk]))

    sheet = load_workbook(BytesIO(content_of(response)))[exports.RECAP_SHEET]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=8, values_only=True)}
    assert len(rows) == 1 + 14 + 202
    assert rows["17.05"][:9] == ("17.05", "Kabupaten Seluma", "Kabupaten/kota", 2020, 4, 3, 1, 0, 0)
    assert rows["17.05.01.2002"][:9] == ("17.05.01.2002", "Niur", "Desa/kelurahan", 10, 3, 2, 0, 0, 0)
    assert list(rows)[:3] == ["17.05", "17.05.01", "17.05.01.1001"]  # each subdistrict, then its villages
    assert sheet["A4"].value.startswith("Data per ")
    record = ExportRecord.objects.get()
    assert (record.kind, record.requested_by, record.row_count, record.programme) == (
        ExportKind.COVERAGE_RECAP, viewer, 217, None)


# --- Scope: out of scope is a 404 on every export URL -----------------------------------------

@pytest.fixture
def job(regency_admin, seluma, niur, programme, media):
    """A finished job of the regency admin: Niur's list with NIKs in full."""
    record = ExportRecord.objects.create(
        kind=ExportKind.NOMINATIVE_LIST, status=ExportStatus.DONE, requested_by=regency_admin, regency=seluma,
        programme=programme, subdistrict=niur.subdistrict, village=niur, full_identifiers=True,
        filename="Daftar nominatif Desa Niur.xlsx", row_count=0, total=0)
    buffer = BytesIO()
    heading = exports.NominativeHeading(regency_name="Kabupaten Seluma", office_name="Disnakertrans",
                                        programme_name="P", stage=1, year=2026, region_label="Desa Niur",
                                        printed_on=dt.date(2026, 9, 30), full_identifiers=True)
    exports.nominative_workbook(buffer, heading=heading, rows=[], signature=exports.Signature(
        place="Niur", day=dt.date(2026, 9, 30), titles=("Kepala Desa Niur",)))
    record.file.save(f"ekspor-{record.pk}.xlsx", ContentFile(buffer.getvalue()))
    return record


URLS = {
    "village list": lambda ctx: reverse("reports:nominative-village", args=[ctx["niur"].pk]),
    "subdistrict list": lambda ctx: reverse("reports:nominative-subdistrict", args=[ctx["sukaraja"].pk]),
    "regency list": lambda ctx: reverse("reports:nominative-regency", args=[ctx["seluma"].pk]),
    "recap": lambda ctx: reverse("reports:coverage-recap", args=[ctx["seluma"].pk]),
    "log": lambda ctx: reverse("reports:export-log", args=[ctx["seluma"].pk]),
    "status": lambda ctx: reverse("reports:export-status", args=[ctx["job"].pk]),
    "download": lambda ctx: reverse("reports:export-download", args=[ctx["job"].pk]),
}


@pytest.mark.parametrize(("persona", "names"), [
    ("other_admin", list(URLS)),
    ("other_reviewer", list(URLS)),
    ("neighbour_officer", list(URLS)),
    ("officer", ["subdistrict list", "regency list", "recap", "log", "status", "download"]),
    # Staff of the regency, but without the right to the NIKs the job's file holds in full.
    ("viewer", ["status", "download"]),
    ("province_viewer", ["log", "status", "download"]),
])
def test_out_of_scope_is_not_found(request, login, niur, sukaraja, seluma, listed, job, persona, names):
    client = login(request.getfixturevalue(persona))
    context = {"niur": niur, "sukaraja": sukaraja, "seluma": seluma, "job": job}

    answers = {name: client.get(URLS[name](context)).status_code for name in names}

    assert answers == dict.fromkeys(names, 404)


def test_a_missing_export_is_not_found_the_same_way(login, regency_admin, seluma):
    client = login(regency_admin)

    assert client.get(reverse("reports:export-status", args=[999999])).status_code == 404
    assert client.get(reverse("reports:export-download", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", ["regency_admin", "reviewer", "approver", "bpjs_officer"])
def test_the_requester_and_staff_with_the_same_nik_rights_download_a_job(request, login, job, persona):
    client = login(request.getfixturevalue(persona))

    response = client.get(reverse("reports:export-download", args=[job.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="Daftar nominatif Desa Niur.xlsx"'
    assert load_workbook(BytesIO(content_of(response)))[exports.NOMINATIVE_SHEET]["A5"].value == "Desa Niur"


def test_the_status_page_polls_until_the_job_is_done_then_shows_the_link(login, regency_admin, job):
    ExportRecord.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=250, total=1000)
    client = login(regency_admin)
    url = reverse("reports:export-status", args=[job.pk])

    page = client.get(url).content.decode()
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 2s"' in page and "<html" in page
    assert "<html" not in panel and 'hx-trigger="every 2s"' in panel
    assert "Sedang dibuat: 250 dari 1000 baris" in panel
    assert '<progress id="export-progress" class="ucj-progress" value="250" max="1000">25%</progress>' in panel
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 404  # not done yet

    ExportRecord.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, progress=1000, row_count=1000)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert "hx-trigger" not in done
    assert reverse("reports:export-download", args=[job.pk]) in done
    assert "Selesai: 1000 baris" in done


def test_a_large_export_without_a_broker_goes_to_its_status_page_already_done(
        login, regency_admin, seluma, listed, settings, media, eager, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    client = login(regency_admin)

    # Outside a test's transaction the request's writes commit at once (no ATOMIC_REQUESTS) and
    # the task runs inline right then; here it runs when the captured callbacks do.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:nominative-regency", args=[seluma.pk]))

    record = ExportRecord.objects.get()
    assert response["Location"] == reverse("reports:export-status", args=[record.pk])
    assert (record.status, record.progress, record.total) == (ExportStatus.DONE, 3, 3)
    status_page = client.get(response["Location"]).content.decode()
    assert reverse("reports:export-download", args=[record.pk]) in status_page
    assert "hx-trigger" not in status_page


# --- The export log ----------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["regency_admin", "viewer", "bpjs_officer", "sysadmin"])
def test_the_regency_staff_read_the_export_log_newest_first(request, login, seluma, regency_admin, reviewer,
                                                            persona):
    for number in range(51):
        export_record(kind=ExportKind.COVERAGE_RECAP, requested_by=reviewer if number == 50 else regency_admin,
                      regency=seluma, row_count=number)
    client = login(request.getfixturevalue(persona))

    first = client.get(reverse("reports:export-log", args=[seluma.pk]))
    second = client.get(reverse("reports:export-log", args=[seluma.pk]), {"page": 2})

    assert [record.row_count for record in first.context["page"].object_list] == list(range(50, 0, -1))
    assert [record.row_count for record in second.context["page"].object_list] == [0]
    assert "Sri Wahyuni" in first.content.decode()  # the reviewer's export, newest, on top


@pytest.mark.parametrize(("persona", "links"), [("reviewer", True), ("viewer", False), ("sysadmin", False)])
def test_the_log_links_a_job_only_for_those_who_may_open_it(request, login, seluma, job, persona, links):
    """The viewer sees NIKs masked and so may not open a file with NIKs in full; the system
    administrator reads every log but opens only their own exports."""
    page = login(request.getfixturevalue(persona)).get(reverse("reports:export-log", args=[seluma.pk]))

    assert (reverse("reports:export-status", args=[job.pk]) in page.content.decode()) is links
    assert [record.pk for record in page.context["page"].object_list] == [job.pk]


# --- Every export of the portal writes its log row -------------------------------------------------

def logged():
    return list(ExportRecord.objects.values_list("kind", "requested_by__username", "regency__code", "row_count",
                                                 "full_identifiers", "status"))


def test_making_and_downloading_a_bpjs_batch_are_logged(login, regency_admin, bpjs_officer, niur, listed, media):
    ExportRecord.objects.all().delete()
    Nominee = listed.nominees.model
    Nominee.objects.filter(programme=listed).update(status=S.APPROVED)

    login(regency_admin).post(reverse("registrations:export-batch-create", args=[listed.pk]))
    batch = listed.export_batches.get()
    login(bpjs_officer).get(reverse("registrations:export-batch-download", args=[batch.pk]))

    assert logged() == [
        (ExportKind.BPJS_BATCH_DOWNLOAD, "bpjs-seluma", "17.05", 4, True, ExportStatus.DONE),
        (ExportKind.BPJS_BATCH, "admin-seluma", "17.05", 4, True, ExportStatus.DONE),
    ]


def test_the_auditors_event_export_is_logged(login, reviewer, regency_admin, seluma, niur, programme):
    in_march, in_april = put(programme, niur, ["Budi", "Wati"], by=regency_admin)
    for nominee, moment in ((in_march, dt.datetime(2026, 3, 15, 9, tzinfo=WIB)),
                            (in_april, dt.datetime(2026, 4, 1, 0, 0, tzinfo=WIB))):  # the day after the period
        workflow.nominee_decide(nominee=nominee, action=Action.VERIFY, actor=reviewer)
        NomineeEvent.objects.filter(nominee=nominee).update(created_at=moment)

    response = login(reviewer).get(reverse("registrations:audit-events", args=[seluma.pk]),
                                   {"dari": "2026-03-01", "sampai": "2026-03-31", "unduh": "1"})

    assert response.status_code == 200
    # The log counts the rows the file holds: the one event within the period.
    assert logged() == [(ExportKind.AUDIT_EVENTS, "verifikator-seluma", "17.05", 1, False, ExportStatus.DONE)]


def test_the_submission_tracking_export_is_logged(login, reviewer, listed, sukaraja):
    response = login(reviewer).get(reverse("registrations:programme-submissions-export", args=[listed.pk]),
                                   {"kecamatan": sukaraja.pk})

    assert response.status_code == 200
    assert logged() == [(ExportKind.SUBMISSION_TRACKING, "verifikator-seluma", "17.05", 21, False,
                         ExportStatus.DONE)]
    assert ExportRecord.objects.get().subdistrict == sukaraja


def test_the_village_accounts_workbook_is_logged_with_its_count_only(login, regency_admin, seluma):
    response = login(regency_admin).post(reverse("accounts:regency-village-accounts-create", args=[seluma.pk]))

    assert response.status_code == 200
    assert logged() == [(ExportKind.VILLAGE_ACCOUNTS, "admin-seluma", "17.05", 202, False, ExportStatus.DONE)]


# --- Links -------------------------------------------------------------------------------------

def test_the_regency_page_links_its_exports_and_for_its_staff_the_log(login, viewer, seluma):
    page = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk])).content.decode()

    assert f'href="{reverse("reports:nominative-regency", args=[seluma.pk])}">Unduh daftar nominatif</a>' in page
    assert f'href="{reverse("reports:coverage-recap", args=[seluma.pk])}">Unduh rekap cakupan (.xlsx)</a>' in page
    # The regent's office is the regency's staff: it may read who took which file.
    assert f'href="{reverse("reports:export-log", args=[seluma.pk])}">Log ekspor</a>' in page


def test_the_province_viewer_gets_the_regency_exports_but_no_log_link(login, province_viewer, seluma):
    page = login(province_viewer).get(reverse("reports:regency-detail", args=[seluma.pk])).content.decode()

    assert reverse("reports:nominative-regency", args=[seluma.pk]) in page
    assert reverse("reports:coverage-recap", args=[seluma.pk]) in page
    # The log is the regency's own business: no link to a page that would answer 404.
    assert reverse("reports:export-log", args=[seluma.pk]) not in page
    assert login(province_viewer).get(reverse("reports:export-log", args=[seluma.pk])).status_code == 404


def test_the_subdistrict_page_links_the_subdistricts_list(login, viewer, seluma, sukaraja):
    page = login(viewer).get(reverse("reports:subdistrict-detail", args=[sukaraja.pk])).content.decode()

    assert (f'href="{reverse("reports:nominative-subdistrict", args=[sukaraja.pk])}">'
            "Unduh daftar nominatif Kec. Sukaraja</a>") in page
    assert f'href="{reverse("reports:coverage-recap", args=[seluma.pk])}">Unduh rekap cakupan (.xlsx)</a>' in page
    # The subdistrict's page offers its own list, not the whole regency's, and no log.
    assert reverse("reports:nominative-regency", args=[seluma.pk]) not in page
    assert reverse("reports:export-log", args=[seluma.pk]) not in page


def test_the_village_review_page_links_the_villages_list(login, reviewer, niur, listed):
    page = login(reviewer).get(reverse("registrations:review-village", args=[listed.pk, niur.pk]))

    assert f'{reverse("reports:nominative-village", args=[niur.pk])}?program={listed.pk}' in page.content.decode()
