"""The premium rule (DOMAIN.md §3), the one home of premium arithmetic: JKK = 1% of the declared
income tier, JKM flat, JHT optional 2%; the lowest tier gives Rp16,800 per worker per month. Rates
are dated rows (PremiumRate); a programme snapshots its premium per month at coverage start.

What members cost = members × premium per month × months (`premium_cost`); at a programme's own
premium and months paid that is `funded_premium` (the programme's budget, a BPJS batch's total),
and `funded_premium_expression` is the same product in SQL for sums over nominees (the coverage
snapshots' and the dashboard's "iuran didanai"). Seluma: 2,020 × Rp16,800 × 3 = Rp101,808,000.
The coverage figures and the planner (reports) price the workers still needed with
`premium_for_new_workers` and `premium_cost`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import F

from common.formatting import format_date

from .models import PremiumRate, Programme
from .quotas import programme_quota_total

MONTHS_PER_YEAR = 12


def rate_on(day: dt.date) -> PremiumRate:
    rate = PremiumRate.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if rate is None:
        raise ValidationError(f"Belum ada tarif iuran BPU yang berlaku pada {format_date(day)}.")
    return rate


def premium_per_month(*, rate: PremiumRate, income_tier: int, includes_jht: bool) -> int:
    """Rupiah per worker per month, rounded to whole Rupiah."""
    percent = rate.jkk_percent + (rate.jht_percent if includes_jht else Decimal(0))
    amount = Decimal(income_tier) * percent / 100 + rate.jkm_amount
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def premium_for_new_workers(programmes_latest_first: Sequence[Programme], on: dt.date) -> int:
    """The premium per month of workers still to be funded (the coverage figures and the planner):
    the regency's latest programme's premium (its snapshot), else the rate in force on `on` at a new
    programme's default tier without JHT (Rp16,800 with the 2019 rates)."""
    if programmes_latest_first:
        return programmes_latest_first[0].premium_per_month
    tier = Programme._meta.get_field("income_tier").default
    includes_jht = Programme._meta.get_field("includes_jht").default
    return premium_per_month(rate=rate_on(on), income_tier=tier, includes_jht=includes_jht)


def premium_cost(*, premium_per_month: int, members: int = 1, months: int = 1) -> int:
    """members × premium per month × months, in whole Rupiah (a monthly bill already summed over
    members is passed as `premium_per_month` with the default members=1)."""
    return members * premium_per_month * months


def funded_premium(programme: Programme, *, members: int) -> int:
    """What funding `members` workers in `programme` commits: its premium per month × its months paid."""
    return premium_cost(premium_per_month=programme.premium_per_month, members=members, months=programme.months_paid)


def funded_premium_expression(prefix: str = ""):
    """`funded_premium` of one nominee as an SQL expression, for sums over nominees (`prefix` is the
    path to the nominee, e.g. "nominees__"): their programme's premium per month × its months paid."""
    return F(f"{prefix}programme__premium_per_month") * F(f"{prefix}programme__months_paid")


def programme_budget(programme: Programme) -> int | None:
    """quota × premium × months, in Rupiah; None when the programme has no quota."""
    quota = programme_quota_total(programme)
    if quota is None:
        return None
    return funded_premium(programme, members=quota)
