"""A Celery worker killed with SIGKILL in the middle of a job: nobody tells the job, so the beat
task common.fail_stale_jobs finds its heartbeat stopped and marks it failed, and the person's
progress page says it stopped and to try again (common/jobs.py)."""

import signal

import pytest
from django.urls import reverse

from common.jobs import STALE_MESSAGE, job_start
from common.models import Job, JobStatus
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
