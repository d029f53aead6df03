"""The demo's members after registration (DOMAIN.md §9): the membership and paid-up dates BPJS's
answer would have recorded for the demo's members, then the daily update run on them
(membership.services.memberships_update), so the pages show members active, in arrears and lapsed,
each with its date and months unpaid. Safe to run again: dates are set only where none is."""

from __future__ import annotations

import datetime as dt

from membership import services
from membership.rules import add_months
from registrations.models import Nominee

# Days from today to each demo member's "masa iur s.d." (3 months paid, so the membership date is
# three months before it). Rina Marlina (registered) keeps none: the branch's answer gave none.
PAID_UNTIL_FROM_TODAY = {
    "Dewi Lestari": 60,      # paid up: active
    "Supriyadi": 45,         # paid up: active until he dies (demo/claims.py ends his membership)
    "Ani Suryani": -40,      # two months unpaid: in arrears
    "Hasanudin": -150,       # five months unpaid, beyond the 3-month grace: lapsed
    "Sarmini": -100,         # ended: the dates stay as they were
}


def demo_memberships_load(programme_regency, *, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    members = Nominee.objects.filter(village__subdistrict__regency=programme_regency, paid_until__isnull=True,
                                     full_name__in=list(PAID_UNTIL_FROM_TODAY))
    for nominee in members.only("pk", "full_name"):
        paid_until = today + dt.timedelta(days=PAID_UNTIL_FROM_TODAY[nominee.full_name])
        Nominee.objects.filter(pk=nominee.pk).update(
            paid_until=paid_until, registered_on=add_months(paid_until + dt.timedelta(days=1), -3))
    services.memberships_update(on=today, regency_ids=[programme_regency.pk])
