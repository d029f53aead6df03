"""Where each village stands with a continuing programme (registrations.continuation), for the office.

For a programme that continues an earlier one, `village_continuation_rows` answers, in one grouped
query over the earlier programme's nominations, per village that has any of its members:
- continuing: members the village confirmed to continue (their nomination has a continuation);
- leaving: members the village let go when it confirmed (ended, without continuation, since the
  continuing programme was set up; an end before that — a death, a move the office recorded
  during the earlier stage — was no choice of the village and is not counted);
- awaiting: members still waiting for their village (continuation.members_awaiting's states).
A village has confirmed when none await; it has started when some continue or leave.
Callers check permissions.can_see_review_pages first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from registrations.enums import CONTINUABLE_STATES
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, Programme


class ConfirmationState(models.TextChoices):
    """A village's answer so far, in the order the page lists them (the office chases the first)."""

    WAITING = "belum", _("Belum konfirmasi")
    PARTIAL = "sebagian", _("Sebagian dikonfirmasi")
    CONFIRMED = "sudah", _("Sudah konfirmasi")


_ORDER = {state: index for index, state in enumerate(ConfirmationState.values)}


@dataclass(frozen=True)
class VillageContinuation:
    village_id: int
    village_name: str
    village_code: str
    subdistrict_name: str
    continuing: int
    leaving: int
    awaiting: int

    @property
    def state(self) -> ConfirmationState:
        if not self.awaiting:
            return ConfirmationState.CONFIRMED
        if self.continuing or self.leaving:
            return ConfirmationState.PARTIAL
        return ConfirmationState.WAITING


def village_continuation_rows(programme: Programme) -> list[VillageContinuation]:
    """One row per village with members of the programme `programme` continues, waiting villages
    first, then by subdistrict and village name; [] (no query) when it continues nobody. One query."""
    if programme.continues_from_id is None:
        return []
    chose = Q(status=S.ENDED, status_changed_at__gte=programme.created_at)
    rows = (Nominee.objects.filter(programme_id=programme.continues_from_id)
            .filter(Q(status__in=sorted(CONTINUABLE_STATES)) | chose)
            .values("village_id", "village__name", "village__code", "village__subdistrict__name")
            .annotate(continuing=Count("pk", filter=chose & Q(continued_as__isnull=False)),
                      leaving=Count("pk", filter=chose & Q(continued_as__isnull=True)),
                      awaiting=Count("pk", filter=Q(status__in=sorted(CONTINUABLE_STATES))))
            .order_by("village__subdistrict__name", "village__name", "village_id"))
    villages = [VillageContinuation(
        village_id=row["village_id"], village_name=row["village__name"], village_code=row["village__code"],
        subdistrict_name=row["village__subdistrict__name"], continuing=row["continuing"], leaving=row["leaving"],
        awaiting=row["awaiting"]) for row in rows]
    return sorted(villages, key=lambda village: _ORDER[village.state])  # stable: names stay in order


@dataclass(frozen=True)
class Totals:
    villages: int
    confirmed_villages: int
    continuing: int
    leaving: int
    awaiting: int


def continuation_totals(rows: list[VillageContinuation]) -> Totals:
    return Totals(villages=len(rows),
                  confirmed_villages=sum(row.state == ConfirmationState.CONFIRMED for row in rows),
                  continuing=sum(row.continuing for row in rows), leaving=sum(row.leaving for row in rows),
                  awaiting=sum(row.awaiting for row in rows))
