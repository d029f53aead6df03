"""The regent's dashboard (issue #6): what the coverage pages show beyond the snapshot figures.

- `stage_progress(programme)`: where the villages stand with the current stage (tahap) — the rule
  of "not submitted / submitted / fully approved / registered", in one aggregate query;
- `premium_commitment(regency, year=…)`: the premium the programme's registered workers cost per
  month and per year, and what was paid for their funded months, in one aggregate query;
- `sort_rows` / `sort_columns`: the server-side sorting of the coverage tables (`?urut=-terdaftar`),
  from a whitelist of keys, so a link sorts without JavaScript and a printout keeps the order;
- `ucj_trend(rows)`: the trend's points, each dated by its data (the official figure's date), not
  by the day it was computed;
- `furthest_subdistricts(rows, …)`: the one-page summary's five kecamatan furthest behind (see
  its docstring for how a kecamatan without a target of its own is ranked).

The state groups come from reports.coverage.rules (the same ones the snapshots count); the pages
follow the current stage of registrations.selectors.current_programme (the stage a village works on).
Callers check `permissions.can_view_coverage` first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, IntegerField, Sum
from django.db.models.functions import Coalesce

from registrations.models import Nominee, Programme
from registrations.premiums import MONTHS_PER_YEAR, funded_premium_expression, premium_cost
from villages.models import Regency, Subdistrict, Village

from .coverage import (
    APPROVED_STATES,
    NOMINATED_STATES,
    REGISTERED_STATES,
    SUBMITTED_STATES,
    ucj_percent,
)

# --- The current stage's progress over villages ----------------------------------------------------


@dataclass(frozen=True)
class StageProgress:
    """Villages of the stage's regency by how far their list has gone (see `stage_progress`).
    `submitted` ⊇ `fully_approved` ⊇ `registered`; `not_submitted` + `submitted` = `villages`."""

    programme: Programme
    villages: int
    not_submitted: int
    submitted: int
    fully_approved: int
    registered: int


# A place's step: how many of the groups, which nest (NOMINATED ⊇ SUBMITTED ⊇ APPROVED ⊇ REGISTERED,
# as tests/reports/test_dashboard.py checks), hold its state: a draft 0 … registered 3. States that
# hold no place (rejected, refused, ended) have none, and MIN passes over them.
_STAGE_GROUPS = (SUBMITTED_STATES, APPROVED_STATES, REGISTERED_STATES)
_STAGE_STEPS = {str(state): sum(state in group for group in _STAGE_GROUPS) for state in sorted(NOMINATED_STATES)}
_SUBMITTED_STEP, _APPROVED_STEP, _REGISTERED_STEP = 1, 2, 3


def stage_progress(programme: Programme) -> StageProgress:
    """Where each village of the programme's regency stands with its list for this stage.

    A village's *places* are its nominees of this programme that hold a quota place
    (rules.NOMINATED_STATES: everything but rejected, refused by BPJS and ended). Then:
    - **submitted** (sudah dikirim): it holds at least one place and none of its places is still a
      draft at the village (every place in rules.SUBMITTED_STATES; a nominee returned for
      correction was submitted and still counts);
    - **not submitted** (belum dikirim): every other village — nobody nominated yet, or some of
      its nominees are still drafts (a list, or a replacement, not yet sent);
    - **fully approved** (disetujui semua): submitted, and every place approved by the regency or
      further on with BPJS (rules.APPROVED_STATES);
    - **registered** (terdaftar di BPJS): submitted, and every place registered with BPJS at some
      point (rules.REGISTERED_STATES).
    Villages counted: the regency's villages that are not retired, and retired ones that still
    hold a place in this stage. ONE query, whatever the number of villages and nominees.

    How: the groups nest (SUBMITTED ⊇ APPROVED ⊇ REGISTERED), so "every place in a group" is "the
    place furthest behind is in it". Each place gets its step (`_STAGE_STEPS`: how many of the
    groups hold its state) and each village the lowest step of its places, grouped over the
    stage's stretch of nominee_coverage_count (an index-only scan, read once in index order)
    before the regency's villages are joined to it: counting per village through a join from
    the villages probed the index once per village and took twice as long."""
    when = " ".join("WHEN %s THEN %s" for _ in _STAGE_STEPS)
    sql = f"""
        SELECT COUNT(*),
               COUNT(*) FILTER (WHERE places.lowest >= %s),
               COUNT(*) FILTER (WHERE places.lowest >= %s),
               COUNT(*) FILTER (WHERE places.lowest >= %s)
        FROM {Village._meta.db_table} village
        JOIN {Subdistrict._meta.db_table} subdistrict ON subdistrict.id = village.subdistrict_id
        LEFT JOIN (
            SELECT village_id, MIN(CASE status {when} END) AS lowest
            FROM {Nominee._meta.db_table} WHERE programme_id = %s GROUP BY village_id
        ) places ON places.village_id = village.id
        WHERE subdistrict.regency_id = %s AND (NOT village.is_retired OR places.lowest IS NOT NULL)
    """
    params = [_SUBMITTED_STEP, _APPROVED_STEP, _REGISTERED_STEP,
              *(value for step in _STAGE_STEPS.items() for value in step), programme.pk, programme.regency_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        villages, submitted, fully_approved, registered = cursor.fetchone()
    return StageProgress(programme=programme, villages=villages, not_submitted=villages - submitted,
                         submitted=submitted, fully_approved=fully_approved, registered=registered)


# --- The budget committed ------------------------------------------------------------------------


@dataclass(frozen=True)
class PremiumCommitment:
    """The premium of the programme's registered workers of a year (rules.REGISTERED_STATES)."""

    workers: int
    per_month_rp: int  # Σ each worker's programme premium per month (the monthly bill)
    per_year_rp: int  # the monthly bill × 12
    funded_rp: int  # Σ premiums.funded_premium: what the snapshots store as premium_committed_rp


def premium_commitment(regency: Regency, *, year: int) -> PremiumCommitment:
    """DOMAIN §3: what the regency's registered programme workers of `year`'s programmes cost per
    month and per year at their programme's premium (snapshotted at enrolment), and what their
    funded months (Programme.months_paid) come to — the latter by the same rule as the snapshots'
    "iuran didanai" (registrations.premiums.funded_premium_expression). Computed now, in ONE
    aggregate query."""
    premium = F("programme__premium_per_month")
    totals = Nominee.objects.filter(
        programme__regency=regency, programme__year=year, status__in=sorted(REGISTERED_STATES),
    ).aggregate(
        # COUNT(*), not COUNT(id): nothing of the nominee's row is read but what
        # nominee_coverage_count holds (programme, status), so the index alone answers.
        workers=Count("*"),
        per_month=Coalesce(Sum(premium), 0, output_field=IntegerField()),
        funded=Coalesce(Sum(funded_premium_expression()), 0, output_field=IntegerField()),
    )
    per_month = int(totals["per_month"])
    return PremiumCommitment(workers=totals["workers"], per_month_rp=per_month,
                             per_year_rp=premium_cost(premium_per_month=per_month, months=MONTHS_PER_YEAR),
                             funded_rp=int(totals["funded"]))


# --- Sorting the coverage tables -----------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    param: str  # the value of ?urut= (Indonesian, as the page's header reads)
    attribute: str  # of views.RegionRow
    label: str
    numeric: bool = True


# Whitelist: ?urut=<param> or ?urut=-<param> → a RegionRow attribute; never a name from the URL.
SORT_KEYS = (
    SortKey("nama", "name", "", numeric=False),  # the first column's label is the page's ("Kecamatan")
    SortKey("kuota", "quota", "Kuota"),
    SortKey("diusulkan", "nominated", "Diusulkan"),
    SortKey("dikirim", "submitted", "Dikirim"),
    SortKey("disetujui", "approved", "Disetujui"),
    SortKey("terdaftar", "registered", "Terdaftar"),
    SortKey("aktif", "active", "Aktif"),
    SortKey("iuran", "premium_committed_rp", "Iuran didanai"),
    SortKey("penduduk", "denominator", "Penduduk bekerja"),
    SortKey("ucj", "ucj_percent", "UCJ"),
)
SORT_PARAM = "urut"
_BY_PARAM = {key.param: key for key in SORT_KEYS}


def parse_sort(value: str | None) -> tuple[SortKey | None, bool]:
    """(key, descending) from ?urut=; (None, False) — the code order — for anything unknown."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = _BY_PARAM.get(value.removeprefix("-"))
    return (key, descending) if key else (None, False)


def sort_rows(rows: Sequence, order: str | None) -> list:
    """The rows by ?urut= (e.g. "ucj", "-terdaftar"), ties and the default by region code. Regions
    without the value (no quota, no UCJ) go last whichever the direction."""
    key, descending = parse_sort(order)
    rows = sorted(rows, key=lambda row: row.code)
    if key is None:
        return rows
    present = [row for row in rows if getattr(row, key.attribute) is not None]
    missing = [row for row in rows if getattr(row, key.attribute) is None]

    def value(row):
        found = getattr(row, key.attribute)
        return found.casefold() if isinstance(found, str) else found

    return sorted(present, key=value, reverse=descending) + missing


@dataclass(frozen=True)
class SortColumn:
    """A table header: its label, the link that sorts by it, and its aria-sort."""

    param: str
    label: str
    numeric: bool
    query: str  # "urut=-terdaftar" plus the page's other GET parameters
    aria_sort: str | None  # "ascending" / "descending" on the column the rows are sorted by

    @property
    def arrow(self) -> str:
        return {"ascending": "▲", "descending": "▼"}.get(self.aria_sort or "", "")


def sort_columns(order: str | None, *, first_label: str, query) -> list[SortColumn]:
    """The headers of a coverage table sorted by `order`. A first click sorts numbers largest first
    and names A→Z; clicking the sorted column again reverses it. `query` is the request's GET
    (a QueryDict): its other parameters (the planner's) stay in the links."""
    current, descending = parse_sort(order)
    columns = []
    for key in SORT_KEYS:
        sorted_here = current is not None and current.param == key.param
        if sorted_here:
            next_descending = not descending
        else:
            next_descending = key.numeric
        params = query.copy()
        params[SORT_PARAM] = ("-" if next_descending else "") + key.param
        columns.append(SortColumn(
            param=key.param, label=key.label or first_label, numeric=key.numeric, query=params.urlencode(),
            aria_sort=("descending" if descending else "ascending") if sorted_here else None,
        ))
    return columns


# --- The trend, dated by its data ---------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """A point of the UCJ trend: the date of its data, the UCJ then, and whether it is an official
    figure's own (`official`) or the latest computed figure, the programme's workers included."""

    day: dt.date
    ucj: Decimal
    official: bool


def ucj_trend(rows: Iterable[tuple]) -> list[TrendPoint]:
    """The trend of a region's UCJ over its stored days, each point dated by its data (Field fit
    16: "per 30 November", not the day the figures were computed):
    - one point per official figure the stored days stood on, at the figure's as-of date, with the
      UCJ of that figure (official numerator ÷ denominator: on its own date the programme adds
      nobody, DOMAIN §4's double-counting rule);
    - the latest stored day, at its date: the latest official figure plus the programme's workers
      registered after it, up to that day (the dashboard's headline);
    - a day computed without an official figure (UCJ of the programme's workers over the target's
      working population) at its own date: its data is the programme's on that day.
    `rows`: (computed_on, official_as_of, official_numerator, covered, denominator), oldest first.
    Days without a denominator are left out. Oldest first."""
    points: dict[dt.date, TrendPoint] = {}
    latest = None
    for computed_on, as_of, numerator, covered, denominator in rows:
        if denominator is None or covered is None:
            continue
        if as_of is not None:
            points[as_of] = TrendPoint(day=as_of, ucj=ucj_percent(covered=numerator or 0, denominator=denominator),
                                       official=True)
        latest = TrendPoint(day=computed_on, ucj=ucj_percent(covered=covered, denominator=denominator),
                            official=False)
        if as_of is None:
            points[computed_on] = latest
    if latest is not None and latest.day not in points:
        points[latest.day] = latest
    return sorted(points.values(), key=lambda point: point.day)


# --- The one-page summary: the kecamatan furthest behind -------------------------------------------

#: How many kecamatan the one-page summary names.
SUMMARY_SUBDISTRICTS = 5
BEHIND_BY_UCJ = "ucj"
BEHIND_BY_QUOTA = "quota"


@dataclass(frozen=True)
class BehindLine:
    """A kecamatan on the summary's list: its UCJ and how far it is below the regency's target
    (ranking by UCJ), or its programme places not yet registered with BPJS (ranking by quota)."""

    name: str
    code: str
    ucj: Decimal | None
    points_below_target: Decimal | None  # the regency's target − the kecamatan's UCJ, at least 0
    quota: int | None
    registered: int
    places_left: int | None  # quota − registered, at least 0


def furthest_subdistricts(rows: Sequence, *, target: Decimal | None,
                          limit: int = SUMMARY_SUBDISTRICTS) -> tuple[str, list[BehindLine]]:
    """The kecamatan furthest behind, for the one-page summary: (how they are ranked, the lines).

    A kecamatan has no UCJ target of its own (Kemendagri sets one per regency, DOMAIN §4), and a UCJ
    only where BPJS gave it an official figure. So:
    - when at least one kecamatan has a UCJ (BEHIND_BY_UCJ): those with a UCJ, lowest first, with
      how many points each is below the regency's target (the gap to the target is then largest
      first); kecamatan without a UCJ cannot be placed on that scale and are left out;
    - when none has (BEHIND_BY_QUOTA): the kecamatan with the most programme places not yet
      registered with BPJS (quota − registered), the lower share registered first on a tie;
      kecamatan without a quota are left out.
    Ties end by code. `rows`: views.RegionRow-like (name, code, ucj_percent, quota, registered)."""
    with_ucj = [row for row in rows if row.ucj_percent is not None]
    if with_ucj:
        ranked = sorted(with_ucj, key=lambda row: (row.ucj_percent, row.code))[:limit]
        return BEHIND_BY_UCJ, [_behind_line(row, target) for row in ranked]
    with_quota = [row for row in rows if row.quota]
    ranked = sorted(with_quota, key=lambda row: (-(row.quota - min(row.registered, row.quota)),
                                                 Decimal(row.registered) / row.quota, row.code))[:limit]
    return BEHIND_BY_QUOTA, [_behind_line(row, target) for row in ranked]


def _behind_line(row, target: Decimal | None) -> BehindLine:
    below = None
    if target is not None and row.ucj_percent is not None:
        below = max(Decimal(0), target - row.ucj_percent)
    left = None if row.quota is None else max(0, row.quota - row.registered)
    return BehindLine(name=row.name, code=row.code, ucj=row.ucj_percent, points_below_target=below,
                      quota=row.quota, registered=row.registered, places_left=left)
