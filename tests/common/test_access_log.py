"""common/access_log.py: every workbook the portal hands out has its log row, written in the
transaction that reads (or makes) what the file holds. If the row cannot be written, the export
fails: no file is handed out and nothing it made stays (accounts, a BPJS batch, a job's file).

The failure is a real one: a trigger makes PostgreSQL refuse to record an export as done, as a
full disk or a revoked grant would. It lives in the test's transaction and goes with it."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from bpjs import services as bpjs_services
from bpjs.models import ExportBatch
from common.models import ExportRecord, ExportStatus
from common.workbooks import XLSX_CONTENT_TYPE
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee
from reports import export_jobs, tasks


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def log_refused(db):
    """From here on the database refuses every export log row that says "done" (an export answered
    at once, a job finishing); a job may still be queued and marked failed."""
    table = ExportRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE FUNCTION refuse_export_log() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       "BEGIN RAISE EXCEPTION 'the export log is unavailable'; END $$")
        cursor.execute(f"CREATE TRIGGER refuse_export_log BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
                       "WHEN (NEW.status = 'done') EXECUTE FUNCTION refuse_export_log()")


@pytest.fixture
def failing(login):
    """failing(user) → a client that answers a view's error with the 500 page, as in production."""
    def _failing(user):
        client = login(user)
        client.raise_request_exception = False
        return client
    return _failing


def assert_no_file(response):
    assert response.status_code == 500
    assert response["Content-Type"] != XLSX_CONTENT_TYPE
    assert not response.has_header("Content-Disposition")


# --- Answered at once ------------------------------------------------------------------------------

def test_a_nominative_list_whose_log_row_fails_is_not_handed_out(failing, log_refused, regency_admin, seluma,
                                                                 programme, niur, add_nominees):
    add_nominees(programme, niur, 2, S.SUBMITTED)

    response = failing(regency_admin).get(reverse("reports:nominative-regency", args=[seluma.pk]),
                                          {"program": programme.pk})

    assert_no_file(response)
    assert ExportRecord.objects.count() == 0


def test_a_coverage_recap_whose_log_row_fails_is_not_handed_out(failing, log_refused, viewer, seluma, programme):
    response = failing(viewer).get(reverse("reports:coverage-recap", args=[seluma.pk]))

    assert_no_file(response)
    assert ExportRecord.objects.count() == 0


def test_the_submission_tracking_whose_log_row_fails_is_not_handed_out(failing, log_refused, reviewer, programme):
    response = failing(reviewer).get(reverse("registrations:programme-submissions-export", args=[programme.pk]))

    assert_no_file(response)
    assert ExportRecord.objects.count() == 0


def test_the_auditors_export_whose_log_row_fails_is_not_handed_out(failing, log_refused, reviewer, seluma):
    response = failing(reviewer).get(reverse("registrations:audit-events", args=[seluma.pk]),
                                     {"dari": "2026-03-01", "sampai": "2026-03-31", "unduh": "1"})

    assert_no_file(response)
    assert ExportRecord.objects.count() == 0


def test_village_accounts_whose_log_row_fails_are_not_created(failing, log_refused, regency_admin, seluma):
    users_before = set(User.objects.values_list("username", flat=True))

    response = failing(regency_admin).post(reverse("accounts:regency-village-accounts-create", args=[seluma.pk]))

    assert_no_file(response)
    # No account is left whose password nobody received.
    assert set(User.objects.values_list("username", flat=True)) == users_before
    assert ExportRecord.objects.count() == 0


def test_a_bpjs_batch_whose_log_row_fails_is_not_made(failing, log_refused, regency_admin, programme, niur,
                                                      add_nominees, media):
    nominees = add_nominees(programme, niur, 2, S.APPROVED)

    response = failing(regency_admin).post(reverse("registrations:export-batch-create", args=[programme.pk]))

    assert_no_file(response)
    assert ExportBatch.objects.count() == 0
    assert set(Nominee.objects.filter(pk__in=[n.pk for n in nominees]).values_list("status", flat=True)) == {
        S.APPROVED}
    assert list(media.rglob("*.xlsx")) == []
    assert ExportRecord.objects.count() == 0


def test_a_bpjs_batch_whose_download_log_row_fails_is_not_handed_out(request, failing, regency_admin, programme,
                                                                     niur, add_nominees):
    add_nominees(programme, niur, 2, S.APPROVED)
    batch = bpjs_services.export_batch_create(programme=programme, created_by=regency_admin)
    request.getfixturevalue("log_refused")

    response = failing(regency_admin).get(reverse("registrations:export-batch-download", args=[batch.pk]))

    assert_no_file(response)
    assert list(ExportRecord.objects.values_list("kind", flat=True)) == ["bpjs_batch"]  # its making only


# --- Built by the worker ---------------------------------------------------------------------------

def test_a_job_whose_log_row_fails_is_marked_failed_and_keeps_no_file(request, failing, regency_admin, seluma,
                                                                      programme, niur, add_nominees, settings,
                                                                      media):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    add_nominees(programme, niur, 2, S.SUBMITTED)
    export = export_jobs.nominative_list_request(user=regency_admin, programme=programme, region=niur)
    record = export_jobs.export_start(user=regency_admin, request=export).record  # queued: no broker is called
    request.getfixturevalue("log_refused")

    # As the worker runs it: the task fails, and its failure handler marks the record.
    result = tasks.build_export.apply(args=[record.pk], throw=False)

    assert result.failed()
    record.refresh_from_db()
    assert (record.status, record.row_count, record.file.name) == (ExportStatus.FAILED, None, "")
    assert list(media.rglob("*.xlsx")) == []
    assert failing(regency_admin).get(reverse("reports:export-download", args=[record.pk])).status_code == 404
