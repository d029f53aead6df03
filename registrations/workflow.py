"""The only code that changes a nominee's status.

One transition table maps (from, to) to the permission that allows it. `_transition` locks the
row, checks the table and the permission, saves the status with `update_fields`, writes the
NomineeEvent (actor, from, to, reason) and queues side effects with `transaction.on_commit`.

Side effects: none yet in this module; coverage recomputation and notices hang here later.

The one exception to the table is `demo_set_status`, which only the demo loader may call and which
refuses to run in production.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .enums import NomineeStatus as S
from .models import Nominee, NomineeEvent
from .permissions import can_edit_village_list


class TransitionError(Exception):
    """The change is impossible or not the actor's to make; the message is for the user."""


def _village_officer(user, nominee) -> bool:
    return can_edit_village_list(user, nominee.village)


TRANSITIONS: dict[tuple[str, str], Callable] = {
    (S.DRAFT, S.SUBMITTED): _village_officer,
    (S.RETURNED, S.SUBMITTED): _village_officer,
}


def _transition(*, nominee_pk: int, to: str, actor, reason: str = "") -> Nominee:
    with transaction.atomic():
        nominee = Nominee.objects.select_for_update().select_related("village").get(pk=nominee_pk)
        allowed = TRANSITIONS.get((nominee.status, to))
        if allowed is None:
            raise TransitionError(
                f"{nominee.full_name}: status '{S(nominee.status).label}' tidak bisa diubah menjadi '{S(to).label}'."
            )
        if not allowed(actor, nominee):
            raise TransitionError(f"Anda tidak berwenang mengubah status {nominee.full_name}.")
        _write_status(nominee, to=to, actor=actor, reason=reason)
    return nominee


def _write_status(nominee: Nominee, *, to: str, actor, reason: str) -> None:
    """Saves the new status and its event row; the caller holds the row lock."""
    from_status = nominee.status
    nominee.status = to
    nominee.status_reason = reason
    nominee._history_user = actor
    nominee.save(update_fields=["status", "status_reason", "updated_at"])
    NomineeEvent.objects.create(nominee=nominee, actor=actor, from_status=from_status, to_status=to, reason=reason)


def nominee_submit(*, nominee: Nominee, actor) -> Nominee:
    """Draft or returned → submitted (the village sends its list to the regency)."""
    return _transition(nominee_pk=nominee.pk, to=S.SUBMITTED, actor=actor)


# --- Demo only ----------------------------------------------------------------------------------

def demo_set_status(*, nominee: Nominee, to: str, actor, reason: str = "") -> Nominee:
    """DEMO ONLY (accounts.demo.demo_load): puts a sample nominee in a state the real transitions
    of this module cannot reach yet (verified, returned, approved, sent to BPJS, registered, active,
    lapsed, ended …), so a newcomer sees a living village page and review queue.

    It skips the transition table and the permission check on purpose, but otherwise behaves like
    `_transition`: locks the row, saves with `update_fields` and writes the NomineeEvent (actor,
    from, to, reason), so the demo's timelines look like real ones. No side effects are queued.
    Refuses to run in production; never call it from a page, the import, a command or the admin.
    """
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured("workflow.demo_set_status hanya untuk data demo: tidak boleh di produksi.")
    to = S(to)
    with transaction.atomic():
        nominee = Nominee.objects.select_for_update().get(pk=nominee.pk)
        _write_status(nominee, to=to, actor=actor, reason=reason)
    return nominee
