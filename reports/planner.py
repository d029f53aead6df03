"""The budget planner (issue 5): pure functions on CoverageFigures, no database.

- "What if we fund N more workers?" → `fund_more_workers(figures, n)`: projected covered, UCJ %,
  and the premium per month and per year at the region's premium (DOMAIN §3).
- "What does a target of T % cost?" → `cost_of_target(figures, t)`: workers still needed and the
  premium per month and per year.

Both need a region with a denominator (an official figure or a target's working population).

- "What does the next stage cost, continuing the current members?" → `continuation_budget(...)`:
  a programme that continues an earlier one's members (registrations.continuation) needs premium
  for the members it continues (confirmed by their village, plus those still awaiting: until a
  village says someone leaves, the place is theirs) and for the new places its quota leaves, each
  at the programme's premium for its months paid; computed before the Perbup is drafted.
Input errors are ValidationError with Indonesian messages, for the planner form and the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from common.formatting import parse_percent, read_whole_number
from registrations.premiums import MONTHS_PER_YEAR, premium_cost

from .coverage.rules import ucj_percent, ucj_points_between, workers_needed_for_target

if TYPE_CHECKING:  # the figures call the planner (CoverageFigures.as_json): no import back at run time
    from .coverage.figures import CoverageFigures


@dataclass(frozen=True)
class Projection:
    """N more workers funded on top of today's figures."""

    added_workers: int
    covered: int
    ucj_percent: Decimal  # published (2 decimals, reports.coverage.rules)
    points_gained: Decimal  # projected UCJ − today's UCJ, both as published
    premium_per_month_rp: int
    monthly_premium_rp: int
    annual_premium_rp: int


@dataclass(frozen=True)
class TargetCost:
    """What reaching a UCJ target costs from today's figures."""

    target_percent: Decimal
    workers_needed: int
    premium_per_month_rp: int
    monthly_premium_rp: int
    annual_premium_rp: int


def _require_denominator(figures: CoverageFigures) -> None:
    if not figures.has_ucj:
        raise ValidationError(
            f"{figures.region_name} belum memiliki angka penduduk bekerja (angka resmi UCJ atau target tahun "
            f"{figures.year}), jadi UCJ belum dapat dihitung."
        )


def validate_workers(value) -> int:
    """A number of workers: a whole number, 0 or more."""
    try:
        workers = read_whole_number(value)
    except ValueError:
        raise ValidationError(f"Jumlah pekerja '{value}' harus bilangan bulat.") from None
    if workers < 0:
        raise ValidationError("Jumlah pekerja tidak boleh negatif.")
    return workers


def validate_target(value) -> Decimal:
    """A UCJ target in percent, from 0 to 100, at most two decimals (common.formatting.parse_percent)."""
    return parse_percent(value, label="Target UCJ")


def fund_more_workers(figures: CoverageFigures, workers) -> Projection:
    """N more workers registered and active: covered + N over the same denominator; their premium
    at the region's premium per month, for a month and for 12 months."""
    workers = validate_workers(workers)
    _require_denominator(figures)
    covered = figures.covered + workers
    premium = figures.premium_per_month_rp
    projected = ucj_percent(covered=covered, denominator=figures.denominator)
    return Projection(
        added_workers=workers,
        covered=covered,
        ucj_percent=projected,
        points_gained=ucj_points_between(before=figures.ucj_percent, after=projected),
        premium_per_month_rp=premium,
        monthly_premium_rp=premium_cost(members=workers, premium_per_month=premium),
        annual_premium_rp=premium_cost(members=workers, premium_per_month=premium, months=MONTHS_PER_YEAR),
    )


def cost_of_target(figures: CoverageFigures, target_percent) -> TargetCost:
    """Workers still needed to reach `target_percent` (DOMAIN §4: ceil(T × denominator ÷ 100) −
    covered, at least 0) and their premium per month and per year."""
    target = validate_target(target_percent)
    _require_denominator(figures)
    needed = workers_needed_for_target(target_percent=target, denominator=figures.denominator,
                                       covered=figures.covered)
    premium = figures.premium_per_month_rp
    return TargetCost(
        target_percent=target,
        workers_needed=needed,
        premium_per_month_rp=premium,
        monthly_premium_rp=premium_cost(members=needed, premium_per_month=premium),
        annual_premium_rp=premium_cost(members=needed, premium_per_month=premium, months=MONTHS_PER_YEAR),
    )


@dataclass(frozen=True)
class ContinuationBudget:
    """A continuing programme's premium, continuing members and new places apart."""

    continuing: int  # confirmed by their village
    awaiting: int  # the previous programme's members their village has yet to confirm
    new_places: int | None  # the quota's places beyond the continuing members; None without quota
    over_quota: int  # continuing members beyond the quota (the office raises it, or villages confirm leavers)
    premium_per_month_rp: int
    months: int
    continuing_monthly_rp: int
    continuing_premium_rp: int  # for the programme's months paid
    new_places_monthly_rp: int | None
    new_places_premium_rp: int | None
    total_premium_rp: int  # both, for the months paid

    @property
    def expected(self) -> int:
        return self.continuing + self.awaiting


def continuation_budget(*, continuing: int, awaiting: int, quota: int | None, premium_per_month: int,
                        months: int) -> ContinuationBudget:
    """The premium a continuing programme needs (see the module docstring): continuing members
    (confirmed + awaiting) and the new places left in `quota` (None: a programme without quota,
    whose new places are not known), each per month and for `months`."""
    expected = continuing + awaiting
    new_places = None if quota is None else max(quota - expected, 0)
    over_quota = 0 if quota is None else max(expected - quota, 0)
    new_monthly = None if new_places is None else premium_cost(members=new_places, premium_per_month=premium_per_month)
    new_total = None if new_places is None else premium_cost(members=new_places, premium_per_month=premium_per_month,
                                                             months=months)
    continuing_total = premium_cost(members=expected, premium_per_month=premium_per_month, months=months)
    return ContinuationBudget(
        continuing=continuing, awaiting=awaiting, new_places=new_places, over_quota=over_quota,
        premium_per_month_rp=premium_per_month, months=months,
        continuing_monthly_rp=premium_cost(members=expected, premium_per_month=premium_per_month),
        continuing_premium_rp=continuing_total,
        new_places_monthly_rp=new_monthly, new_places_premium_rp=new_total,
        total_premium_rp=continuing_total + (new_total or 0),
    )
