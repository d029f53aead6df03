"""reports/tasks.py: the coverage recompute on a real Celery worker, concurrency, retries, beat.

The worker tests (marker `celery`) use the session's real worker process on Redis, reading the
test database; they poll the database and the cache instead of sleeping. Recomputes are counted
with the task's own run counter (triggers.recompute_runs), which the worker increments in Redis
after each completed recompute.
"""

import datetime as dt
import threading
import time

import pytest
from celery.schedules import crontab
from celery.signals import task_retry
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError, connection, connections

from jamsostek_portal.celery import app
from registrations import workflow
from registrations.enums import Action, NomineeStatus
from reports import coverage, tasks, triggers
from reports.models import CoverageSnapshot
from villages.models import Regency

from ..services import wait_for

S = NomineeStatus
SELUMA_ROWS = 1 + 14 + 202  # the regency, its kecamatan and its desa/kelurahan
pytestmark = pytest.mark.usefixtures("no_recompute_marks")


def regency_row(code="17.05"):
    return CoverageSnapshot.objects.filter(region_code=code, computed_on=coverage.coverage_today()).first()


def snapshot_values(regency):
    return sorted(CoverageSnapshot.objects.filter(regency=regency).values_list(
        "region_code", "computed_on", "level", "quota", "nominated", "submitted", "approved", "registered", "active",
        "premium_committed_rp", "covered", "denominator", "ucj_percent"))


# --- On the real worker ---------------------------------------------------------------------------

@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_status_change_leads_to_a_snapshot_written_by_the_worker(
        worker, settings, seluma, programme, niur, add_nominees, bpjs_officer):
    settings.COVERAGE_RECOMPUTE_DELAY_SECONDS = 0
    [nominee] = add_nominees(programme, niur, 1, status=S.SENT_TO_BPJS)  # arranged without a trigger
    assert not worker.conf.task_always_eager  # so only the worker can write the snapshot

    workflow.nominee_register(nominee=nominee, actor=bpjs_officer, kpj_number="00012345678",
                              registered_on=dt.date(2026, 9, 1))

    wait_for(lambda: triggers.recompute_runs(seluma.pk) == 1, what="the worker's recompute")
    row = regency_row()
    assert (row.nominated, row.approved, row.registered, row.active) == (1, 1, 1, 1)
    assert CoverageSnapshot.objects.filter(regency=seluma).count() == SELUMA_ROWS
    assert cache.get(triggers.pending_key(seluma.pk)) is None  # the worker cleared the mark


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_bulk_decision_on_30_nominees_is_one_recompute_on_the_worker(
        worker, settings, seluma, programme, niur, add_nominees, approver):
    settings.COVERAGE_RECOMPUTE_DELAY_SECONDS = 1
    nominees = add_nominees(programme, niur, 30, status=S.VERIFIED)

    result = workflow.nominees_decide(nominee_pks=[n.pk for n in nominees], action=Action.APPROVE, actor=approver)

    assert (len(result.changed), result.refused) == (30, [])
    wait_for(lambda: triggers.recompute_runs(seluma.pk) >= 1, what="the worker's recompute")
    assert regency_row().approved == 30
    # Give a second recompute, had one been scheduled, time to run (the delay plus its run).
    time.sleep(django_settings.COVERAGE_RECOMPUTE_DELAY_SECONDS + 1.5)
    assert triggers.recompute_runs(seluma.pk) == 1


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_changes_outside_a_batch_is_one_recompute_on_the_worker(worker, settings, seluma):
    """The pending mark alone coalesces: the web process sets it, the worker clears it."""
    settings.COVERAGE_RECOMPUTE_DELAY_SECONDS = 1

    for _ in range(20):
        triggers.coverage_changed(seluma.pk)

    wait_for(lambda: triggers.recompute_runs(seluma.pk) >= 1, what="the worker's recompute")
    time.sleep(django_settings.COVERAGE_RECOMPUTE_DELAY_SECONDS + 1.5)
    assert triggers.recompute_runs(seluma.pk) == 1
    assert cache.get(triggers.pending_key(seluma.pk)) is None

    triggers.coverage_changed(seluma.pk)  # after the recompute started: a new one

    wait_for(lambda: triggers.recompute_runs(seluma.pk) == 2, what="the second recompute")


# --- Safe to run twice at once -----------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_recomputes_at_once_leave_one_row_per_region_and_day_with_the_same_values(
        seluma, programme, niur, add_nominees):
    add_nominees(programme, niur, 3, status=S.ACTIVE, registered_on=dt.date(2026, 9, 1))
    start = threading.Barrier(2)
    results, errors = [], []

    def recompute():
        try:
            start.wait(timeout=10)
            results.append(tasks.recompute_regency_coverage(seluma.pk))
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recompute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [result["rows_written"] for result in results] == [SELUMA_ROWS, SELUMA_ROWS]
    assert CoverageSnapshot.objects.filter(regency=seluma).count() == SELUMA_ROWS
    first = snapshot_values(seluma)
    assert regency_row().active == 3

    tasks.recompute_regency_coverage(seluma.pk)  # and once more, alone: the same rows

    assert snapshot_values(seluma) == first
    assert triggers.recompute_runs(seluma.pk) == 3


# --- Retried on database errors ----------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_database_error_makes_the_task_retry(seluma):
    """A real lock timeout: another connection holds the snapshot table while the task runs with a
    short lock_timeout. The task runs in this process (`apply`, which performs a retry at once
    rather than after the backoff, and only with throw=False: the settings make inline tasks
    propagate errors); the holder lets go when the first attempt has failed and asked to retry."""
    holding, release = threading.Event(), threading.Event()
    retries = []

    def hold_the_snapshot_table():
        try:
            with connections["default"].cursor() as cursor:  # this thread's own connection
                cursor.execute("BEGIN")
                cursor.execute("LOCK TABLE reports_coveragesnapshot IN ACCESS EXCLUSIVE MODE")
                holding.set()
                release.wait(timeout=30)
                cursor.execute("ROLLBACK")
        finally:
            connections.close_all()

    def on_retry(sender=None, reason=None, **kwargs):
        retries.append(type(reason.exc))  # reason: the Retry, carrying the error
        release.set()

    holder = threading.Thread(target=hold_the_snapshot_table)
    holder.start()
    assert holding.wait(timeout=10)
    task_retry.connect(on_retry, sender=tasks.recompute_regency_coverage, weak=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        result = tasks.recompute_regency_coverage.apply((seluma.pk,), throw=False)
    finally:
        task_retry.disconnect(on_retry, sender=tasks.recompute_regency_coverage)
        release.set()
        holder.join(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert retries == [OperationalError]
    assert result.successful()
    assert result.result["rows_written"] == SELUMA_ROWS
    assert CoverageSnapshot.objects.filter(regency=seluma).count() == SELUMA_ROWS
    assert triggers.recompute_runs(seluma.pk) == 1


# The tests below run the tasks in this process the same way (`apply(throw=False)`), with the
# coverage engine raising on cue instead of a real lock: which errors are retried, how often, how
# far apart, and what the retry leaves behind.

@pytest.fixture
def retries():
    """(task name, error class, countdown) of every retry a task asks for, in order."""
    seen = []

    def on_retry(sender=None, reason=None, **kwargs):
        seen.append((sender.name, type(reason.exc), reason.when))

    task_retry.connect(on_retry, weak=False)
    yield seen
    task_retry.disconnect(on_retry)


def fail_first(monkeypatch, module, name, errors):
    """Makes module.name raise each of `errors` in turn, then work as before. Returns its calls."""
    real, pending, calls = getattr(module, name), list(errors), []

    def failing(*args, **kwargs):
        calls.append(args)
        if pending:
            raise pending.pop(0)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)
    return calls


@pytest.mark.parametrize("error", [OperationalError("could not serialize access"),
                                   InterfaceError("connection already closed")], ids=["operational", "interface"])
def test_a_transient_database_error_is_retried_and_the_retry_writes_the_snapshot(
        monkeypatch, retries, seluma, programme, niur, add_nominees, error):
    add_nominees(programme, niur, 2, status=S.ACTIVE, registered_on=dt.date(2026, 9, 1))
    calls = fail_first(monkeypatch, coverage, "recompute_regency", [error])

    result = tasks.recompute_regency_coverage.apply((seluma.pk,), throw=False)

    assert [(name, kind) for name, kind, _ in retries] == [("reports.recompute_regency_coverage", type(error))]
    assert len(calls) == 2
    assert result.successful()
    assert result.result["rows_written"] == SELUMA_ROWS
    assert CoverageSnapshot.objects.filter(regency=seluma).count() == SELUMA_ROWS
    assert regency_row().active == 2
    assert triggers.recompute_runs(seluma.pk) == 1  # the failed attempt is not a completed recompute


def test_a_database_error_that_persists_is_retried_five_times_backing_off_then_fails(monkeypatch, retries, seluma):
    calls = fail_first(monkeypatch, coverage, "recompute_regency", [OperationalError("lock timeout") for _ in range(10)])
    # apply() runs each retry with the default throw, which the settings make True: then the second
    # attempt's Retry would escape instead of running a third.
    saved, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    try:
        result = tasks.recompute_regency_coverage.apply((seluma.pk,), throw=False)
    finally:
        app.conf.task_eager_propagates = saved

    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert len(calls) == 1 + 5
    assert [kind for _, kind, _ in retries] == [OperationalError] * 5
    # Exponential backoff with full jitter: retry n waits at most 2·2ⁿ seconds (not the 3-minute
    # default delay, nor a fixed one).
    assert all(0 <= countdown <= 2 * 2**n for n, (_, _, countdown) in enumerate(retries)), retries
    assert not CoverageSnapshot.objects.exists()
    assert triggers.recompute_runs(seluma.pk) == 0


@pytest.mark.parametrize("error", [IntegrityError("duplicate key value"), ProgrammingError("column does not exist"),
                                   ZeroDivisionError("division by zero")], ids=["integrity", "programming", "bug"])
def test_a_bug_or_bad_data_is_not_retried(monkeypatch, retries, seluma, error):
    calls = fail_first(monkeypatch, coverage, "recompute_regency", [error])

    result = tasks.recompute_regency_coverage.apply((seluma.pk,), throw=False)

    assert len(calls) == 1
    assert retries == []
    assert result.failed()
    assert result.result is error
    assert not CoverageSnapshot.objects.exists()
    assert triggers.recompute_runs(seluma.pk) == 0


def test_the_nightly_task_is_retried_on_a_database_error_too(eager, monkeypatch, retries, seluma, programme):
    fail_first(monkeypatch, coverage, "regencies_to_recompute", [OperationalError("server closed the connection")])

    result = app.signature("reports.recompute_all_coverage").apply(throw=False)  # by name, as beat sends it

    assert [(name, kind) for name, kind, _ in retries] == [("reports.recompute_all_coverage", OperationalError)]
    assert result.successful()
    assert result.result == 1
    assert triggers.recompute_runs(seluma.pk) == 1
    assert CoverageSnapshot.objects.filter(regency=seluma).count() == SELUMA_ROWS


def test_cache_keys_belong_to_this_database():
    """Two installations, or two test runs, sharing one Redis never see each other's cache keys;
    the web process and the worker share the same pending marks. (Their queues are kept apart by
    Redis database numbers: tests/jamsostek_portal/test_queues.py.)"""
    database = connection.settings_dict["NAME"]  # test_…, as the worker's DATABASE_URL names it

    assert cache.make_key(triggers.pending_key(1)) == f"{database}::1:coverage:pending:1"


# --- The nightly run, and messages older than their data -------------------------------------------

def test_beat_recomputes_everything_at_one_in_the_morning_jakarta_time(settings):
    [entry] = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "reports.recompute_all_coverage"]

    assert entry["schedule"] == crontab(hour=1, minute=0)
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


def test_the_nightly_task_recomputes_each_regency_with_coverage_data_once(eager, seluma, other_regency, programme):
    queued = tasks.recompute_all_coverage()

    assert queued == 1  # Seluma has a programme; Bengkulu Selatan has nothing to compute
    assert (triggers.recompute_runs(seluma.pk), triggers.recompute_runs(other_regency.pk)) == (1, 0)
    assert regency_row().computed_on == coverage.coverage_today()


def test_a_message_for_a_regency_that_no_longer_exists_is_skipped(db):
    missing = (Regency.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000

    assert tasks.recompute_regency_coverage(missing) is None
    assert not CoverageSnapshot.objects.exists()
