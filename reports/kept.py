"""What the coverage pages keep in the cache (common.kept): parts drawn from stored figures only
(rows, rendered tables, charts, sections), so a page while its figures stand costs one read of the
cache instead of queries, formatting and template work.

For a regency's pages a part is kept under the version of its latest snapshot (`head_version`:
every recompute rewrites the regency's row with a new computed_at, in the transaction that writes
the day's other rows), with whatever else the part shows (a name, the reader's variant, the query
string); and how it is drawn (`drawn_with`: the templates' text and the charts' code), so a deploy
that draws differently reads nothing drawn before. The callers check the reader's scope first, and
keep figures of regions only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from common import kept as common_kept

from . import charts
from .models import CoverageSnapshot

T = TypeVar("T")

# The templates the kept parts are rendered with, their includes too.
TEMPLATES = (
    "reports/includes_ucj_headline.html",
    "reports/includes_trend.html",
    "reports/includes_region_table_and_chart.html",
    "reports/includes_region_table.html",
    "reports/includes_region_chart.html",
    "reports/includes_region_figures.html",
)


def kept(part: str, drawn_from, draw: Callable[[], T]) -> T:
    """`draw()`'s result, kept (common.kept) under `part` and `drawn_from` (anything with a stable
    repr: ids, dates, names, frozen dataclasses) and how the coverage parts are drawn."""
    return common_kept.kept(f"coverage:{part}", drawn_from, draw, drawn_with=drawn_with())


def head_version(head: CoverageSnapshot) -> tuple:
    """The version of everything stored for a regency on its latest day: its own row of that day
    (selectors.regency_head_snapshot), which every recompute rewrites."""
    return (head.regency_id, head.pk, head.computed_on, head.computed_at)


@functools.cache
def drawn_with() -> str:
    """A digest of how the kept parts are drawn: the templates' text and the charts' code, read
    once per process."""
    return common_kept.sources_digest(TEMPLATES, Path(charts.__file__).read_text(encoding="utf-8"))
