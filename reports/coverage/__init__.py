"""The coverage engine (UCJ, DOMAIN.md §4): the official figure as reported, the programme's
workers on top of it, targets, and the dated snapshots the dashboards read.

- `rules.py`: the rules (state groups, official figure on a date, the addition, UCJ, target, the
  rounding of stored percentages); premiums and quotas are registrations.premiums' and
  registrations.quotas' (see rules.py's docstring); the numbers as people read them are
  common.formatting's;
- `figures.py`: CoverageFigures and the live computation;
- `snapshots.py`: recompute_regency / recompute_regencies / recompute_all and the "what changed" report;
- `statement.py`: the set-based recompute, one SQL statement built from the rules.

Public API
- `figures_for(region, *, year=None, on=None) -> CoverageFigures`: live figures for a Province,
  Regency or Subdistrict (the pages and the `coverage` command).
- `recompute_regency(regency_id, *, on=None) -> RecomputeResult`: writes the regency, its
  subdistricts and its villages as CoverageSnapshot rows for the day, in one transaction, under a
  row lock on the regency (Celery task, `recompute_coverage` command).
- `recompute_regencies(regency_ids, *, on=None) -> list[RecomputeResult]`: several regencies in one
  transaction and, on PostgreSQL, one statement (the `recompute_coverage` command).
- `recompute_all(*, on=None) -> list[RecomputeResult]`: every regency with a programme, a target or
  an official figure, the same way.
- `recompute_provinces(province_ids, *, on=None) -> int`: the day's province rows (also written by
  the three above for the provinces of their regencies).

Each rule lives in one named function in `rules.py` with its DOMAIN reference; the snapshot, the live
figures and the planner all go through them. Counting happens in PostgreSQL: one grouped query over
the villages (with conditional counts) gives every village's programme figures, and subdistricts and
the regency are sums of those village rows, so a regency costs the same handful of queries however
many villages and nominees it has. A province's row (no regency) is written in the same
transaction as its regencies' rows, from the live province figures (`recompute_provinces`).
"""

from . import rules
from .figures import CoverageFigures, ProgrammeFigures, figures_for, regency_figures
from .rules import *  # noqa: F403 (every rule, as listed in rules.__all__)
from .snapshots import (
    RecomputeResult,
    recompute_all,
    recompute_provinces,
    recompute_regencies,
    recompute_regency,
    regencies_to_recompute,
)

__all__ = [
    "CoverageFigures", "ProgrammeFigures", "figures_for", "regency_figures",
    "RecomputeResult", "recompute_all", "recompute_provinces", "recompute_regencies", "recompute_regency",
    "regencies_to_recompute",
    *rules.__all__,
]
