"""The coverage engine (UCJ, DOMAIN.md §4): the official figure as reported, the programme's
workers on top of it, targets, and the dated snapshots the dashboards read.

- `rules.py`: the rules (state groups, official figure on a date, the addition, UCJ, target, cost,
  rounding, number formats);
- `figures.py`: CoverageFigures and the live computation;
- `snapshots.py`: recompute_regency / recompute_all and the "what changed" report.

Public API
- `figures_for(region, *, year=None, on=None) -> CoverageFigures`: live figures for a Province,
  Regency or Subdistrict (the pages and the `coverage` command).
- `recompute_regency(regency_id, *, on=None) -> RecomputeResult`: writes the regency, its
  subdistricts and its villages as CoverageSnapshot rows for the day, in one transaction, under a
  row lock on the regency (Celery task, `recompute_coverage` command).
- `recompute_all(*, on=None) -> list[RecomputeResult]`: every regency with a programme, a target or
  an official figure (the nightly beat).

Each rule lives in one named function in `rules.py` with its DOMAIN reference; the snapshot, the live
figures and the planner all go through them. Counting happens in PostgreSQL: one grouped query over
the villages (with conditional counts) gives every village's programme figures, and subdistricts and
the regency are sums of those village rows, so a regency costs the same handful of queries however
many villages and nominees it has. Province rows are not written: a snapshot belongs to one
regency (CoverageSnapshot.regency), so province figures are computed live by `figures_for`.
"""

from .figures import CoverageFigures, ProgrammeFigures, figures_for, regency_figures
from .rules import (
    ACTIVE_MEMBER_STATES,
    APPROVED_STATES,
    COVERED_STATES,
    DISPLAY_PLACES,
    HUNDRED,
    LATEST_PROGRAMME_ORDER,
    MONTHS_PER_YEAR,
    NOMINATED_STATES,
    REGISTERED_STATES,
    STORED_PLACES,
    SUBMITTED_STATES,
    contribution_points,
    coverage_today,
    covered_workers_q,
    default_year,
    display_percent,
    format_decimal,
    format_number,
    format_percent,
    format_rupiah,
    official_figure_on,
    period_for,
    premium_committed_expression,
    premium_cost_rp,
    premium_per_month_rp,
    programme_count_filters,
    regency_wide_quota,
    stored_percent,
    target_achievement_percent,
    ucj_percent,
    village_quota,
    workers_needed_for_target,
)
from .snapshots import RecomputeResult, recompute_all, recompute_regency, regencies_to_recompute

__all__ = [
    "ACTIVE_MEMBER_STATES", "APPROVED_STATES", "COVERED_STATES", "DISPLAY_PLACES", "HUNDRED",
    "LATEST_PROGRAMME_ORDER", "MONTHS_PER_YEAR", "NOMINATED_STATES", "REGISTERED_STATES", "STORED_PLACES",
    "SUBMITTED_STATES", "CoverageFigures", "ProgrammeFigures", "RecomputeResult", "contribution_points",
    "coverage_today", "covered_workers_q", "default_year", "display_percent", "figures_for", "format_decimal",
    "format_number", "format_percent", "format_rupiah", "official_figure_on", "period_for",
    "premium_committed_expression", "premium_cost_rp", "premium_per_month_rp", "programme_count_filters",
    "recompute_all", "recompute_regency", "regencies_to_recompute", "regency_figures", "regency_wide_quota",
    "stored_percent", "target_achievement_percent", "ucj_percent", "village_quota", "workers_needed_for_target",
]
