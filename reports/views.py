"""Coverage pages (UCJ, DOMAIN.md §4): a regency's and a subdistrict's figures with the planner, and
the staff's entry of targets, official figures (by hand or from the branch's spreadsheet) and
village denominators.

Who: the pages are for `permissions.can_view_coverage` (everyone above the village, within scope);
entry is for `permissions.can_enter_coverage` (the regency's admin or approver, the system
administrator). Anyone else gets a 404, as for a missing region, on GET and POST alike.

What the pages read: the latest stored snapshots (selectors.latest_snapshots; for the regency's
and the subdistrict's pages the regency's latest row, selectors.regency_head_snapshot, and what is
kept under it, reports.kept: the rows, and the parts drawn from them rendered, `_regency_parts`,
`_subdistrict_parts`), so a page costs the same few queries however many subdistricts or villages
there are. Before the first recompute the page says so and shows live figures
(coverage.regency_figures). The headline figures, the needed workers and the planner all go through
reports.coverage / reports.planner, built from the regency's snapshot row, so they agree with what
the snapshot stored.

The regency page is the regent's dashboard (issue #6): besides those, the trend over the stored
days, the current stage's progress over villages and the premium committed (reports.dashboard), and
the tables sorted on the server (?urut=) with a bar chart of the same rows (reports.charts: SVG,
no JavaScript, readable in black and white); still a constant number of queries.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scope import province_get_for_user, regencies_for_user, regency_get_for_user, subdistrict_get_for_user
from common.db_router import reads_from_replica
from common.formatting import (
    display_percent,
    format_axis_date,
    format_date,
    format_number,
    format_percent,
    format_rupiah,
)
from common.workbooks import xlsx_download
from membership.claims.selectors import benefit_totals
from registrations.permissions import can_see_review_pages, works_in_review
from registrations.selectors import current_programme
from villages.models import Subdistrict, Village

from . import charts, dashboard, excel, imports, planner, services
from .continuation_plan import continuation_plan
from .coverage import CoverageFigures, coverage_today, regency_figures, ucj_percent
from .forms import CoverageTargetForm, FigureUploadForm, OfficialFigureForm, PlannerForm, VillageDenominatorsForm
from .models import CoverageSnapshot, CoverageTarget, OfficialFigure, RegionLevel, VillageDenominator
from .permissions import can_enter_coverage, can_see_export_log, can_view_coverage
from .kept import head_version, kept
from .selectors import (
    coverage_rows,
    province_coverage_rows,
    regency_head_snapshot,
    snapshot_trend,
    subdistrict_snapshots,
    subdistrict_village_snapshots,
)

IMPORT_SESSION_KEY = "coverage_figure_imports"
KEEP_IN_SESSION = 5


# --- Scope --------------------------------------------------------------------------------------

def _regency_to_view(request, pk):
    regency = regency_get_for_user(request.user, pk)
    if not can_view_coverage(request.user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    return regency


def _province_to_view(request, pk):
    province = province_get_for_user(request.user, pk)
    if not can_view_coverage(request.user, province):
        raise Http404("Provinsi tidak ditemukan.")
    return province


def _regency_to_enter(request, pk):
    regency = regency_get_for_user(request.user, pk)
    if not can_enter_coverage(request.user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    return regency


def _subdistrict_to_view(request, pk):
    subdistrict = subdistrict_get_for_user(request.user, pk)
    if not can_view_coverage(request.user, subdistrict):
        raise Http404("Kecamatan tidak ditemukan.")
    return subdistrict


# --- The rows shown ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RegionRow:
    """One line of a coverage table, from a snapshot or from live figures. `href` is where the
    region's name leads for this viewer (not part of the figures, so not compared)."""

    code: str
    name: str
    quota: int | None
    nominated: int
    submitted: int
    approved: int
    registered: int
    active: int
    premium_committed_rp: int
    denominator: int | None
    ucj_percent: object  # Decimal, 2 places, or None where the region has no denominator
    pk: int | None = None
    href: str | None = field(default=None, compare=False)

    @property
    def premium_committed_label(self) -> str:
        return format_rupiah(self.premium_committed_rp)

    @classmethod
    def from_snapshot(cls, row: CoverageSnapshot, pk=None, href=None) -> RegionRow:
        return cls.from_figures(CoverageFigures.from_snapshot(row), pk=pk, href=href)

    @classmethod
    def from_figures(cls, figures: CoverageFigures, pk=None, href=None) -> RegionRow:
        programme = figures.programme
        return cls(code=figures.region_code, name=figures.region_name, quota=programme.quota,
                   nominated=programme.nominated, submitted=programme.submitted, approved=programme.approved,
                   registered=programme.registered, active=programme.active,
                   premium_committed_rp=programme.premium_committed_rp, denominator=figures.denominator,
                   ucj_percent=display_percent(figures.ucj_percent), pk=pk, href=href)


def _headline(figures: CoverageFigures) -> dict:
    achievement = display_percent(figures.target_achievement_percent)
    return {
        "figures": figures,
        "ucj": display_percent(figures.ucj_percent),
        "target": figures.target_percent,
        "achievement": achievement,
        "achievement_chart": None if achievement is None else charts.progress_bar(
            chart_id="capaian-target", percent=achievement, title="Capaian target UCJ"),
        "contribution": display_percent(figures.contribution_points),
        "needed": figures.workers_needed_for_target,
        "needed_monthly_label": format_rupiah(figures.monthly_premium_for_needed_rp),
        "needed_annual_label": format_rupiah(figures.annual_premium_for_needed_rp),
        "premium_label": format_rupiah(figures.premium_per_month_rp),
    }


def _planner(request, figures: CoverageFigures) -> dict:
    """The planner's form and answers; asked by GET (tambah=N, target=T), so a result can be linked."""
    asked = any(name in request.GET for name in ("tambah", "target"))
    form = PlannerForm(request.GET if asked else None)
    projection = target_cost = None
    if asked and form.is_valid():
        workers, target = form.cleaned_data["tambah"], form.cleaned_data["target"]
        for name, value, run in (("tambah", workers, planner.fund_more_workers),
                                 ("target", target, planner.cost_of_target)):
            if value is None:
                continue
            try:
                result = run(figures, value)
            except ValidationError as error:
                form.add_error(name, error)
                continue
            if name == "tambah":
                projection = result
            else:
                target_cost = result
    return {
        "planner_form": form,
        "projection": projection and {
            "result": projection, "ucj": display_percent(projection.ucj_percent),
            "points": display_percent(projection.points_gained),
            "monthly_label": format_rupiah(projection.monthly_premium_rp),
            "annual_label": format_rupiah(projection.annual_premium_rp),
        },
        "target_cost": target_cost and {
            "result": target_cost, "monthly_label": format_rupiah(target_cost.monthly_premium_rp),
            "annual_label": format_rupiah(target_cost.annual_premium_rp),
        },
    }


def _drawn_table(request, rows: list[RegionRow], *, total: RegionRow | None, first_label: str, chart_id: str,
                 chart_title: str, anchor: str, caption: str) -> dict:
    """The rows in the order asked by ?urut=, the sortable headers, the bar chart of the same rows
    in the same order, and the table and chart rendered (`region_table`, text: mark it safe with
    `_safe_parts` when showing it). Most of a coverage page's time (a subdistrict's 75 villages:
    ~1,300 numbers formatted, a bar group each): the callers keep it (reports.kept)."""
    order = request.GET.get(dashboard.SORT_PARAM)
    rows = dashboard.sort_rows(rows, order)
    columns = dashboard.sort_columns(order, first_label=first_label, query=request.GET)
    groups = [charts.BarGroup(label=row.name, outline=row.quota,
                              values={"nominated": row.nominated, "approved": row.approved,
                                      "registered": row.registered, "active": row.active})
              for row in rows]
    chart = charts.region_bars(chart_id=chart_id, title=chart_title, groups=groups) if rows else None
    table = render_to_string(REGION_TABLE_TEMPLATE, {"rows": rows, "total": total, "columns": columns,
                                                     "anchor": anchor, "caption": caption, "chart": chart})
    return {"rows": rows, "columns": columns, "region_chart": chart, "region_table": str(table)}


def _sorted_table(request, rows: list[RegionRow], *, total: RegionRow | None, **titles) -> dict:
    """`_drawn_table`, kept under everything it is drawn from (the rows with their links, the total,
    the sort, the titles): for a page whose rows have no version of their own (the province's), new
    figures make a new key."""
    return _kept_parts(request, "coverage-table", (titles, total, rows),
                       lambda: _drawn_table(request, rows, total=total, **titles))


def _kept_parts(request, part: str, drawn_from: tuple, draw) -> dict:
    """`draw()`'s parts, kept (reports.kept) under `drawn_from` and the table's order, or drawn for
    this request alone when the page was asked more than an order (`_kept_order`)."""
    order = _kept_order(request)
    if order is None:
        return _safe_parts(draw())
    return _safe_parts(kept(part, (*drawn_from, order), draw))


def _kept_order(request) -> str | None:
    """The one thing a kept part may vary with besides the figures: the table's order (?urut=, one
    of dashboard.SORT_KEYS, or none: ""). A page asked anything else (the planner's question, any
    other parameter, an unknown order) is drawn without being kept: a made-up query string never
    adds an entry to the cache."""
    if set(request.GET) - {dashboard.SORT_PARAM}:
        return None
    asked = request.GET.get(dashboard.SORT_PARAM, "")
    key, descending = dashboard.parse_sort(asked)
    if key is None:
        return "" if not asked.strip() else None
    return ("-" if descending else "") + key.param


def _safe_parts(parts: dict) -> dict:
    """A kept part's rendered texts marked safe again: our own templates rendered them (escaping
    included), the cache only kept the text."""
    return {name: mark_safe(value) if name in RENDERED_PARTS else value for name, value in parts.items()}


REGION_TABLE_TEMPLATE = "reports/includes_region_table_and_chart.html"
# The context names of the texts rendered before they are kept (`_safe_parts`).
RENDERED_PARTS = frozenset({"region_table", "ucj_headline", "trend_section"})


def _trend_rows(region_code: str, *, year: int) -> list[tuple]:
    """The region's stored days of `year` as dashboard.ucj_trend reads them (selectors.snapshot_trend,
    one query)."""
    return list(snapshot_trend(region_code).filter(year=year).values_list(
        "computed_on", "official_as_of", "official_numerator", "covered", "denominator"))


def _trend(region_code: str, figures: CoverageFigures, *, chart_id: str = "tren-ucj",
           rows: list[tuple] | None = None) -> dict:
    """The UCJ trend of the figures' year (`rows`, else `_trend_rows`: one query) as a line chart with
    that year's target: another year's UCJ was measured against another target and often another
    denominator. Each point is dated by its data (dashboard.ucj_trend): the official figures' dates,
    then the latest computed day. A chart needs two points; fewer leave the page's empty-state text."""
    if rows is None:
        rows = _trend_rows(region_code, year=figures.year)
    trend = dashboard.ucj_trend(rows)
    points = [charts.TrendPoint(x=point.day.toordinal(), label=format_axis_date(point.day),
                                value=point.ucj) for point in trend]
    chart = None
    if len(points) >= 2:
        chart = charts.trend_chart(chart_id=chart_id, title=f"Tren UCJ {figures.region_name}", points=points,
                                   target=figures.target_percent)
    official = [point for point in trend if point.official]
    latest = next((point for point in reversed(trend) if not point.official), None)
    return {"trend_chart": chart, "trend_days": len(rows), "trend_points": len(points),
            "trend_official_days": [point.day for point in official], "trend_latest": latest}


def _commitment(regency, *, year: int) -> dict:
    result = dashboard.premium_commitment(regency, year=year)
    return {"result": result, "per_month_label": format_rupiah(result.per_month_rp),
            "per_year_label": format_rupiah(result.per_year_rp), "funded_label": format_rupiah(result.funded_rp)}


def _village_href(programme, village_pk: int | None) -> str | None:
    """Where a village's name leads: for the staff who work the review (registrations.permissions.
    works_in_review), its list in the stage's review page when there is a stage to link; for
    everyone else (the regent's office, the province, BPJS: they review nothing), the village's
    own list, read-only for them, with the way back to this dashboard. Both are in the scope of
    whoever may read the regency's coverage."""
    if village_pk is None:
        return None
    if programme is not None:
        return reverse("registrations:review-village", args=[programme.pk, village_pk])
    return reverse("registrations:village", args=[village_pk])


@dataclass(frozen=True)
class RegencyRows:
    """What the regency's pages show of its figures (`_regency_rows`)."""

    snapshot: CoverageSnapshot | None  # the regency's latest row; None before the first recompute
    figures: CoverageFigures
    total: RegionRow  # the tables' total line
    subdistricts: list[RegionRow]  # a row per subdistrict, linking to the subdistrict's page
    trend: list[tuple]  # the stored days of the figures' year (`_trend`)


def _regency_rows(regency, head: CoverageSnapshot | None) -> RegencyRows:
    """The regency's figures from `head`, its latest snapshot row (selectors.regency_head_snapshot).
    The subdistricts' rows with their links and the trend's days change only with a recompute,
    which rewrites that row with a new computed_at: they are kept under it (`_stored_rows`), so
    they cost nothing more while the figures stand. Before the first recompute (`head` None), live
    figures (coverage.regency_figures: nothing stored, nothing kept, no trend)."""
    if head is None:
        live = regency_figures(regency)
        subdistrict_ids = dict(Subdistrict.objects.filter(regency=regency).values_list("code", "pk"))
        figures = next(row for row in live if row.level == RegionLevel.REGENCY)
        return RegencyRows(
            snapshot=None, figures=figures, total=RegionRow.from_figures(figures),
            subdistricts=[_subdistrict_row(RegionRow.from_figures, row, subdistrict_ids.get(row.region_code))
                          for row in live if row.level == RegionLevel.SUBDISTRICT],
            trend=[])  # nothing stored yet, so no day to draw
    figures = CoverageFigures.from_snapshot(head)
    subdistricts, trend = _stored_rows(head, figures)
    return RegencyRows(snapshot=head, figures=figures, total=RegionRow.from_snapshot(head),
                       subdistricts=subdistricts, trend=trend)


def _stored_rows(head: CoverageSnapshot, figures: CoverageFigures) -> tuple[list[RegionRow], list[tuple]]:
    """The subdistricts' rows stored with `head` (selectors.subdistrict_snapshots: one query, their
    ids included) and the trend's days (one query), kept under the head row's version, its figures
    and the shape of RegionRow (a deploy that changes it reads nothing kept before). Nothing in them
    depends on who reads: the callers check the reader's scope first."""
    return kept("regency-rows", (head_version(head), figures, tuple(RegionRow.__dataclass_fields__)),
                lambda: ([_subdistrict_row(RegionRow.from_snapshot, row, row.subdistrict_pk)
                          for row in subdistrict_snapshots(head)], _trend_rows(head.region_code, year=figures.year)))


def _subdistrict_row(make, row, subdistrict_pk: int | None) -> RegionRow:
    href = subdistrict_pk and reverse("reports:subdistrict-detail", args=[subdistrict_pk])
    return make(row, pk=subdistrict_pk, href=href)


def _regency_parts(request, regency, head: CoverageSnapshot | None, *, can_enter: bool) -> dict:
    """The dashboard's parts drawn from the regency's stored figures alone: the figures and the
    tables' total, the headline (UCJ against the target, `ucj_headline`), the trend
    (`trend_section`) and the kecamatan table with its chart (`region_table`), rendered.

    Kept under the head row's version (reports.kept) with everything else they show: the regency's
    name, the entry links of a reader who may enter figures (`can_enter`) and the table's order (the
    sort; a page asked the planner's question is drawn for that request alone). So while the figures stand a
    dashboard reads one snapshot row and one kept entry for all of them; a recompute writes a new
    head row, and the next request draws them again. Before the first recompute, drawn live for
    each request."""
    def draw() -> dict:
        stored = _regency_rows(regency, head)
        headline = _headline(stored.figures)
        trend = _trend(regency.code, stored.figures, rows=stored.trend)
        return {
            "figures": stored.figures, "total": stored.total, **headline, **trend,
            **_drawn_table(request, stored.subdistricts, total=stored.total, first_label="Kecamatan",
                           chart_id="grafik-kecamatan", chart_title=f"Angka program per kecamatan, {regency.name}",
                           anchor="per-kecamatan", caption="Angka program dan UCJ per kecamatan"),
            "ucj_headline": render_to_string("reports/includes_ucj_headline.html",
                                             {**headline, "can_enter": can_enter, "regency": regency}),
            "trend_section": render_to_string("reports/includes_trend.html", {**trend, "target": headline["target"]}),
        }

    if head is None:
        return _safe_parts(draw())
    return _kept_parts(request, "regency-page", (head_version(head), regency.name, can_enter), draw)


def _subdistrict_parts(request, subdistrict, head: CoverageSnapshot | None, *, programme) -> dict:
    """The subdistrict page's parts drawn from stored figures alone: its own line (`own`) and its
    villages' table with its chart (`region_table`), rendered, from the rows stored with `head`,
    the regency's latest row (selectors.subdistrict_village_snapshots: one query, the villages'
    ids included). Kept under the head row's version with everything else they show: the
    subdistrict's name, the stage the villages' names lead to (`_village_href`: `programme`) and the
    table's order. Before the first recompute, live figures for each request (coverage_rows)."""
    def draw() -> dict:
        if head is None:
            _, live = coverage_rows(subdistrict.regency, levels=[RegionLevel.SUBDISTRICT, RegionLevel.VILLAGE],
                                    code_prefix=subdistrict.code)
            village_ids = dict(Village.objects.filter(subdistrict=subdistrict).values_list("code", "pk"))
            make = RegionRow.from_figures
            rows = [(level, row, village_ids.get(row.region_code)) for level, row in live]
        else:
            make = RegionRow.from_snapshot
            rows = [(row.level, row, row.village_pk) for row in subdistrict_village_snapshots(head, subdistrict)]
        own, villages = None, []
        for level, row, village_pk in rows:
            if level == RegionLevel.SUBDISTRICT and row.region_code == subdistrict.code:
                own = make(row)
            elif level == RegionLevel.VILLAGE:
                villages.append(make(row, pk=village_pk, href=_village_href(programme, village_pk)))
        return {"own": own, **_drawn_table(
            request, villages, total=own, first_label="Desa/kelurahan", chart_id="grafik-desa",
            chart_title=f"Angka program per desa/kelurahan, Kecamatan {subdistrict.name}", anchor="per-desa",
            caption="Angka program dan UCJ per desa/kelurahan")}

    if head is None:
        return _safe_parts(draw())
    return _kept_parts(request, "subdistrict-page",
                       (head_version(head), subdistrict.pk, subdistrict.name, programme and programme.pk), draw)


# --- Pages ---------------------------------------------------------------------------------------

@reads_from_replica
@login_required
@require_GET
def regency_detail(request, pk):
    """The regent's dashboard: the regency's UCJ against its target, the programme's contribution,
    the premium committed, the trend over the stored days, the current stage's progress over
    villages, the planner, and a sortable line and bar per subdistrict.

    Queries, the same whatever the regency's size: the regency (the reader's scope, checked before
    anything kept is read); the regency's latest snapshot row; its subdistricts' rows with their ids
    (links) and the trend, only when not kept since the last recompute (`_regency_parts`); then,
    live for each request, the premium committed, the benefits paid, the current stage (one query
    when its window is open, two otherwise), its villages' progress and the stage that continues
    it. The same figures on one A4 landscape page for a meeting: `regency_summary`."""
    regency = _regency_to_view(request, pk)
    can_enter = can_enter_coverage(request.user, regency)
    head = regency_head_snapshot(regency)
    parts = _regency_parts(request, regency, head, can_enter=can_enter)
    figures = parts["figures"]
    programme = current_programme(regency.pk, today=coverage_today())
    return render(request, "reports/regency_detail.html", {
        "regency": regency, "snapshot": head, "can_enter": can_enter,
        "commitment": _commitment(regency, year=figures.year),
        "benefits": benefit_totals(regency_ids=[regency.pk]),
        "stage": programme and dashboard.stage_progress(programme),
        "continuation": continuation_plan(programme),  # the planner's continuing members and new places
        "can_review": can_see_review_pages(request.user, regency),
        "can_see_export_log": can_see_export_log(request.user, regency),
        **parts, **_planner(request, figures),
    })


@reads_from_replica
@login_required
@require_GET
def regency_summary(request, pk):
    """"Ringkasan satu halaman": the dashboard for a meeting, on one A4 landscape page — UCJ against
    the target, the programme's contribution, the premium committed, the trend, and the five
    kecamatan furthest behind (dashboard.furthest_subdistricts says how they are ranked). The
    same figures as the dashboard, from the same snapshot row through the same rules.

    Queries, the same whatever the regency's size: the regency; its latest snapshot row; its
    subdistricts' rows with their ids and the trend, when not kept (`_regency_rows`); the premium
    committed."""
    regency = _regency_to_view(request, pk)
    stored = _regency_rows(regency, regency_head_snapshot(regency))
    figures = stored.figures
    ranking, behind = dashboard.furthest_subdistricts(stored.subdistricts, target=figures.target_percent)
    return render(request, "reports/regency_summary.html", {
        "regency": regency, "snapshot": stored.snapshot, "printed_on": coverage_today(),
        "commitment": _commitment(regency, year=figures.year),
        "ranking": ranking, "behind": behind, "subdistricts": len(stored.subdistricts),
        "ranked_by_ucj": ranking == dashboard.BEHIND_BY_UCJ,
        **_trend(regency.code, figures, chart_id="tren-ucj-ringkas", rows=stored.trend), **_headline(figures),
    })


@dataclass(frozen=True)
class TargetLine:
    """A regency on the province dashboard: its UCJ against its own target, and where its name leads."""

    name: str
    href: str
    ucj: object  # Decimal, 2 places, or None without a denominator
    target: object
    achievement: object
    needed: int | None


def _target_line(regency, figures: CoverageFigures) -> TargetLine:
    return TargetLine(name=regency.name, href=reverse("reports:regency-detail", args=[regency.pk]),
                      ucj=display_percent(figures.ucj_percent), target=figures.target_percent,
                      achievement=display_percent(figures.target_achievement_percent),
                      needed=figures.workers_needed_for_target)


@reads_from_replica
@login_required
@require_GET
def province_detail(request, pk):
    """The province dashboard (the province viewer's, and the system administrator's): the
    province's UCJ against its own target, its regencies' programme figures summed, the trend over
    the stored days, each regency's UCJ against its target (furthest from target first) and a
    sortable line and bar per regency, each leading to the regency's dashboard.

    Queries, the same whatever the number of regencies: the province; its latest row; its
    regencies; their latest rows; the trend."""
    province = _province_to_view(request, pk)
    regencies = list(regencies_for_user(request.user).filter(province=province, is_retired=False))
    head, figures, stored = province_coverage_rows(province, regencies)
    regency_rows, target_lines, not_computed = [], [], []
    for regency, row in stored:
        if row is None:
            not_computed.append(regency)
            continue
        href = reverse("reports:regency-detail", args=[regency.pk])
        regency_rows.append(RegionRow.from_snapshot(row, pk=regency.pk, href=href))
        target_lines.append(_target_line(regency, CoverageFigures.from_snapshot(row)))
    # Furthest from target first; regencies without a target (or a UCJ) after them, by name.
    target_lines.sort(key=lambda line: (line.achievement is None, line.achievement or 0, line.name))
    return render(request, "reports/province_detail.html", {
        "province": province, "snapshot": head, "total": RegionRow.from_figures(figures),
        "target_lines": target_lines, "not_computed": not_computed,
        "benefits": benefit_totals(regency_ids=[regency.pk for regency in regencies]),
        **_sorted_table(request, regency_rows, total=RegionRow.from_figures(figures), first_label="Kabupaten/kota",
                        chart_id="grafik-kabupaten", chart_title=f"Angka program per kabupaten/kota, {province.name}",
                        anchor="per-kabupaten", caption="Angka program dan UCJ per kabupaten/kota"),
        **_trend(province.code, figures), **_headline(figures),
    })


@reads_from_replica
@login_required
@require_GET
def subdistrict_detail(request, pk):
    """A subdistrict's programme figures (and UCJ where it has an official figure) and a sortable
    line and bar per village, UCJ where the village has a denominator; each village's name leads
    to its list (`_village_href`). Queries do not grow with the villages: the subdistrict (the
    reader's scope, checked before anything kept is read), for the staff who work the review the
    current stage (1–2), the regency's latest snapshot row, and its rows of the subdistrict and
    its villages only when not kept since the last recompute (`_subdistrict_parts`)."""
    subdistrict = _subdistrict_to_view(request, pk)
    regency = subdistrict.regency
    programme = None
    if works_in_review(request.user, regency):
        programme = current_programme(regency.pk, today=coverage_today())
    head = regency_head_snapshot(regency)
    return render(request, "reports/subdistrict_detail.html", {
        "subdistrict": subdistrict, "regency": regency, "snapshot": head,
        "can_enter": can_enter_coverage(request.user, regency), "programme": programme,
        **_subdistrict_parts(request, subdistrict, head, programme=programme),
    })


# --- Entry: target, official figures, village denominators ----------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    regency = _regency_to_enter(request, pk)
    targets = list(CoverageTarget.objects.filter(regency=regency).order_by("-year"))
    initial = {"year": coverage_today().year}
    asked_year = request.GET.get("tahun", "")
    if asked_year.isdigit():
        initial["year"] = int(asked_year)
    existing = next((target for target in targets if target.year == initial["year"]), None)
    if existing is not None:
        initial.update(target_percent=existing.target_percent, working_population=existing.working_population,
                       population_source=existing.population_source)
    form = CoverageTargetForm(request.POST or None, initial=initial, today=coverage_today())
    if request.method == "POST" and form.is_valid():
        try:
            target = services.coverage_target_set(region=regency, entered_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Target UCJ {target.year} disimpan: {format_percent(target.target_percent)} "
                                      f"dari {format_number(target.working_population)} penduduk bekerja.")
            return redirect("reports:regency-detail", pk=regency.pk)
    return render(request, "reports/target_form.html", {"regency": regency, "form": form, "targets": targets})


@login_required
@require_http_methods(["GET", "POST"])
def figure_list(request, pk):
    """The regency's official figures (its own and its subdistricts'), newest first, and the form to
    add one."""
    regency = _regency_to_enter(request, pk)
    form = OfficialFigureForm(request.POST or None, regency=regency, today=coverage_today())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region = data.pop("subdistrict") or regency
        try:
            figure = services.official_figure_record(region=region, entered_by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            label = f"Kecamatan {region.name}" if isinstance(region, Subdistrict) else region.name
            messages.success(request, f"Angka resmi {label} per {format_date(figure.as_of)} disimpan.")
            return redirect("reports:figure-list", pk=regency.pk)
    figures = list(
        OfficialFigure.objects.filter(Q(regency=regency) | Q(subdistrict__regency=regency))
        .select_related("subdistrict")
        .order_by("-as_of", F("subdistrict__code").asc(nulls_first=True), "-pk")  # the regency's first
    )
    for figure in figures:
        figure.computed_percent = display_percent(ucj_percent(covered=figure.numerator,
                                                              denominator=figure.denominator))
    return render(request, "reports/figure_list.html", {"regency": regency, "form": form, "figures": figures})


@login_required
@require_http_methods(["GET", "POST"])
def denominator_edit(request, pk):
    """Working residents of each village of a subdistrict for a year (the village's own UCJ)."""
    subdistrict = _subdistrict_to_view(request, pk)
    if not can_enter_coverage(request.user, subdistrict):
        raise Http404("Kecamatan tidak ditemukan.")
    villages = list(subdistrict.villages.filter(is_retired=False).order_by("code"))
    year = _denominator_year(request, subdistrict)
    stored = {row.village_id: row for row in VillageDenominator.objects.filter(village__in=villages, year=year)}
    initial = {"year": year}
    for village in villages:
        if village.pk in stored:
            initial[VillageDenominatorsForm.residents_name(village)] = stored[village.pk].working_residents
            initial[VillageDenominatorsForm.source_name(village)] = stored[village.pk].source
    form = VillageDenominatorsForm(request.POST or None, villages=villages, initial=initial, today=coverage_today())
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        stored = {row.village_id: row for row in VillageDenominator.objects.filter(village__in=villages, year=year)}
        changed = [(village, residents, source) for village, residents, source in form.entries()
                   if village.pk not in stored or (stored[village.pk].working_residents, stored[village.pk].source)
                   != (residents, source)]
        try:
            with transaction.atomic():
                for village, residents, source in changed:
                    services.village_denominator_set(village=village, year=year, working_residents=residents,
                                                     source=source, entered_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Penduduk bekerja {year} disimpan untuk {len(changed)} desa/kelurahan.")
            return redirect("reports:subdistrict-detail", pk=subdistrict.pk)
    return render(request, "reports/denominator_form.html", {
        "subdistrict": subdistrict, "regency": subdistrict.regency, "form": form, "year": year,
        "years": form.fields["year"].choices,
    })


def _denominator_year(request, subdistrict) -> int:
    """The year asked (?tahun=), else that of the latest snapshot (the year the pages show), else now."""
    asked = request.POST.get("year") or request.GET.get("tahun") or ""
    if asked.isdigit():
        return int(asked)
    year = (CoverageSnapshot.objects.filter(region_code=subdistrict.code).order_by("-computed_on")
            .values_list("year", flat=True).first())
    return year or coverage_today().year


# --- Import of official figures ------------------------------------------------------------------

@login_required
@require_GET
def figure_template(request, pk):
    regency = _regency_to_enter(request, pk)
    return xlsx_download(imports.template_bytes(regency), f"angka-resmi-ucj-{regency.code.replace('.', '')}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def figure_import(request, pk):
    regency = _regency_to_enter(request, pk)
    form = FigureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = excel.read_workbook(form.cleaned_data["file"].read())
        except excel.WorkbookError as error:
            form.add_error("file", str(error))
        else:
            token = secrets.token_urlsafe(16)
            pending = request.session.get(IMPORT_SESSION_KEY, {})
            pending[token] = {"regency": regency.pk, "rows": imports.rows_to_json(rows)}
            request.session[IMPORT_SESSION_KEY] = dict(list(pending.items())[-KEEP_IN_SESSION:])
            return redirect("reports:figure-import-preview", pk=regency.pk, token=token)
    return render(request, "reports/figure_import.html", {"regency": regency, "form": form})


def _pending_rows(request, regency, token):
    entry = request.session.get(IMPORT_SESSION_KEY, {}).get(token)
    if not entry or entry["regency"] != regency.pk:
        raise Http404("Unggahan tidak ditemukan.")
    return imports.rows_from_json(entry["rows"])


@login_required
@require_GET
def figure_import_preview(request, pk, token):
    regency = _regency_to_enter(request, pk)
    report = imports.import_preview(rows=_pending_rows(request, regency, token), regency=regency,
                                    today=coverage_today())
    return render(request, "reports/figure_import_preview.html", {
        "regency": regency, "token": token, "report": report, "totals": report.totals,
        "valid_count": len(report.valid_rows),
    })


@login_required
@require_POST
def figure_import_confirm(request, pk, token):
    regency = _regency_to_enter(request, pk)
    rows = _pending_rows(request, regency, token)
    try:
        report = imports.import_apply(rows=rows, regency=regency, entered_by=request.user, today=coverage_today())
    except imports.ImportRefused as refused:
        messages.error(request, f"Tidak ada yang disimpan. Baris {refused.row}: {refused.message}")
        return redirect("reports:figure-import-preview", pk=regency.pk, token=token)
    pending = request.session.get(IMPORT_SESSION_KEY, {})
    pending.pop(token, None)
    request.session[IMPORT_SESSION_KEY] = pending
    totals = report.totals
    messages.success(request, f"Impor selesai: {totals[imports.NEW]} angka resmi baru, {totals[imports.UPDATE]} "
                              f"diperbarui, {totals[imports.UNCHANGED]} sudah sama, {totals[imports.ERROR]} baris "
                              "ditolak.")
    return redirect("reports:figure-list", pk=regency.pk)
