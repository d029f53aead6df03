"""reports/triggers.py: after a change commits, one coverage recompute per regency for a burst.

These tests run tasks inline (`eager`, as the embedded demo does with no broker) and count real
recomputes with the task's own run counter (triggers.recompute_runs). Inside a test's transaction
on_commit callbacks only run under `django_capture_on_commit_callbacks(execute=True)`, as a commit
would run them. The same behaviour on a real worker is in test_tasks.py.
"""

import datetime as dt
import logging

import pytest
from django.core.cache import cache
from django.db import transaction

from common import events
from common.events import ChangeKind
from registrations import services, workflow
from registrations.enums import Action, NomineeStatus
from registrations.models import Nominee, OccupationCategory
from registrations.validation import check_nominee
from reports import coverage, triggers
from reports.models import CoverageSnapshot
from reports.tasks import recompute_regency_coverage
from tests.registrations.conftest import NIK_MAN, nominee_fields

S = NomineeStatus
NOMINATION_DAY = dt.date(2026, 1, 10)  # inside the `programme` fixture's nomination window
pytestmark = pytest.mark.usefixtures("no_recompute_marks")


def runs(regency) -> int:
    return triggers.recompute_runs(regency.pk)


def pending(regency) -> bool:
    return cache.get(triggers.pending_key(regency.pk)) is not None


# --- coverage_changed and the pending mark --------------------------------------------------------

def test_a_change_recomputes_the_regency(eager, seluma):
    triggers.coverage_changed(seluma.pk)

    assert runs(seluma) == 1
    assert CoverageSnapshot.objects.filter(region_code="17.05", computed_on=coverage.coverage_today()).count() == 1
    assert not pending(seluma)


def test_a_burst_while_a_recompute_is_pending_adds_nothing(eager, seluma):
    cache.add(triggers.pending_key(seluma.pk), 1)  # a recompute is queued and has not started

    for _ in range(5):
        triggers.coverage_changed(seluma.pk)

    assert runs(seluma) == 0
    assert pending(seluma)


def test_the_task_clears_the_mark_when_it_starts_so_a_later_change_schedules_again(eager, seluma, monkeypatch):
    cache.add(triggers.pending_key(seluma.pk), 1)
    marks_seen_while_computing = []
    real_recompute = coverage.recompute_regency

    def recompute_and_look(regency_id, **kwargs):
        marks_seen_while_computing.append(cache.get(triggers.pending_key(regency_id)))
        return real_recompute(regency_id, **kwargs)

    monkeypatch.setattr(coverage, "recompute_regency", recompute_and_look)

    recompute_regency_coverage(seluma.pk)  # the queued task runs

    # Cleared before reading: a change committed during the recompute would schedule the next one.
    assert marks_seen_while_computing == [None]
    assert not pending(seluma)
    assert runs(seluma) == 1

    triggers.coverage_changed(seluma.pk)

    assert runs(seluma) == 2


def test_a_failing_recompute_does_not_fail_the_change_and_leaves_no_mark(eager, seluma, monkeypatch, caplog):
    def broken(regency_id, **kwargs):
        raise RuntimeError("coverage bug")

    monkeypatch.setattr(coverage, "recompute_regency", broken)

    with caplog.at_level(logging.ERROR, logger="reports.triggers"):
        triggers.coverage_changed(seluma.pk)

    assert [record.getMessage() for record in caplog.records] == [
        f"coverage recompute of regency {seluma.pk} could not be scheduled"]
    assert not pending(seluma)  # the next change tries again
    assert runs(seluma) == 0


# --- common.events.collected: a bulk change announces once -----------------------------------------------------------------------------------

# The test runs inside a transaction, so a batch's end schedules on (captured) commit; in
# autocommit mode, as in a request, it schedules at once.

def test_a_batch_collects_and_schedules_each_regency_once_at_its_end(
        eager, seluma, other_regency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with events.collected():
            for regency in (seluma, other_regency, seluma, seluma, other_regency):
                events.announce(ChangeKind.STATUS, regency.pk)
            assert (runs(seluma), runs(other_regency)) == (0, 0)

    assert (runs(seluma), runs(other_regency)) == (1, 1)


def test_a_nested_batch_belongs_to_the_outer_one(eager, seluma, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with events.collected():
            with events.collected():
                events.announce(ChangeKind.STATUS, seluma.pk)
            assert callbacks == []
            events.announce(ChangeKind.STATUS, seluma.pk)

    assert runs(seluma) == 1


def test_a_batch_that_raised_still_schedules_what_committed(eager, seluma, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), events.collected():
            events.announce(ChangeKind.STATUS, seluma.pk)
            raise RuntimeError("the 501st decision failed")

    assert runs(seluma) == 1


def test_a_batch_inside_a_transaction_schedules_after_commit(
        eager, seluma, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with events.collected():
            for _ in range(3):
                transaction.on_commit(events.announcement(ChangeKind.STATUS, seluma.pk))
        # The batch has ended, but nothing has committed yet.
        assert runs(seluma) == 0

    assert runs(seluma) == 1


def test_a_batch_inside_a_rolled_back_transaction_schedules_nothing(
        eager, seluma, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic(), events.collected():
            transaction.on_commit(events.announcement(ChangeKind.STATUS, seluma.pk))
            raise RuntimeError("rolled back")

    assert callbacks == []
    assert runs(seluma) == 0
    assert not pending(seluma)


# --- Wiring: the changes that move the numbers ------------------------------------------------------

def test_a_status_change_recomputes_after_commit(
        eager, seluma, programme, niur, add_nominees, bpjs_officer, django_capture_on_commit_callbacks):
    [nominee] = add_nominees(programme, niur, 1, status=S.SENT_TO_BPJS)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.nominee_register(nominee=nominee, actor=bpjs_officer, kpj_number="00012345678",
                                  registered_on=dt.date(2026, 9, 1))
        assert runs(seluma) == 0  # not before commit

    assert len(callbacks) == 1
    assert runs(seluma) == 1
    regency_row = CoverageSnapshot.objects.get(region_code="17.05", computed_on=coverage.coverage_today())
    assert (regency_row.approved, regency_row.registered, regency_row.active) == (1, 1, 1)


def test_a_rolled_back_status_change_schedules_nothing(
        eager, seluma, programme, niur, add_nominees, bpjs_officer, django_capture_on_commit_callbacks):
    [nominee] = add_nominees(programme, niur, 1, status=S.SENT_TO_BPJS)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            workflow.nominee_register(nominee=nominee, actor=bpjs_officer, kpj_number="00012345678",
                                      registered_on=dt.date(2026, 9, 1))
            raise RuntimeError("the import failed after this row")

    assert callbacks == []
    assert runs(seluma) == 0
    assert not pending(seluma)
    assert not CoverageSnapshot.objects.exists()


def test_a_refused_status_change_schedules_nothing(
        eager, seluma, programme, niur, add_nominees, reviewer, django_capture_on_commit_callbacks):
    [nominee] = add_nominees(programme, niur, 1, status=S.DRAFT)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(workflow.TransitionError):
            workflow.nominee_decide(nominee=nominee, action=Action.VERIFY, actor=reviewer)

    assert callbacks == []
    assert runs(seluma) == 0


def test_a_bulk_decision_recomputes_once(
        eager, seluma, programme, niur, add_nominees, approver, django_capture_on_commit_callbacks):
    nominees = add_nominees(programme, niur, 30, status=S.VERIFIED)

    with django_capture_on_commit_callbacks(execute=True):
        result = workflow.nominees_decide(nominee_pks=[n.pk for n in nominees], action=Action.APPROVE,
                                          actor=approver)

    assert (len(result.changed), result.refused) == (30, [])
    assert runs(seluma) == 1
    regency_row = CoverageSnapshot.objects.get(region_code="17.05", computed_on=coverage.coverage_today())
    assert (regency_row.submitted, regency_row.approved) == (30, 30)


def test_a_bulk_decision_with_refusals_recomputes_once_for_the_ones_that_changed(
        eager, seluma, programme, niur, add_nominees, approver, django_capture_on_commit_callbacks):
    verified = add_nominees(programme, niur, 2, status=S.VERIFIED)
    drafts = Nominee.objects.filter(pk__in=[n.pk for n in add_nominees(programme, niur, 2)])

    with django_capture_on_commit_callbacks(execute=True):
        result = workflow.nominees_decide(nominee_pks=[n.pk for n in [*verified, *drafts]],
                                          action=Action.APPROVE, actor=approver)

    assert (len(result.changed), len(result.refused)) == (2, 2)
    assert runs(seluma) == 1


def test_a_village_list_sent_recomputes_once(
        eager, seluma, programme, niur, officer, add_nominees, django_capture_on_commit_callbacks):
    add_nominees(programme, niur, 8, status=S.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.village_list_submit(programme=programme, village=niur, submitted_by=officer,
                                            today=NOMINATION_DAY)

    assert sent == 8
    assert runs(seluma) == 1
    village_row = CoverageSnapshot.objects.get(region_code="17.05.01.2002", computed_on=coverage.coverage_today())
    assert (village_row.nominated, village_row.submitted) == (8, 8)


def test_a_nominee_created_then_deleted_recomputes_each_time(
        eager, seluma, programme, niur, officer, django_capture_on_commit_callbacks):
    fields = nominee_fields(nik=NIK_MAN, occupation=OccupationCategory.objects.get(name="Petani"))
    check = check_nominee(programme=programme, village=niur, nik=fields.pop("nik"), kk=fields.pop("kk"),
                          birth_date=fields["birth_date"], sex=fields["sex"], phone=fields.pop("phone"))
    assert check.errors == []

    with django_capture_on_commit_callbacks(execute=True):
        nominee = services.nominee_create(programme=programme, village=niur, created_by=officer, nik=check.nik,
                                          nik_hash=check.nik_hash, kk=check.kk, phone=check.phone,
                                          today=NOMINATION_DAY, **fields)

    assert runs(seluma) == 1
    today = coverage.coverage_today()
    assert CoverageSnapshot.objects.get(region_code="17.05.01.2002", computed_on=today).nominated == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.nominee_delete(nominee=nominee, deleted_by=officer)

    assert runs(seluma) == 2
    assert CoverageSnapshot.objects.get(region_code="17.05.01.2002", computed_on=today).nominated == 0


# --- Redis or the broker down: the recompute is owed in the database ------------------------------

def test_a_recompute_that_cannot_be_scheduled_is_owed_and_scheduled_again_later(seluma, monkeypatch):
    """The broker refuses (Redis down): the change leaves a RecomputeOwed row and no pending mark;
    beat's recompute_owed schedules it again; the recompute deletes the row when it starts. With a
    real Redis stopped and started again: tests/faults/test_redis_down.py."""
    from reports.models import RecomputeOwed

    sent = []
    monkeypatch.setattr(triggers, "task_enqueue", lambda name, **options: False)
    triggers.coverage_changed(seluma.pk)
    triggers.coverage_changed(seluma.pk)
    owed = list(RecomputeOwed.objects.values_list("regency_id", flat=True))
    still_pending = pending(seluma)

    monkeypatch.setattr(triggers, "task_enqueue", lambda name, **options: sent.append((name, options)) or True)
    scheduled = triggers.recompute_owed()
    triggers.recompute_started(seluma.pk)

    assert (owed, still_pending) == ([seluma.pk], False)
    assert scheduled == 1
    assert [(name, options["args"]) for name, options in sent] == [(triggers.RECOMPUTE_TASK, (seluma.pk,))]
    assert not RecomputeOwed.objects.exists()


def test_a_cache_that_cannot_be_reached_also_leaves_the_recompute_owed(seluma, settings):
    from reports.models import RecomputeOwed

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}

    triggers.coverage_changed(seluma.pk)

    assert list(RecomputeOwed.objects.values_list("regency_id", flat=True)) == [seluma.pk]


def test_the_owed_recomputes_are_scheduled_every_few_minutes_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-owed-coverage"]

    assert entry["task"] == "reports.recompute_owed"
    assert entry["schedule"].minute == set(range(0, 60, 2))
