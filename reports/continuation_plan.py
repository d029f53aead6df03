"""The planner's continuation part (reports.planner.continuation_budget) for the regency dashboard:
when the current stage continues an earlier programme's members (registrations.continuation), the
premium it needs for the members it continues and for its new places, apart, before the Perbup is
drafted. When the current stage continues nobody, the stage being prepared to continue it (the next
stage or year, whose Perbup is drafted while the current one runs) is planned instead: one query to
find it; then four (the counts, the quota)."""

from __future__ import annotations

from common.formatting import format_rupiah
from registrations.continuation import continuation_counts
from registrations.models import Programme
from registrations.quotas import programme_quota_total

from .planner import ContinuationBudget, continuation_budget


def continuation_plan(programme: Programme | None) -> dict | None:
    """The template's continuation block for `programme` (the dashboard's current stage) or for the
    stage that continues it, or None."""
    if programme is None:
        return None
    if programme.continues_from_id is None:
        # A programme is continued at most once (registrations.continuation), so this is the one.
        # What it continues is the programme in hand: set here, not joined (which doubled the time).
        continuing = Programme.objects.filter(continues_from=programme).first()
        if continuing is None:
            return None
        continuing.continues_from, programme = programme, continuing
    counts = continuation_counts(programme)
    budget: ContinuationBudget = continuation_budget(
        continuing=counts.continuing, awaiting=counts.awaiting, quota=programme_quota_total(programme),
        premium_per_month=programme.premium_per_month, months=programme.months_paid)
    return {
        "programme": programme,
        "source": programme.continues_from,
        "budget": budget,
        "premium_label": format_rupiah(budget.premium_per_month_rp),
        "continuing_monthly_label": format_rupiah(budget.continuing_monthly_rp),
        "continuing_label": format_rupiah(budget.continuing_premium_rp),
        "new_monthly_label": None if budget.new_places is None else format_rupiah(budget.new_places_monthly_rp),
        "new_label": None if budget.new_places is None else format_rupiah(budget.new_places_premium_rp),
        "total_label": format_rupiah(budget.total_premium_rp),
    }
