"""Change announcements: an earlier app says what changed, after commit; later apps listen.

Data flows one way (docs/architecture.md): the workflow and the services of the nomination apps
must not import coverage, dashboards or anything built on them. So they announce instead: a
`Change` names its kind, the regency whose numbers moved and, for a status change, the nominees.
Listeners connect to `changed` in their AppConfig.ready() (reports: the coverage recompute;
registrations: the village notices) and receive `changes`, a tuple of Change, once the change has
committed, never for a rolled-back one.

Coalescing, so a bulk change of 2,000 nominees is heard once, not 2,000 times: inside a
`collected()` block announcements are only gathered, and all of them are sent together when the
block ends (after commit, when it ran inside a transaction). Listeners do their own coalescing on
top (the coverage listener keeps one pending recompute per regency).

    transaction.on_commit(announcement(ChangeKind.STATUS, regency_id, nominee_ids=[pk]))
    with collected():           # a bulk step: one announcement at its end
        ...

A listener's error does not reach the change (it is committed and stands) nor the other listeners:
it is logged. The coverage listener also logs its own failures, and the nightly recompute repairs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent with `changes`: a tuple of Change, after commit.
changed = Signal()


class ChangeKind(StrEnum):
    STATUS = "status"            # nominees moved through the workflow (workflow.py)
    NOMINATION = "nomination"    # a nominee took or left a place (added, removed, replaced)
    COVERAGE_INPUT = "coverage_input"  # a target, an official figure or a village denominator


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    regency_id: int
    nominee_ids: tuple[int, ...] = ()
    # For a status change: the statuses the nominees were moved into, so a listener that cares only
    # for some (the village notices) need not read the nominees to find out. Empty: not said.
    statuses: frozenset[str] = frozenset()


class _Collection:
    """The announcements made inside one `collected()` block."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.closed = False

    def add(self, change: Change) -> None:
        if self.closed:  # a change that committed after the block had sent its announcement
            _send((change,))
        else:
            self.changes.append(change)

    def close(self) -> None:
        self.closed = True
        if self.changes:
            _send(tuple(self.changes))


_current: ContextVar[_Collection | None] = ContextVar("change_collection", default=None)


def _send(changes: tuple[Change, ...]) -> None:
    # Every listener hears the change even if another fails: the change is committed and stands.
    for receiver, outcome in changed.send_robust(sender=Change, changes=changes):
        if isinstance(outcome, Exception):
            logger.error("listener %r failed on %s", receiver, changes, exc_info=outcome)


def announce(kind: ChangeKind, regency_id: int, *, nominee_ids: Iterable[int] = (),
             statuses: Iterable[str] = ()) -> None:
    """Announces a change that HAS committed (call it from an on_commit callback), or, inside a
    `collected()` block, adds it to the block's announcement."""
    announcement(kind, regency_id, nominee_ids=nominee_ids, statuses=statuses)()


def announcement(kind: ChangeKind, regency_id: int, *, nominee_ids: Iterable[int] = (),
                 statuses: Iterable[str] = ()) -> Callable[[], None]:
    """The callable to hand to `transaction.on_commit` for a change made now. It joins the
    `collected()` block open now, even when the commit comes after that block has ended (a block
    run inside a caller's transaction)."""
    change = Change(ChangeKind(kind), regency_id, tuple(nominee_ids), frozenset(statuses))
    collection = _current.get()
    if collection is not None:
        return lambda: collection.add(change)
    return lambda: _send((change,))


def announce_on_commit(kind: ChangeKind, regency_id: int, *, nominee_ids: Iterable[int] = (),
                       statuses: Iterable[str] = ()) -> None:
    """Announces the change being made now, once the current transaction commits."""
    transaction.on_commit(announcement(kind, regency_id, nominee_ids=nominee_ids, statuses=statuses))


@contextmanager
def collected() -> Iterator[None]:
    """Inside this block announcements are gathered; on leaving it they are sent together, after
    commit when the block ran inside a transaction (never, if that transaction rolls back). Nested
    blocks belong to the outermost one."""
    if _current.get() is not None:
        yield
        return
    collection = _Collection()
    token = _current.set(collection)
    try:
        yield
    finally:
        _current.reset(token)
        # Registered after the callbacks of the changes made inside the block, so on commit they
        # join the collection first. In autocommit mode this runs at once. Also when the block
        # raised: what committed before the error still changed something.
        transaction.on_commit(collection.close)
