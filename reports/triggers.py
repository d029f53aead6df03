"""When a regency's coverage is recomputed: after a change that moves its numbers commits.

Callers, always after commit: registrations.workflow (every status change), registrations.services
(a nominee created or removed, a village list sent), reports.services (an official figure, a
target). They hand `coverage_changed_callback(regency_id)` to `transaction.on_commit` (or call
`coverage_changed(regency_id)` from an on_commit callback of their own).

Coalescing, so a bulk change of 2,000 nominees costs one recompute, not 2,000:
- The cache key `coverage:pending:<regency_id>` marks a recompute that is scheduled but has not
  started. `coverage_changed` sets it with `cache.add` (only if absent) and enqueues the task only
  when it set it, with a short countdown (COVERAGE_RECOMPUTE_DELAY_SECONDS) so the rest of the
  burst finds the mark. The task deletes the key when it starts, before it reads anything: a change
  that commits while the recompute runs finds no mark and schedules the next one, so no change is
  ever left out. The cache is Redis when there is one, so the web and worker processes share it.
- `coverage_batch()` for code that makes many changes in a row (workflow.nominees_decide,
  services.village_list_submit): inside it, changes are only collected, and each regency is
  scheduled once when the batch ends (after commit, if the batch ran inside a transaction). This
  is what coalesces in eager mode (the embedded demo, no broker), where a task runs the moment it
  is enqueued and a countdown does not hold anything back.

Scheduling never fails the change that caused it (that change is committed): an error reaching the
broker, or an error of an inline recompute, is logged, and the nightly recompute
(`reports.recompute_all_coverage`) repairs the figures.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# How long a pending mark lives if its task never starts (a lost message, a stopped worker):
# afterwards a change schedules again. Well beyond the countdown plus a queue busy with exports;
# whatever is missed meanwhile, the nightly recompute repairs.
PENDING_TIMEOUT = 10 * 60
# The run counter (`recompute_finished`) covers about a day.
RUNS_TIMEOUT = 24 * 60 * 60


def pending_key(regency_id: int) -> str:
    return f"coverage:pending:{regency_id}"


def runs_key(regency_id: int) -> str:
    return f"coverage:runs:{regency_id}"


class _Batch:
    """The regencies changed inside one `coverage_batch()`."""

    def __init__(self) -> None:
        self.regency_ids: set[int] = set()
        self.closed = False

    def add(self, regency_id: int) -> None:
        if self.closed:  # a change that committed after the batch had scheduled its regencies
            _schedule(regency_id)
        else:
            self.regency_ids.add(regency_id)

    def close(self) -> None:
        self.closed = True
        for regency_id in sorted(self.regency_ids):
            _schedule(regency_id)


_current_batch: ContextVar[_Batch | None] = ContextVar("coverage_batch", default=None)


def coverage_changed(regency_id: int) -> None:
    """Something that moves the regency's numbers has committed: schedule one recompute (or, inside
    a `coverage_batch()`, note the regency for the batch's end). Call it from
    `transaction.on_commit`, never before the change is committed."""
    batch = _current_batch.get()
    if batch is not None:
        batch.add(regency_id)
    else:
        _schedule(regency_id)


def coverage_changed_callback(regency_id: int) -> Callable[[], None]:
    """The callable to hand to `transaction.on_commit` for a change made now: it reports the
    regency to the batch open now, even when the commit comes after that batch has ended (a batch
    run inside a caller's transaction), and otherwise calls `coverage_changed` after commit."""
    batch = _current_batch.get()
    if batch is not None:
        return partial(batch.add, regency_id)
    return partial(coverage_changed, regency_id)


@contextmanager
def coverage_batch() -> Iterator[None]:
    """Inside this block `coverage_changed` only collects regencies; on leaving it each is
    scheduled once, after commit when the block ran inside a transaction (never, if that
    transaction rolls back). Nested batches belong to the outermost one."""
    if _current_batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _current_batch.set(batch)
    try:
        yield
    finally:
        _current_batch.reset(token)
        # Registered after the callbacks of the changes made inside the block, so on commit they
        # add to the batch first. In autocommit mode this runs at once. Also when the block
        # raised: what committed before the error still moved the numbers.
        transaction.on_commit(batch.close)


def _schedule(regency_id: int) -> None:
    from .tasks import recompute_regency_coverage  # the task module imports the coverage rules

    key = pending_key(regency_id)
    try:
        if not cache.add(key, 1, timeout=PENDING_TIMEOUT):
            return  # a recompute is scheduled and has not started: it will read this change
        try:
            recompute_regency_coverage.apply_async((regency_id,),
                                                   countdown=settings.COVERAGE_RECOMPUTE_DELAY_SECONDS)
        except Exception:
            cache.delete(key)  # so the next change tries again
            raise
    except Exception:
        # Redis or the broker unreachable, or (eager mode) the inline recompute failed. The change
        # itself is committed and must stand; the next change or the nightly recompute repairs.
        logger.exception("coverage recompute of regency %s could not be scheduled", regency_id)


def recompute_started(regency_id: int) -> None:
    """The task calls this before reading anything: changes from now on schedule a new recompute."""
    cache.delete(pending_key(regency_id))


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
