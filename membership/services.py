"""Membership follows payment (DOMAIN.md §9): the daily update of every member's status from the
date premiums are paid up to ("masa iur s.d.").

`memberships_update` may be called by the daily beat task, the `update_memberships` command and
the demo. It is set-based: one query reads the members whose status may change (as plain values),
membership.rules decides each one's status in Python, and registrations.workflow moves them in
bulk (event rows by the system account, one announcement: one coverage recompute per regency
touched). A fixed number of queries whatever the number of members; a second run on the same day
changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from accounts.system import system_account
from common.formatting import format_date
from registrations import workflow
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

from . import rules


@dataclass
class UpdateResult:
    """What one update did: status → how many members moved to it, and the refused moves (a member
    someone else moved meanwhile) with why."""

    on: dt.date
    moved: dict[str, int] = field(default_factory=dict)
    refused: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.moved.values())


def payment_reason(*, to_status: str, paid_until: dt.date, on: dt.date, grace_months: int) -> str:
    """The words kept on the member and its event row: the paid-up date and the months unpaid."""
    if to_status == S.ACTIVE:
        return f"Iuran dibayar s.d. {format_date(paid_until)}."
    unpaid = rules.months_unpaid(paid_until, on)
    if to_status == S.ARREARS:
        return (f"Masa iur s.d. {format_date(paid_until)} lewat: {unpaid} bulan belum dibayar; tidak aktif "
                f"setelah {format_date(rules.lapses_after(paid_until, grace_months))}.")
    return (f"Masa iur s.d. {format_date(paid_until)}: {unpaid} bulan belum dibayar, lebih dari masa tenggang "
            f"{grace_months} bulan.")


def _may_change(on: dt.date) -> Q:
    """A superset, in SQL, of the members whose status the rules may change on `on` (the rules
    decide exactly in Python): paid-up ones not yet active, unpaid ones still counted active, and
    every one in arrears (a few: they move on to lapsed or back to active)."""
    paid = Q(paid_until__gte=on)
    return ((paid & Q(status__in=[S.REGISTERED, S.LAPSED]))
            | (Q(paid_until__lt=on) & Q(status__in=[S.REGISTERED, S.ACTIVE]))
            | Q(status=S.ARREARS, paid_until__isnull=False))


def memberships_update(*, on: dt.date, regency_ids=None) -> UpdateResult:
    """Moves every member (of `regency_ids`, else every regency) to the status its payment calls for
    on `on` (membership.rules.status_for_payment), as the system account. Returns what moved."""
    grace = rules.grace_months_on(on)
    members = Nominee.objects.filter(_may_change(on))
    if regency_ids is not None:
        members = members.filter(village__subdistrict__regency_id__in=list(regency_ids))
    rows = members.order_by("pk").values_list(
        "pk", "status", "paid_until",
        "village__subdistrict__regency__settings__registration_means_active")
    moves = []
    for pk, status, paid_until, registration_means_active in rows.iterator(chunk_size=2000):
        to = rules.status_for_payment(status=status, paid_until=paid_until, on=on, grace_months=grace,
                                      registration_means_active=registration_means_active is not False)
        if to != status:
            moves.append(workflow.payment_move(
                nominee_pk=pk, to_status=to, seen_status=status,
                reason=payment_reason(to_status=to, paid_until=paid_until, on=on, grace_months=grace)))
    result = UpdateResult(on=on)
    if not moves:
        return result
    outcome = workflow.nominees_follow_payment(moves=moves, actor=system_account())
    for nominee in outcome.changed:
        result.moved[nominee.status] = result.moved.get(nominee.status, 0) + 1
    result.refused = outcome.refused
    return result
