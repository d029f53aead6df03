"""Reads of the stored coverage snapshots (written by reports.coverage.recompute_regency).

Scope is the caller's: check `permissions.can_view_coverage(user, region)` (or start from
villages.selectors' `*_get_for_user`) before handing a region to these.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from common.models import ExportRecord
from villages.models import Province, Regency, Subdistrict, Village

from .coverage import CoverageFigures, figures_for, regency_figures
from .models import CoverageSnapshot, RegionLevel
from .permissions import can_open_export


def latest_snapshot_day(regency: Regency) -> dt.date | None:
    return CoverageSnapshot.objects.filter(regency=regency).aggregate(day=Max("computed_on"))["day"]


def latest_snapshots(regency: Regency, *, level: str | None = None) -> QuerySet[CoverageSnapshot]:
    """The regency's rows of its latest computed day (regency, subdistricts, villages; or one
    `level` of RegionLevel), by level then code: one query when evaluated. Empty when the regency
    was never computed."""
    if level is not None and level not in RegionLevel.values:
        raise ValueError(f"unknown region level {level!r}")
    latest_day = (CoverageSnapshot.objects.filter(regency=regency).order_by("-computed_on")
                  .values("computed_on")[:1])
    rows = CoverageSnapshot.objects.filter(regency=regency, computed_on=Subquery(latest_day))
    if level is not None:
        rows = rows.filter(level=level)
    return rows.order_by("level", "region_code")


def regency_head_snapshot(regency: Regency) -> CoverageSnapshot | None:
    """The regency's own row of its latest computed day, or None before the first recompute: one
    query (the unique index on region code and day, read backwards). Every recompute rewrites it
    with a new computed_at, in the transaction that writes the day's other rows, so the row
    (pk, computed_at) names the version of everything stored for the regency that day."""
    return (CoverageSnapshot.objects.filter(region_code=regency.code, level=RegionLevel.REGENCY)
            .order_by("-computed_on").first())


def subdistrict_snapshots(head: CoverageSnapshot) -> QuerySet[CoverageSnapshot]:
    """The subdistrict rows stored with the regency row `head` (same regency, same day), by code,
    each with `subdistrict_pk`, the subdistrict's id (its page's link): one query."""
    subdistrict = Subdistrict.objects.filter(code=OuterRef("region_code")).values("pk")[:1]
    return (CoverageSnapshot.objects.filter(regency_id=head.regency_id, computed_on=head.computed_on,
                                            level=RegionLevel.SUBDISTRICT)
            .annotate(subdistrict_pk=Subquery(subdistrict)).order_by("region_code"))


def subdistrict_village_snapshots(head: CoverageSnapshot, subdistrict: Subdistrict) -> QuerySet[CoverageSnapshot]:
    """The rows stored with the regency row `head` (same regency, same day) of `subdistrict` itself
    and of its villages, by level then code, each with `village_pk`: the id of the subdistrict's
    village of that code (its link), None on the subdistrict's own row. One query."""
    village = Village.objects.filter(subdistrict=subdistrict, code=OuterRef("region_code")).values("pk")[:1]
    return (CoverageSnapshot.objects.filter(regency_id=head.regency_id, computed_on=head.computed_on)
            .filter(Q(level=RegionLevel.SUBDISTRICT, region_code=subdistrict.code)
                    | Q(level=RegionLevel.VILLAGE, region_code__startswith=f"{subdistrict.code}."))
            .annotate(village_pk=Subquery(village)).order_by("level", "region_code"))


def snapshot_trend(region_code: str) -> QuerySet[CoverageSnapshot]:
    """One region's rows, oldest day first (the trend chart): one row per computed day."""
    return CoverageSnapshot.objects.filter(region_code=region_code).order_by("computed_on")


def export_record_get_for_user(user, pk) -> ExportRecord:
    """The export, if `can_open_export`; Http404 for missing and forbidden alike."""
    try:
        record = (ExportRecord.objects.select_related("regency", "programme", "subdistrict", "village",
                                                      "requested_by").filter(pk=pk).first())
    except ValueError:
        record = None
    if record is None or not can_open_export(user, record):
        raise Http404("Ekspor tidak ditemukan.")
    return record


def export_log(regency: Regency) -> QuerySet[ExportRecord]:
    """The regency's exports, newest first, with what the log page shows loaded."""
    return (ExportRecord.objects.filter(regency=regency)
            .select_related("requested_by", "programme", "subdistrict", "village", "account")
            .order_by("-created_at", "-pk"))


def coverage_rows(regency: Regency, *, levels, code_prefix: str | None = None):
    """What the coverage pages and the API show of a regency: (the regency's latest snapshot row or
    None, [(level, row)…]) for the regency and the `levels` asked (RegionLevel values), only the
    region `code_prefix` and below when given. From the latest snapshots in one query (the rows are
    CoverageSnapshot), or, when the regency was never computed, live (the rows are
    CoverageFigures, reports.coverage.regency_figures, and the snapshot is None)."""
    rows = latest_snapshots(regency).filter(level__in=[RegionLevel.REGENCY, *levels])
    if code_prefix:
        rows = rows.filter(Q(level=RegionLevel.REGENCY) | Q(region_code=code_prefix)
                           | Q(region_code__startswith=f"{code_prefix}."))
    rows = list(rows)
    head = next((row for row in rows if row.level == RegionLevel.REGENCY), None)
    if head is not None:
        return head, [(row.level, row) for row in rows]
    live = [figures for figures in regency_figures(regency) if figures.level in (RegionLevel.REGENCY, *levels)]
    if code_prefix:
        live = [figures for figures in live if figures.level == RegionLevel.REGENCY
                or figures.region_code == code_prefix or figures.region_code.startswith(f"{code_prefix}.")]
    return None, [(figures.level, figures) for figures in live]



def province_coverage_rows(province: Province, regencies) -> tuple[CoverageSnapshot | None, CoverageFigures,
                                                                    list[tuple[Regency, CoverageSnapshot | None]]]:
    """What the province dashboard and the API show of a province: (its latest snapshot row or None,
    its figures, [(regency, its latest regency row or None)…] for `regencies`, the caller's
    regencies of the province, by code). Two queries: the province's latest row, and each regency's
    latest regency row. A province never computed gets live figures (coverage.figures_for); a
    regency without a row has had no coverage data yet (a change schedules its recompute, and the
    nightly one covers every regency with data): the caller says so, or computes it live."""
    head = (CoverageSnapshot.objects.filter(level=RegionLevel.PROVINCE, region_code=province.code)
            .order_by("-computed_on").first())
    figures = CoverageFigures.from_snapshot(head) if head is not None else figures_for(province)
    regencies = sorted(regencies, key=lambda regency: regency.code)
    latest_day = (CoverageSnapshot.objects.filter(regency=OuterRef("regency"), level=RegionLevel.REGENCY)
                  .order_by("-computed_on").values("computed_on")[:1])
    stored = {row.regency_id: row for row in CoverageSnapshot.objects.filter(
        level=RegionLevel.REGENCY, regency__in=[regency.pk for regency in regencies],
        computed_on=Subquery(latest_day))}
    return head, figures, [(regency, stored.get(regency.pk)) for regency in regencies]
