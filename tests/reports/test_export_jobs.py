"""reports/export_jobs.py and the task reports.build_export: which nominees a nominative list holds,
scope and masking, the immediate answer and the job (inline as in the demo, and on the real worker),
idempotence and failure."""

import datetime as dt
import uuid
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from common import access_log, jobs
from common.formatting import format_date
from common.models import ExportKind, ExportRecord, ExportStatus
from registrations.enums import NomineeStatus
from registrations.identifiers import mask_identifier
from registrations.models import Nominee, OccupationCategory
from reports import export_jobs, exports, tasks
from villages.selectors import regency_settings_get

from ..services import wait_for

S = NomineeStatus
HEADER_ROW = 8  # six letterhead lines, an empty one, then the header


def seluma_today() -> dt.date:
    """The date printed on a Seluma list: today in WIB, the regency's zone (not the machine's)."""
    return timezone.localdate(timezone=ZoneInfo("Asia/Jakarta"))


def put(programme, village, people, *, by, status=S.SUBMITTED, serial_start=1):
    """Nominees with the given names (or (name, status) pairs), written with bulk_create: arrangement
    for export tests, not the workflow's. NIKs are distinct and valid in shape; KPJ numbers keep
    their leading zeros."""
    occupation = OccupationCategory.objects.get(name="Petani")
    rows = []
    for serial, person in enumerate(people, start=serial_start):
        name, state = person if isinstance(person, tuple) else (person, status)
        nik, kk = f"170501150590{serial:04d}", f"170501150320{serial:04d}"
        rows.append(Nominee(
            programme=programme, village=village, status=state, nik=nik, nik_hash=uuid.uuid4().hex,
            nik_masked=mask_identifier(nik), kk=kk, kk_masked=mask_identifier(kk), full_name=name, birth_place="Tais",
            birth_date=dt.date(1990, 5, 15), sex="L", address="Jalan Desa", rt="001", occupation=occupation,
            kpj_number=f"{serial:011d}" if state in (S.REGISTERED, S.ACTIVE) else "",
            consent_at=dt.datetime(2026, 1, 10, tzinfo=dt.UTC), consent_by=by, created_by=by,
        ))
    return Nominee.objects.bulk_create(rows)


def table(content: bytes) -> list[tuple]:
    """The table rows of a nominative list workbook (below the header, up to the empty line)."""
    sheet = load_workbook(BytesIO(content))[exports.NOMINATIVE_SHEET]
    rows = []
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if row[0] is None:
            break
        rows.append(row)
    return rows


def written(user, request) -> bytes:
    buffer = BytesIO()
    export_jobs.export_write(buffer, user=user, request=request)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- Which nominees ------------------------------------------------------------------------------

def test_the_list_holds_what_reached_the_regency_and_was_not_turned_away(programme, niur, regency_admin):
    put(programme, niur, [(f"Calon {status.value}", status) for status in NomineeStatus], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)

    names = [row[3] for row in table(written(regency_admin, request))]

    assert export_jobs.NOMINATIVE_LIST_STATES == {S.SUBMITTED, S.VERIFIED, S.APPROVED, S.SENT_TO_BPJS,
                                                  S.REGISTERED, S.ACTIVE, S.ARREARS, S.LAPSED}
    assert names == ["Calon active", "Calon approved", "Calon arrears", "Calon lapsed", "Calon registered", "Calon sent_to_bpjs",
                     "Calon submitted", "Calon verified"]  # by name within the village


def test_the_list_of_a_subdistrict_is_ordered_by_village_then_name_and_numbered(
        programme, niur, lubuk_sahung, sukaraja, regency_admin):
    put(programme, lubuk_sahung, ["Yanti", "Agus"], by=regency_admin)
    put(programme, niur, ["Wati"], by=regency_admin, serial_start=10)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=sukaraja)

    rows = table(written(regency_admin, request))

    # Niur is 17.05.01.2002, Lubuk Sahung 17.05.01.2003.
    assert [(row[0], row[3], row[7]) for row in rows] == [(1, "Wati", "Niur"), (2, "Agus", "Lubuk Sahung"),
                                                          (3, "Yanti", "Lubuk Sahung")]


@pytest.mark.parametrize("persona", ["regency_admin", "viewer"])  # NIK in full (decrypted per chunk), masked
def test_behind_pgbouncer_the_list_is_read_in_chunks_of_ids_with_the_same_rows(
        request, programme, niur, lubuk_sahung, sukaraja, regency_admin, monkeypatch, django_assert_num_queries,
        persona):
    """PGBOUNCER_TRANSACTION_MODE turns server-side cursors off: the list is then read as its ordered
    ids and one query per chunk, never as one answer holding every row."""
    from django.db import connection

    user = request.getfixturevalue(persona)
    put(programme, lubuk_sahung, ["Yanti", "Agus", "Budi"], by=regency_admin)
    put(programme, niur, ["Wati", "Citra"], by=regency_admin, serial_start=10)
    export = export_jobs.nominative_list_request(user=user, programme=programme, region=sukaraja)
    streamed = list(export_jobs.nominative_list_values(user, export))
    monkeypatch.setattr(export_jobs, "NOMINATIVE_CHUNK", 2)
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)

    # The ordered ids, then 3 chunks of at most 2 rows (5 nominees).
    with django_assert_num_queries(4):
        chunked = list(export_jobs.nominative_list_values(user, export))

    assert chunked == streamed
    assert [row[2] for row in chunked] == ["Citra", "Wati", "Agus", "Budi", "Yanti"]


def test_rows_come_from_the_persons_own_scope_even_for_a_request_made_by_hand(
        programme, niur, lubuk_sahung, regency_admin, neighbour_officer):
    put(programme, niur, ["Budi"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=neighbour_officer, programme=programme, region=niur)

    assert export_jobs.export_row_count(user=neighbour_officer, request=request) == 0
    assert table(written(neighbour_officer, request)) == []


@pytest.mark.parametrize(("persona", "nik", "kk", "full"), [
    ("regency_admin", "1705011505900001", "1705011503200001", True),
    ("officer", "1705011505900001", "1705011503200001", True),
    ("viewer", "************0001", "************0001", False),
    ("province_viewer", "************0001", "************0001", False),
])
def test_nik_and_kk_are_in_full_only_for_roles_that_work_with_the_person(
        request, programme, niur, regency_admin, persona, nik, kk, full):
    put(programme, niur, ["Budi"], by=regency_admin)
    user = request.getfixturevalue(persona)
    export = export_jobs.nominative_list_request(user=user, programme=programme, region=niur)

    [row] = table(written(user, export))

    assert (export.full_identifiers, row[1], row[2]) == (full, nik, kk)


def test_a_village_list_is_signed_by_the_village_head_and_a_regency_list_by_the_office_head(
        programme, niur, seluma, regency_admin):
    office = regency_settings_get(seluma)
    office.head_name, office.head_nip = "Drs. Ahmad Yani", "197001011995031001"
    office.save()
    put(programme, niur, ["Budi"], by=regency_admin)

    def signature_lines(region):
        request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=region)
        sheet = load_workbook(BytesIO(written(regency_admin, request)))[exports.NOMINATIVE_SHEET]
        return [row[8] for row in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True) if row[8]]

    today = format_date(seluma_today())
    assert signature_lines(niur) == [f"Niur, {today}", "Kepala Desa Niur", "(______________________________)"]
    assert signature_lines(seluma) == [
        f"Seluma, {today}", "Kepala Dinas", "Dinas Tenaga Kerja dan Transmigrasi", "Kabupaten Seluma",
        "Drs. Ahmad Yani", "NIP 197001011995031001"]


# --- At once or as a job -----------------------------------------------------------------------

def test_a_small_export_is_answered_at_once_and_logged_done(programme, niur, regency_admin, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    put(programme, niur, ["Budi", "Wati"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)

    outcome = export_jobs.export_start(user=regency_admin, request=request)

    assert [row[3] for row in table(outcome.content)] == ["Budi", "Wati"]
    record = ExportRecord.objects.get()
    assert outcome.record == record
    assert (record.kind, record.status, record.requested_by, record.regency, record.subdistrict, record.village,
            record.programme, record.row_count, record.full_identifiers, bool(record.file)) == (
        ExportKind.NOMINATIVE_LIST, ExportStatus.DONE, regency_admin, programme.regency, niur.subdistrict, niur,
        programme, 2, True, False)
    assert record.filename == (f"Daftar nominatif Desa Niur Perlindungan Pekerja Rentan 2026 Tahap 1 "
                               f"{seluma_today():%Y-%m-%d}.xlsx")


def test_a_large_export_is_a_job_that_runs_after_commit_inline_without_a_broker(
        programme, niur, regency_admin, settings, media, eager, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    put(programme, niur, ["Budi", "Wati", "Agus"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = export_jobs.export_start(user=regency_admin, request=request)
        assert (outcome.content, ExportRecord.objects.get().status) == (None, ExportStatus.QUEUED)

    assert len(callbacks) == 1
    record = ExportRecord.objects.get()
    assert (record.status, record.progress, record.total, record.row_count) == (ExportStatus.DONE, 3, 3, 3)
    assert record.file.name == f"exports/{dt.date.today().year}/ekspor-{record.pk}.xlsx"
    assert (media / record.file.name).exists()
    with record.file.open("rb") as handle:
        assert [row[3] for row in table(handle.read())] == ["Agus", "Budi", "Wati"]
    assert record.finished_at is not None


def test_a_queued_export_is_in_the_log_once_its_job_is_done_with_its_rows_and_who_asked(
        programme, niur, regency_admin, reviewer, settings, media, login, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    put(programme, niur, ["Budi", "Wati", "Agus"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    with django_capture_on_commit_callbacks() as callbacks:  # not run: the job is run by hand below
        record = export_jobs.export_start(user=regency_admin, request=request).record
    client = login(reviewer)  # the log is the regency's, read by its staff
    log_url = reverse("reports:export-log", args=[programme.regency.pk])
    queued_rows = [(row.pk, row.status, row.row_count) for row in client.get(log_url).context["page"].object_list]

    export_jobs.export_job_run(record_id=record.pk)

    log = client.get(log_url)
    assert len(callbacks) == 1
    assert queued_rows == [(record.pk, ExportStatus.QUEUED, None)]
    assert [(row.pk, row.kind, row.status, row.requested_by, row.village, row.programme, row.row_count,
             row.full_identifiers, row.finished_at is not None) for row in log.context["page"].object_list] == [
        (record.pk, ExportKind.NOMINATIVE_LIST, ExportStatus.DONE, regency_admin, niur, programme, 3, True, True)]
    page = log.content.decode()
    assert f"<td>{regency_admin.display_name}</td>" in page
    assert '<td class="num">3</td>' in page


def queued(user, request, total):
    """A job as export_start leaves it (logged as queued), without enqueuing its task."""
    return access_log.export_job_record(
        kind=request.kind, requested_by=user, regency=request.regency, programme=request.programme,
        subdistrict=request.subdistrict, village=request.village, full_identifiers=request.full_identifiers,
        filename="daftar.xlsx", total=total)


def test_running_a_job_twice_builds_its_file_once(programme, niur, regency_admin, media):
    put(programme, niur, ["Budi"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    record = queued(regency_admin, request, 1)

    first = tasks.build_export(record.pk)
    name = ExportRecord.objects.get().file.name
    second = tasks.build_export(record.pk)  # a redelivered message

    assert first == second == {"export": record.pk, "status": "done", "rows": 1}
    assert ExportRecord.objects.get().file.name == name
    assert [path.name for path in (media / "exports").rglob("*.xlsx")] == [f"ekspor-{record.pk}.xlsx"]


def test_a_job_left_running_by_a_dead_worker_is_built_again_and_its_old_file_replaced(
        programme, niur, regency_admin, media):
    put(programme, niur, ["Budi"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    record = queued(regency_admin, request, 1)
    export_jobs.export_job_run(record_id=record.pk)
    ExportRecord.objects.filter(pk=record.pk).update(status=ExportStatus.RUNNING, progress=0)
    put(programme, niur, ["Wati"], by=regency_admin, serial_start=2)

    export_jobs.export_job_run(record_id=record.pk)

    record.refresh_from_db()
    assert (record.status, record.progress, record.total) == (ExportStatus.DONE, 2, 2)
    with record.file.open("rb") as handle:
        assert [row[3] for row in table(handle.read())] == ["Budi", "Wati"]
    assert len(list((media / "exports").rglob("*.xlsx"))) == 1


def test_a_running_job_beats_its_heartbeat_with_its_progress(programme, niur, regency_admin, media, monkeypatch):
    put(programme, niur, [f"Warga {n}" for n in range(600)], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    record = queued(regency_admin, request, 600)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 200)
    beats = []
    original = ExportRecord.objects.filter

    def watch(*args, **kwargs):  # each progress step is an UPDATE on the record: read it back
        query = original(*args, **kwargs)
        if kwargs == {"pk": record.pk}:
            beats.append(original(pk=record.pk).values_list("status", "heartbeat_at").get())
        return query

    started = timezone.now()
    monkeypatch.setattr(ExportRecord.objects, "filter", watch)
    export_jobs.export_job_run(record_id=record.pk)

    running = [beat for status, beat in beats if status == ExportStatus.RUNNING]
    assert len(running) >= 3 and all(beat >= started for beat in running)
    assert running == sorted(running)


def test_the_sweep_fails_a_dead_export_job_and_the_status_page_offers_to_ask_again(
        programme, niur, regency_admin, media, client):
    put(programme, niur, ["Budi"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    now = timezone.now()
    dead = queued(regency_admin, request, 1)
    alive = queued(regency_admin, request, 1)
    done = queued(regency_admin, request, 1)
    ExportRecord.objects.filter(pk=dead.pk).update(status=ExportStatus.RUNNING, progress=250,
                                                   heartbeat_at=now - dt.timedelta(hours=1))
    ExportRecord.objects.filter(pk=alive.pk).update(status=ExportStatus.RUNNING, heartbeat_at=now)
    export_jobs.export_job_run(record_id=done.pk)

    assert jobs.jobs_fail_stale(now=now + dt.timedelta(seconds=1)) == 1

    states = dict(ExportRecord.objects.values_list("pk", "status"))
    assert (states[dead.pk], states[alive.pk], states[done.pk]) == (
        ExportStatus.FAILED, ExportStatus.RUNNING, ExportStatus.DONE)
    client.force_login(regency_admin)
    page = client.get(reverse("reports:export-status", args=[dead.pk])).content.decode()
    assert jobs.EXPORT_STALE_MESSAGE in page and "hx-trigger" not in page  # failed: the page stops polling
    again = reverse("reports:nominative-village", args=[niur.pk]) + f"?program={programme.pk}"
    assert f'href="{again}"' in page
    answer = client.get(again)
    assert answer.status_code == 200 and ExportRecord.objects.count() == 4  # a new export, logged

    # The message handed to another worker later still finishes the job the sweep gave up on.
    export_jobs.export_job_run(record_id=dead.pk)
    dead.refresh_from_db()
    assert (dead.status, dead.error, dead.row_count) == (ExportStatus.DONE, "", 1)


def test_a_job_that_fails_says_so_and_keeps_no_file(programme, niur, regency_admin, media, monkeypatch, caplog):
    put(programme, niur, ["Budi"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    record = queued(regency_admin, request, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the builder")

    monkeypatch.setattr(exports, "nominative_workbook", broken)

    assert tasks.build_export(record.pk) == {"export": record.pk, "status": "failed", "rows": None}
    record.refresh_from_db()
    assert (record.status, record.error, bool(record.file)) == (
        ExportStatus.FAILED, "Berkas gagal dibuat. Coba lagi; bila terulang, hubungi admin sistem.", False)
    assert f"export job {record.pk} (nominative_list) failed" in caplog.text


def test_a_job_whose_database_errors_outlast_the_retries_is_marked_failed(programme, niur, regency_admin, media,
                                                                           monkeypatch):
    put(programme, niur, ["Budi"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    record = queued(regency_admin, request, 1)
    attempts = []

    def connection_lost(*args, **kwargs):
        attempts.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(exports, "nominative_workbook", connection_lost)

    # The last retry (eager, so at once): the error stays, the task fails and says so.
    last = tasks.build_export.apply(args=[record.pk], retries=tasks.build_export.max_retries, throw=False)

    assert last.failed()
    assert attempts == [1]
    record.refresh_from_db()
    assert (record.status, record.error, bool(record.file)) == (
        ExportStatus.FAILED, "Berkas gagal dibuat. Coba lagi; bila terulang, hubungi admin sistem.", False)


def test_export_files_past_their_retention_are_deleted_and_the_log_keeps_the_row(
        programme, niur, regency_admin, media, settings, login):
    """Files of worker-built exports may hold NIKs in clear: kept EXPORT_FILE_RETENTION_DAYS (30),
    then deleted by the nightly task; the log still says who took what, the status page says why
    there is no link any more."""
    put(programme, niur, ["Budi"], by=regency_admin)
    request = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    old, recent = queued(regency_admin, request, 1), queued(regency_admin, request, 1)
    for record in (old, recent):
        tasks.build_export(record.pk)
    now = timezone.now()
    ExportRecord.objects.filter(pk=old.pk).update(finished_at=now - dt.timedelta(days=31))
    ExportRecord.objects.filter(pk=recent.pk).update(finished_at=now - dt.timedelta(days=29))

    assert tasks.purge_old_export_files() == 1
    assert tasks.purge_old_export_files() == 0  # the next night: nothing more to delete

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.file.name, old.status, old.row_count, old.file_purged_at is not None) == ("", ExportStatus.DONE, 1,
                                                                                          True)
    assert [path.name for path in (media / "exports").rglob("*.xlsx")] == [f"ekspor-{recent.pk}.xlsx"]
    client = login(regency_admin)
    page = client.get(reverse("reports:export-status", args=[old.pk])).content.decode()
    assert "Berkas ini sudah dihapus" in page and "hanya disimpan 30 hari" in page
    assert client.get(reverse("reports:export-download", args=[old.pk])).status_code == 404
    log = client.get(reverse("reports:export-log", args=[programme.regency.pk])).content.decode()
    assert "selesai, berkas dihapus" in log


def test_the_purge_runs_every_night(settings):
    [entry] = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "reports.purge_old_export_files"]

    assert entry["schedule"] == crontab(hour=2, minute=0)


def test_a_job_whose_record_is_gone_is_skipped(db):
    assert tasks.build_export(987654) is None


# --- On the real worker ----------------------------------------------------------------------------

@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_large_export_runs_on_the_worker_to_a_downloadable_file(
        worker, worker_media, settings, programme, niur, lubuk_sahung, regency_admin, login):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    put(programme, niur, ["Budi", "Wati", "Agus"], by=regency_admin)
    put(programme, lubuk_sahung, ["Yanti", "Joko"], by=regency_admin, serial_start=10)
    client = login(regency_admin)

    response = client.get(reverse("reports:nominative-regency", args=[programme.regency.pk]))

    record = ExportRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export-status", args=[record.pk])
    try:
        wait_for(lambda: ExportRecord.objects.get(pk=record.pk).is_finished, what="the worker's export")
        record.refresh_from_db()
        assert (record.status, record.progress, record.total, record.row_count) == (ExportStatus.DONE, 5, 5, 5)
        page = client.get(reverse("reports:export-status", args=[record.pk]))
        download_url = reverse("reports:export-download", args=[record.pk])
        assert download_url in page.content.decode()
        download = client.get(download_url)
        assert download.status_code == 200
        assert download["Cache-Control"] == "no-store"
        names = [row[3] for row in table(b"".join(download.streaming_content))]
        assert names == ["Agus", "Budi", "Wati", "Joko", "Yanti"]
    finally:
        ExportRecord.objects.get(pk=record.pk).file.delete(save=False)


@pytest.mark.django_db(transaction=True)
def test_a_large_export_that_cannot_be_queued_says_so_and_waits_for_nothing(
        programme, niur, regency_admin, settings, login, monkeypatch):
    """A broker that does not answer (nothing listens on port 1): the person lands on the export's
    page, which says in Indonesian that it cannot start now; the log row is failed, never left
    queued. With a real Redis stopped mid-test: tests/faults/test_redis_down.py."""
    from celery import Celery

    from common import jobs

    settings.EXPORT_INLINE_MAX_ROWS = 2
    put(programme, niur, ["Budi", "Wati", "Agus"], by=regency_admin)
    dead_broker = Celery("dead", broker="redis://127.0.0.1:1/0", set_as_current=False)
    dead_broker.conf.broker_connection_retry = False
    dead_broker.conf.task_publish_retry = False
    monkeypatch.setattr(jobs, "current_app", dead_broker)

    page = login(regency_admin).get(reverse("reports:nominative-village", args=[niur.pk]),
                                    {"program": programme.pk}, follow=True)

    record = ExportRecord.objects.get()
    assert (record.status, record.error, record.finished_at is not None) == (
        ExportStatus.FAILED, jobs.NOT_STARTED_MESSAGE, True)
    assert jobs.NOT_STARTED_MESSAGE in page.content.decode()
