"""A Celery worker killed with SIGKILL in the middle of a job or of a large export: nobody tells
the job, so the beat task common.fail_stale_jobs finds its heartbeat stopped and marks it failed,
and the person's progress page says it stopped and to try again (common/jobs.py)."""

import signal

import psycopg
import pytest
from django.db import connections
from django.urls import reverse

from common.jobs import EXPORT_STALE_MESSAGE, STALE_MESSAGE, job_start
from common.models import ExportRecord, ExportStatus, Job, JobStatus
from registrations.enums import NomineeStatus
from registrations.models import Nominee
from common.tasks import fail_stale_jobs
from tests.services import wait_for

from .tasks import SLOW_JOB_TASK

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_a_job_whose_worker_is_killed_is_marked_failed_and_the_page_says_try_again(
        redis_in_use, start_worker, regency_admin, client, settings):
    worker = start_worker(redis_in_use.url)
    job = job_start(kind="tests.slow", title="Pekerjaan uji", task_name=SLOW_JOB_TASK, user=regency_admin,
                    return_url="/")
    wait_for(lambda: Job.objects.get(pk=job.pk).progress >= 2, what="the job to run on the worker")

    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    settings.JOB_STALE_AFTER_SECONDS = 0  # any heartbeat in the past is stale
    before = Job.objects.get(pk=job.pk)
    marked = fail_stale_jobs()

    assert before.status == JobStatus.RUNNING  # nothing else would ever have told it
    assert marked == 1
    stored = Job.objects.get(pk=job.pk)
    assert (stored.status, stored.error) == (JobStatus.FAILED, STALE_MESSAGE)
    client.force_login(regency_admin)
    page = client.get(reverse("job-status", args=[job.pk])).content.decode()
    assert STALE_MESSAGE in page and "Coba lagi" in page and "coba lagi" in page
    assert "hx-trigger" not in page  # finished: the page stops polling



def test_an_export_whose_worker_is_killed_is_marked_failed_and_its_page_offers_to_ask_again(
        redis_in_use, start_worker, programme, niur, add_nominees, regency_admin, client, settings):
    """The audit's case: a large export's worker killed mid-way. The export is asked with no
    worker running; the nominee table is then locked from another connection, so the worker that
    starts claims the job (running) and waits inside it, where it is killed."""
    settings.EXPORT_INLINE_MAX_ROWS = 0  # every export is a job
    add_nominees(programme, niur, 3, status=NomineeStatus.VERIFIED)
    client.force_login(regency_admin)
    client.get(reverse("reports:nominative-village", args=[niur.pk]), {"program": programme.pk})
    record = ExportRecord.objects.get()
    assert record.status == ExportStatus.QUEUED

    with psycopg.connect(**_libpq_params()) as holder:
        holder.execute(f"LOCK TABLE {Nominee._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        worker = start_worker(redis_in_use.url, wait=False)
        wait_for(lambda: ExportRecord.objects.get(pk=record.pk).status == ExportStatus.RUNNING,
                 what="the export to run on the worker")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        holder.rollback()
    settings.JOB_STALE_AFTER_SECONDS = 0  # any heartbeat in the past is stale

    assert fail_stale_jobs() == 1
    record.refresh_from_db()
    assert (record.status, record.error, bool(record.file)) == (ExportStatus.FAILED, EXPORT_STALE_MESSAGE, False)
    page = client.get(reverse("reports:export-status", args=[record.pk])).content.decode()
    assert EXPORT_STALE_MESSAGE in page and "hx-trigger" not in page  # finished: the page stops polling
    assert f'href="{reverse("reports:nominative-village", args=[niur.pk])}?program={programme.pk}"' in page


def _libpq_params() -> dict:
    database = connections["default"].settings_dict
    return {"dbname": database["NAME"], "user": database["USER"], "password": database["PASSWORD"] or None,
            "host": database["HOST"] or "127.0.0.1", "port": database["PORT"] or 5432}
