"""The premium rule (DOMAIN.md §3): JKK = 1% of the declared income tier, JKM flat, JHT optional
2%; the lowest tier gives Rp16,800 per worker per month. Rates are dated rows (PremiumRate)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from common.formatting import format_date

from .models import PremiumRate, Programme
from .quotas import programme_quota_total


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


def programme_budget(programme: Programme) -> int | None:
    """quota × premium × months, in Rupiah; None when the programme has no quota."""
    quota = programme_quota_total(programme)
    if quota is None:
        return None
    return quota * programme.premium_per_month * programme.months_paid
