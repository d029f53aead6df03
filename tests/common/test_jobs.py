"""common/jobs.py: a background job's life as the person who started it sees it on its progress
page: done with its result, refused with the rule's message, failed without a stack trace, never
started because the broker is down, and marked failed when its worker died mid-way."""

import datetime as dt

import pytest
from celery import Celery
from django.urls import reverse
from django.utils import timezone

from common import jobs
from common.models import Job, JobStatus


def _job(user, **extra) -> Job:
    fields = {"kind": "test.work", "title": "Menyetujui 3 calon", "requested_by": user,
              "return_url": "/usulan/antrean/"} | extra
    return Job.objects.create(**fields)


def test_a_done_job_shows_its_result_and_progress_to_its_requester(client, regency_admin):
    job = _job(regency_admin, total=3)
    seen = []

    def work(running, progress):
        for done in range(1, 4):
            progress(done)
            seen.append(Job.objects.get(pk=running.pk).progress)
        return jobs.JobResult(lines=["3 calon disetujui."], links=[("Lihat antrean", "/usulan/antrean/")])

    stored = jobs.job_run(job.pk, work)

    assert seen == [1, 2, 3]
    assert stored.status == JobStatus.DONE and stored.finished_at is not None
    client.force_login(regency_admin)
    page = client.get(reverse("job-status", args=[job.pk])).content.decode()
    assert "3 calon disetujui." in page and 'href="/usulan/antrean/"' in page
    assert "hx-trigger" not in page  # finished: the page stops polling


def test_a_running_job_polls_and_only_its_requester_or_a_system_admin_sees_it(client, regency_admin, reviewer,
                                                                              sysadmin):
    job = _job(regency_admin, status=JobStatus.RUNNING, progress=1, total=3)
    client.force_login(reviewer)
    assert client.get(reverse("job-status", args=[job.pk])).status_code == 404
    client.force_login(sysadmin)
    page = client.get(reverse("job-status", args=[job.pk])).content.decode()
    assert "Sedang berjalan: 1 dari 3" in page and 'hx-trigger="every 2s"' in page
    panel = client.get(reverse("job-status", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in panel and 'id="job-status"' in panel


def test_a_refusal_shows_the_rules_message_and_an_error_a_generic_one(client, regency_admin):
    refused = _job(regency_admin)
    broken = _job(regency_admin)

    def refuse(job, progress):
        raise jobs.JobRefused("Kuota desa sudah penuh.")

    def crash(job, progress):
        raise ZeroDivisionError

    assert jobs.job_run(refused.pk, refuse).error == "Kuota desa sudah penuh."
    stored = jobs.job_run(broken.pk, crash)
    assert stored.status == JobStatus.FAILED and stored.error == jobs.JOB_FAILED_MESSAGE
    client.force_login(regency_admin)
    page = client.get(reverse("job-status", args=[broken.pk])).content.decode()
    assert jobs.JOB_FAILED_MESSAGE in page and "Kembali dan coba lagi" in page
    assert "ZeroDivisionError" not in page


def test_a_message_delivered_twice_does_not_redo_a_finished_job(regency_admin):
    job = _job(regency_admin)
    runs = []

    def work(running, progress):
        runs.append(running.pk)
        return jobs.JobResult(lines=["Selesai."])

    jobs.job_run(job.pk, work)
    jobs.job_run(job.pk, work)
    assert runs == [job.pk]


def test_a_job_whose_worker_died_is_marked_failed_and_a_live_one_is_not(regency_admin):
    now = timezone.now()
    dead = _job(regency_admin, status=JobStatus.RUNNING, heartbeat_at=now - dt.timedelta(hours=1))
    alive = _job(regency_admin, status=JobStatus.RUNNING, heartbeat_at=now - dt.timedelta(seconds=30))
    lost = _job(regency_admin)
    Job.objects.filter(pk=lost.pk).update(created_at=now - dt.timedelta(days=1))
    waiting = _job(regency_admin)

    assert jobs.jobs_fail_stale(now=now) == 2

    states = dict(Job.objects.values_list("pk", "status"))
    assert states[dead.pk] == states[lost.pk] == JobStatus.FAILED
    assert states[alive.pk] == JobStatus.RUNNING and states[waiting.pk] == JobStatus.QUEUED
    assert Job.objects.get(pk=dead.pk).error == jobs.STALE_MESSAGE


@pytest.mark.django_db(transaction=True)
def test_a_job_that_cannot_be_queued_says_so_at_once(regency_admin, settings, monkeypatch):
    """A real broker that does not answer (nothing listens on port 1): the job is failed with a
    message the person can act on, instead of waiting "queued" for ever."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    dead_broker = Celery("dead", broker="redis://127.0.0.1:1/0", set_as_current=False)  # the suite keeps its app
    dead_broker.conf.broker_connection_retry = False
    dead_broker.conf.broker_connection_max_retries = 0
    dead_broker.conf.task_publish_retry = False
    monkeypatch.setattr(jobs, "current_app", dead_broker)

    job = jobs.job_start(kind="test.work", title="Menyetujui 3 calon", task_name="test.none", user=regency_admin)

    stored = Job.objects.get(pk=job.pk)
    assert stored.status == JobStatus.FAILED and stored.error == jobs.NOT_STARTED_MESSAGE


def test_an_error_worth_retrying_is_raised_for_the_task_and_the_job_runs_again(regency_admin):
    from django.db import OperationalError

    job = _job(regency_admin)
    attempts = []

    def work(running, progress):
        attempts.append(running.pk)
        if len(attempts) == 1:
            raise OperationalError("the server closed the connection")
        return jobs.JobResult(lines=["Selesai."])

    with pytest.raises(OperationalError):
        jobs.job_run(job.pk, work, retry_on=(OperationalError,))
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING

    assert jobs.job_run(job.pk, work, retry_on=(OperationalError,)).status == JobStatus.DONE
    assert attempts == [job.pk, job.pk]
