"""Redis down under a running app (its own redis-server, killed mid-test, then started again):
- starting a large export, a bulk decision or a BPJS job answers at once, in Indonesian, that it
  cannot start now, and leaves no record waiting ("queued") for ever: each is failed with
  common.jobs.NOT_STARTED_MESSAGE, which its page shows;
- the API keeps answering: its rate limit fails open, with a warning in the log (docs/api.md);
- a signed-in person goes on working and can log out: the session is read from PostgreSQL
  (common/sessions.py), with a warning in the log;
- a change that moves a regency's coverage leaves a RecomputeOwed row in the database, and once
  Redis is back the owed-recompute beat task schedules it and the worker runs it, no waiting for
  the nightly recompute."""

import logging

import pytest
from django.urls import reverse

from bpjs.jobs import export_batch_start
from common import events
from common.jobs import NOT_STARTED_MESSAGE
from common.models import ExportRecord, ExportStatus, Job, JobStatus
from registrations.enums import NomineeStatus
from registrations.review.decisions import decision_start
from reports import triggers
from reports.models import CoverageSnapshot, RecomputeOwed
from tests.services import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_with_redis_down_jobs_refuse_cleanly_the_api_answers_and_owed_recomputes_run_once_it_returns(
        redis_in_use, start_worker, programme, niur, add_nominees, regency_admin, approver, client, settings,
        caplog):
    settings.EXPORT_INLINE_MAX_ROWS = settings.DECISION_INLINE_MAX_ROWS = 0  # every start is a job
    settings.COVERAGE_RECOMPUTE_DELAY_SECONDS = 0
    settings.API_THROTTLE_RATE = "3600/hour"
    nominees = add_nominees(programme, niur, 3, status=NomineeStatus.VERIFIED)
    redis_in_use.stop()

    # A large export: the person lands on its status page, which says it could not start.
    client.force_login(regency_admin)
    page = client.get(reverse("reports:nominative-village", args=[niur.pk]), {"program": programme.pk}, follow=True)
    export = ExportRecord.objects.get()
    # A bulk decision and a BPJS batch, both through common.jobs.job_start.
    decision = decision_start(user=approver, programme=programme, action="approve",
                              names={nominee.pk: nominee.full_name for nominee in nominees},
                              seen={nominee.pk: nominee.status for nominee in nominees})
    batch = export_batch_start(programme=programme, user=regency_admin, rows=3)
    job_page = client.get(reverse("job-status", args=[batch.pk])).content.decode()

    assert NOT_STARTED_MESSAGE in page.content.decode()
    assert (export.status, export.error) == (ExportStatus.FAILED, NOT_STARTED_MESSAGE)
    assert sorted(Job.objects.values_list("pk", "status", "error")) == [
        (decision.pk, JobStatus.FAILED, NOT_STARTED_MESSAGE), (batch.pk, JobStatus.FAILED, NOT_STARTED_MESSAGE)]
    assert NOT_STARTED_MESSAGE in job_page and "hx-trigger" not in job_page
    assert not ExportRecord.objects.filter(status=ExportStatus.QUEUED).exists()

    # The API: answered as usual, the rate limit skipped with a warning.
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        answer = client.get("/api/v1/regions/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert [record.message for record in caplog.records if record.name == "api.throttling"] == [
        "API rate limit not applied: the cache is unreachable (ConnectionError)"]

    # The session (made while Redis was down) is read from PostgreSQL; Keluar logs out.
    with caplog.at_level(logging.WARNING, logger="common.sessions"):
        assert client.get(reverse("registrations:notices")).status_code == 200
        assert client.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")
    assert client.get(reverse("registrations:notices")).status_code == 302
    assert {record.message for record in caplog.records if record.name == "common.sessions"} == {
        "Session cache not used (read): ConnectionError; the session is in PostgreSQL",
        "Session cache not used (write): ConnectionError; the session is in PostgreSQL",
        "Session cache not used (delete): ConnectionError; the session is in PostgreSQL"}

    # A change that moves Seluma's numbers: its recompute cannot be scheduled, so it is owed.
    events.announce(events.ChangeKind.COVERAGE_INPUT, programme.regency_id)
    assert list(RecomputeOwed.objects.values_list("regency_id", flat=True)) == [programme.regency_id]
    assert not CoverageSnapshot.objects.exists()

    # Redis returns (empty, as after a crash) with a worker; beat's next owed-recompute run.
    redis_in_use.start()
    start_worker(redis_in_use.url)
    owed = triggers.recompute_owed()

    assert owed == 1
    wait_for(lambda: triggers.recompute_runs(programme.regency_id) == 1, what="the owed recompute on the worker")
    assert not RecomputeOwed.objects.exists()
    assert CoverageSnapshot.objects.filter(regency_id=programme.regency_id, region_code="17.05").exists()
