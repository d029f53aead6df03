"""When a regency's coverage is recomputed: after a change that moves its numbers commits.

Nothing calls this module to say so: the nomination apps announce their changes after commit
(common.events: a nominee's status, a nominee added or removed, a list sent) and the reports app
listens (`on_change`, connected in ReportsConfig.ready). Coverage inputs entered here (targets,
official figures, village denominators, reports.services) are announced the same way.

Coalescing, so a bulk change of 2,000 nominees costs one recompute, not 2,000:
- A bulk step announces once (common.events.collected), naming each regency it touched.
- The cache key `coverage:pending:<regency_id>` marks a recompute that is scheduled but has not
  started. `coverage_changed` sets it with `cache.add` (only if absent) and enqueues the task only
  when it set it, with a short countdown (COVERAGE_RECOMPUTE_DELAY_SECONDS) so the rest of the
  burst finds the mark. The task deletes the key when it starts, before it reads anything: a change
  that commits while the recompute runs finds no mark and schedules the next one, so no change is
  ever left out. The cache is Redis when there is one, so the web and worker processes share it.
- The task is enqueued by its name (`reports.recompute_regency_coverage`): this module does not
  import the tasks module.

Scheduling never fails the change that caused it (that change is committed): an error reaching
Redis or the broker, or an error of an inline recompute, is logged and leaves a durable mark, a
`RecomputeOwed` row for the regency in the database (the cache is what failed). Beat's
`reports.recompute_owed` (every few minutes, settings.CELERY_BEAT_SCHEDULE) schedules each owed
recompute again through `coverage_changed`, so figures are right minutes after Redis returns, not
at the nightly recompute; the recompute deletes the row when it starts.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from common.jobs import task_enqueue

from .models import RecomputeOwed

logger = logging.getLogger(__name__)

# How long a pending mark lives if its task never starts (a lost message, a stopped worker):
# afterwards a change schedules again. Well beyond the countdown plus a queue busy with exports;
# whatever is missed meanwhile, the nightly recompute repairs.
PENDING_TIMEOUT = 10 * 60
# The run counter (`recompute_finished`) covers about a day.
RUNS_TIMEOUT = 24 * 60 * 60
RECOMPUTE_TASK = "reports.recompute_regency_coverage"


def pending_key(regency_id: int) -> str:
    return f"coverage:pending:{regency_id}"


def runs_key(regency_id: int) -> str:
    return f"coverage:runs:{regency_id}"


def on_change(sender, *, changes, **kwargs) -> None:
    """Listener of common.events.changed (connected in ReportsConfig.ready): every kind of change
    moves a regency's numbers, so each regency named is scheduled once."""
    for regency_id in sorted({change.regency_id for change in changes}):
        coverage_changed(regency_id)


def coverage_changed(regency_id: int) -> None:
    """Something that moves the regency's numbers has committed: schedule one recompute, unless one
    is scheduled and has not started yet (it will read this change). Never raises."""
    key = pending_key(regency_id)
    try:
        if not cache.add(key, 1, timeout=PENDING_TIMEOUT):
            return  # a recompute is scheduled and has not started: it will read this change
        # By name: this module never imports the tasks (they import the coverage engine).
        if task_enqueue(RECOMPUTE_TASK, args=(regency_id,), countdown=settings.COVERAGE_RECOMPUTE_DELAY_SECONDS):
            return
        cache.delete(key)  # so the next change, or the owed-recompute beat task, tries again
    except Exception:
        # Redis unreachable, or (eager mode) the inline recompute failed. The change itself is
        # committed and must stand.
        logger.exception("coverage recompute of regency %s could not be scheduled", regency_id)
    _owe(regency_id)


def _owe(regency_id: int) -> None:
    """Remembers, in the database, a recompute that could not be scheduled (never raises)."""
    try:
        RecomputeOwed.objects.get_or_create(regency_id=regency_id)
    except DatabaseError:
        logger.exception("the owed coverage recompute of regency %s could not be recorded; the nightly "
                         "recompute repairs", regency_id)


def recompute_owed() -> int:
    """Schedules again every recompute owed since Redis or the broker failed (beat's
    `reports.recompute_owed`). A regency whose recompute is already scheduled is left to it.
    Returns how many regencies were owed."""
    regency_ids = list(RecomputeOwed.objects.values_list("regency_id", flat=True))
    for regency_id in regency_ids:
        coverage_changed(regency_id)
    return len(regency_ids)


def recompute_started(regency_id: int) -> None:
    """The task calls this before reading anything: changes from now on schedule a new recompute,
    and a recompute owed from before is being done now."""
    cache.delete(pending_key(regency_id))
    RecomputeOwed.objects.filter(regency_id=regency_id).delete()


def recompute_finished(regency_id: int) -> None:
    """Counts the regency's completed recomputes (about a day's worth), so coalescing can be
    watched: `redis-cli --scan --pattern '*coverage:runs:*'`."""
    key = runs_key(regency_id)
    cache.add(key, 0, timeout=RUNS_TIMEOUT)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=RUNS_TIMEOUT)


def recompute_runs(regency_id: int) -> int:
    return cache.get(runs_key(regency_id), 0)
