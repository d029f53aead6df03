"""What the coverage pages keep in the cache: parts drawn from stored figures only (rows, rendered
tables, charts, sections), so a page while its figures stand costs one read of the cache instead of
queries, formatting and template work.

A part is kept under a key made of everything it is drawn from (`kept`), never invalidated by
hand: for a regency's pages that is the version of its latest snapshot (`head_version`: every
recompute rewrites the regency's row with a new computed_at, in the transaction that writes the
day's other rows), with whatever else the part shows (a name, the reader's variant, the query
string); and how it is drawn (`drawn_with`: the templates' text and the charts' code), so a deploy
that draws differently reads nothing drawn before. Nothing kept depends on who reads except through
its key, and nothing kept is personal data: the callers check the reader's scope first, and keep
figures of regions only.

Without the cache (Redis down) every part is drawn for each request, as if nothing were kept.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.core.cache import cache
from django.template.loader import get_template

from . import charts
from .models import CoverageSnapshot

T = TypeVar("T")

# The namespace of every key (tests give each test its own: Redis outlives the test database, whose
# ids and hand-written computed_at come back the same in the next run).
NAMESPACE = "coverage-kept"
SECONDS = 24 * 60 * 60  # a new recompute makes new keys; this only lets old ones go

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
    """`draw()`'s result, kept under `part` and `drawn_from` (anything with a stable repr: ids,
    dates, names, frozen dataclasses): read from the cache when kept, else drawn and kept."""
    key = cache_key(part, (drawn_from, drawn_with()))
    found = _get(key)
    if found is None:
        found = draw()
        _set(key, found)
    return found


def head_version(head: CoverageSnapshot) -> tuple:
    """The version of everything stored for a regency on its latest day: its own row of that day
    (selectors.regency_head_snapshot), which every recompute rewrites."""
    return (head.regency_id, head.pk, head.computed_on, head.computed_at)


def cache_key(part: str, drawn_from) -> str:
    """A cache key made of everything a kept part is drawn from: other figures make another key."""
    return f"{NAMESPACE}:{part}:{hashlib.sha256(repr(drawn_from).encode()).hexdigest()}"


@functools.cache
def drawn_with() -> str:
    """A digest of how the kept parts are drawn: the templates' text and the charts' code, read
    once per process."""
    sources = [get_template(name).template.source for name in TEMPLATES]
    sources.append(Path(charts.__file__).read_text(encoding="utf-8"))
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]


def _get(key):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is an aid: without Redis the page is drawn in full
        return None


def _set(key, value) -> None:
    try:
        cache.set(key, value, SECONDS)
    except Exception:  # noqa: BLE001, S110 - as in _get
        pass
