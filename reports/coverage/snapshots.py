"""Coverage snapshots: `recompute_regency` stores a regency's figures (regency, subdistricts,
villages) as the day's CoverageSnapshot rows, in one transaction under a lock;
`recompute_regencies` does several regencies (or the whole country: `recompute_all`) at once, set-based
on PostgreSQL (statement.py: one statement for all of them). In the same transaction the day's row
of each province of those regencies is written again (`recompute_provinces`): its regencies'
latest rows summed, against the province's own target and official figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from common.formatting import display_percent, format_number, format_percent
from registrations.models import Nominee, Programme
from registrations.premiums import premium_for_new_workers
from villages.models import Province, Regency

from ..models import CoverageSnapshot, CoverageTarget, OfficialFigure, RegionLevel
from .figures import CoverageFigures, ProgrammeFigures, _regency_figures, _top_ucj
from .rules import LATEST_PROGRAMME_ORDER, covered_workers_q, default_year, period_for
from .statement import recompute_statement


@dataclass
class RecomputeResult:
    regency_code: str
    computed_on: dt.date
    rows_written: int  # the day's rows of the regency (regency, subdistricts, villages)
    changed: list[str] = field(default_factory=list)  # human lines for the command, Indonesian
    rows_changed: int | None = None  # of those, the rows inserted or rewritten (None off PostgreSQL)


SNAPSHOT_UPDATE_FIELDS = [
    "level", "region_name", "regency", "computed_at", "year", "quota", "nominated", "submitted", "approved",
    "registered", "active", "premium_per_month_rp", "premium_committed_rp", "official_as_of",
    "official_numerator", "programme_addition", "covered", "denominator", "ucj_percent", "contribution_points",
    "target_percent", "target_achievement_percent", "workers_needed_for_target",
]


def recompute_regency(regency_id: int, *, on: dt.date | None = None) -> RecomputeResult:
    """Recomputes a regency's figures for `on` (default today) and stores them: one CoverageSnapshot
    row for the regency, each subdistrict and each village, upserted on (region_code, computed_on).

    Called by the Celery task (reports.tasks) and the `recompute_coverage` command; safe for anyone
    (it only derives numbers). Everything happens in one transaction, so a worker killed half-way
    leaves the previous rows untouched. The regency row is locked first (SELECT … FOR UPDATE): a
    second run started at the same moment waits, then reads the committed data and writes the same
    values. Idempotent: running it again the same day leaves the same rows (only rows whose figures
    moved are rewritten, and the regency's own row, whose computed_at says when it last ran). A
    constant number of queries whatever the regency's size. Returns what changed since the previous
    snapshot, in Indonesian lines for the command. Raises Regency.DoesNotExist for an unknown id.
    """
    [result] = recompute_regencies([regency_id], on=on)
    return result


def recompute_regencies(regency_ids: Sequence[int], *, on: dt.date | None = None) -> list[RecomputeResult]:
    """recompute_regency for several regencies at once (the `recompute_coverage` command: the whole
    country when no code is given), in the order given.

    On PostgreSQL, ONE transaction for all of them: the regency rows are locked in id order (so two
    runs, or a run and the per-regency Celery task, never deadlock: the later one waits, then
    writes the same values), then one statement (statement.recompute_statement) computes and
    upserts every row. All or nothing: a failure leaves every regency's previous rows. On the
    embedded SQLite database (the demo, one regency) each regency is computed by the live figures
    and written in its own transaction.
    """
    _, on = period_for(year=None, on=on)
    regency_ids = list(dict.fromkeys(regency_ids))
    if connection.vendor != "postgresql":
        return [_recompute_live(regency_id, on=on) for regency_id in regency_ids]
    with transaction.atomic():
        regencies = list(Regency.objects.select_for_update(of=("self",)).filter(pk__in=regency_ids)
                         .order_by("pk").values_list("pk", "code", "name"))
        if len(regencies) != len(regency_ids):
            raise Regency.DoesNotExist(f"regency {sorted(set(regency_ids) - {pk for pk, _, _ in regencies})}")
        order = {regency_id: position for position, regency_id in enumerate(regency_ids)}
        outcomes = recompute_statement(sorted(regencies, key=lambda regency: order[regency[0]]), on=on)
        recompute_provinces(Province.objects.filter(regencies__pk__in=regency_ids).values_list("pk", flat=True),
                            on=on)
    return [
        RecomputeResult(regency_code=outcome.code, computed_on=on, rows_written=outcome.rows,
                        rows_changed=outcome.rows_written,
                        changed=_changes(name=outcome.name, code=outcome.code, first_time=outcome.first_time,
                                         subdistricts=outcome.subdistricts, villages=outcome.villages,
                                         moved=outcome.moved))
        for outcome in outcomes
    ]


def _recompute_live(regency_id: int, *, on: dt.date) -> RecomputeResult:
    """The same rows from the live figures (figures._regency_figures), for databases without the
    set-based statement: one transaction, under the regency's lock, as on PostgreSQL."""
    with transaction.atomic():
        regency = Regency.objects.select_for_update(of=("self",)).get(pk=regency_id)
        figures = _regency_figures(regency, year=None, on=on)
        previous = _previous_snapshots(regency, on=on)
        computed_at = timezone.now()
        snapshots = [CoverageSnapshot(regency=regency, computed_on=on, computed_at=computed_at,
                                      **row.snapshot_fields()) for row in figures]
        CoverageSnapshot.objects.bulk_create(
            snapshots, update_conflicts=True, unique_fields=["region_code", "computed_on"],
            update_fields=SNAPSHOT_UPDATE_FIELDS,
        )
        # A village retired since an earlier run today would otherwise keep a stale row for the day.
        CoverageSnapshot.objects.filter(regency=regency, computed_on=on).exclude(
            region_code__in=[row.region_code for row in figures]).delete()
        recompute_provinces([regency.province_id], on=on)
    moved = []
    for row in figures:
        new = row.snapshot_fields()
        old = previous.get(row.region_code)
        old_fields = None if old is None else {name: getattr(old, name) for name, _ in _REPORTED}
        if old_fields is None or any(old_fields[name] != new[name] for name, _ in _REPORTED):
            moved.append((row.level, row.region_code, row.region_name, old_fields, new))
    return RecomputeResult(
        regency_code=regency.code, computed_on=on, rows_written=len(snapshots),
        changed=_changes(name=regency.name, code=regency.code, first_time=not previous,
                         subdistricts=sum(1 for row in figures if row.level == RegionLevel.SUBDISTRICT),
                         villages=sum(1 for row in figures if row.level == RegionLevel.VILLAGE),
                         moved=moved))


def recompute_provinces(province_ids, *, on: dt.date | None = None) -> int:
    """Writes the day's row of each province (CoverageSnapshot level province, no regency), from
    its regencies' latest stored rows and the province's own target and official figure
    (`_province_figures_from_rows`, all provinces at once). The province rows are locked first, in
    id order, so two recomputes of regencies of one province write one after the other and the
    later one's row, read after the earlier committed, stands. Called inside the regencies'
    recompute transaction (after their rows are written), and after a province's own target or
    official figure changes. Returns the rows written."""
    _, on = period_for(year=None, on=on)
    with transaction.atomic():
        provinces = list(Province.objects.select_for_update().filter(pk__in=list(province_ids)).order_by("pk"))
        computed_at = timezone.now()
        rows = [CoverageSnapshot(regency=None, computed_on=on, computed_at=computed_at, **figures.snapshot_fields())
                for figures in _province_figures_from_rows(provinces, on=on)]
        CoverageSnapshot.objects.bulk_create(rows, update_conflicts=True, unique_fields=["region_code", "computed_on"],
                                             update_fields=SNAPSHOT_UPDATE_FIELDS)
    return len(rows)


_PROGRAMME_SUMS = ("nominated", "submitted", "approved", "registered", "active", "premium_committed_rp")


def _province_figures_from_rows(provinces: Sequence[Province], *, on: dt.date) -> list[CoverageFigures]:
    """The provinces' figures as figures._province_figures defines them, without reading their
    villages one by one: the programme figures are the sums of each province's regencies' latest
    regency rows of the year (each the sum of its villages, by the same rules; a regency is
    recomputed after every change, so its latest row is its current one), and the UCJ addition is
    the count of the province's covered workers registered after its official as-of date
    (rules.covered_workers_q). The same few queries for one province or all 38: the programmes,
    targets and official figures of all of them, each regency's latest row found through the
    (region_code, computed_on) index (one row read, however many days the table holds), and one
    count per distinct as-of date, grouped by programme from the index nominee_coverage_count."""
    ids = [province.pk for province in provinces]
    programmes: dict[int, list[Programme]] = defaultdict(list)
    for programme in (Programme.objects.filter(regency__province__in=ids)
                      .annotate(of_province=F("regency__province_id")).order_by(*LATEST_PROGRAMME_ORDER)):
        programmes[programme.of_province].append(programme)
    targets: dict[int, dict[int, CoverageTarget]] = defaultdict(dict)
    for target in CoverageTarget.objects.filter(province__in=ids):
        targets[target.province_id][target.year] = target
    officials: dict[int, OfficialFigure] = {}
    for figure in OfficialFigure.objects.filter(province__in=ids, as_of__lte=on).order_by("province", "-as_of"):
        officials.setdefault(figure.province_id, figure)
    years = {pk: default_year(on=on, targets=targets[pk], programmes=(programme.year for programme in programmes[pk]))
             for pk in ids}

    latest = (CoverageSnapshot.objects.filter(region_code=OuterRef("code"), level=RegionLevel.REGENCY,
                                              computed_on__lte=on).order_by("-computed_on").values("pk")[:1])
    sums: dict[int, list[dict]] = defaultdict(list)
    for row in CoverageSnapshot.objects.filter(
        pk__in=Regency.objects.filter(province__in=ids).annotate(latest=Subquery(latest)).values("latest"),
    ).values("regency__province_id", "year", "quota", *_PROGRAMME_SUMS):
        if row["year"] == years[row["regency__province_id"]]:
            sums[row["regency__province_id"]].append(row)

    # The addition: ONE count grouped by programme, each programme's nominees counted after its
    # province's official as-of date (NULL, no official figure: every covered worker counts).
    of_year = {programme.pk: pk for pk in ids for programme in programmes[pk] if programme.year == years[pk]}
    after = Case(*(When(programme_id__in=[programme_id for programme_id, pk in of_year.items() if pk == province_pk],
                        then=Value(figure.as_of)) for province_pk, figure in officials.items()),
                 default=None, output_field=DateField())
    additions: dict[int, int] = defaultdict(int)
    for programme_id, count in (Nominee.objects.filter(programme__in=list(of_year))
                                .filter(covered_workers_q(on=on, after=after if officials else None)).order_by()
                                .values_list("programme_id").annotate(count=Count("*"))):
        additions[of_year[programme_id]] += count

    default_premium = None
    result = []
    for province in provinces:
        own = programmes[province.pk]
        if own:
            premium = premium_for_new_workers(own, on)
        else:
            default_premium = default_premium or premium_for_new_workers([], on)
            premium = default_premium
        rows = sums[province.pk]
        quotas = [row["quota"] for row in rows if row["quota"] is not None]
        programme = ProgrammeFigures(quota=sum(quotas) if quotas else None,
                                     **{name: sum(row[name] for row in rows) for name in _PROGRAMME_SUMS})
        result.append(CoverageFigures(
            level=RegionLevel.PROVINCE, region_code=province.code, region_name=province.name, year=years[province.pk],
            on=on, premium_per_month_rp=premium, programme=programme,
            **_top_ucj(officials.get(province.pk), targets[province.pk].get(years[province.pk]),
                       addition=additions[province.pk]),
        ))
    return result


def regencies_to_recompute() -> list[int]:
    """Regencies with a programme, a target or an official figure (their own or a subdistrict's)."""
    return list(
        Regency.objects.filter(
            Q(programmes__isnull=False) | Q(coverage_targets__isnull=False) | Q(official_figures__isnull=False)
            | Q(subdistricts__official_figures__isnull=False)
        ).distinct().order_by("code").values_list("pk", flat=True)
    )


def recompute_all(*, on: dt.date | None = None) -> list[RecomputeResult]:
    """recompute_regencies for every regency that has coverage data (the `recompute_coverage`
    command without codes), by regency code."""
    return recompute_regencies(regencies_to_recompute(), on=on)


def _previous_snapshots(regency: Regency, *, on: dt.date) -> dict[str, CoverageSnapshot]:
    """The regency's latest stored rows on or before `on` (today's, when today already ran), by code."""
    latest_day = (CoverageSnapshot.objects.filter(regency=regency, computed_on__lte=on).order_by("-computed_on")
                  .values("computed_on")[:1])
    rows = CoverageSnapshot.objects.filter(regency=regency, computed_on=Subquery(latest_day))
    return {row.region_code: row for row in rows}


# Fields reported by `recompute_coverage`, with their Indonesian labels.
_REPORTED = [
    ("ucj_percent", "UCJ"), ("covered", "tercakup"), ("programme_addition", "tambahan program"),
    ("nominated", "diusulkan"), ("approved", "disetujui"), ("registered", "terdaftar"), ("active", "aktif"),
    ("workers_needed_for_target", "kebutuhan pekerja untuk target"),
]


def _changes(*, name: str, code: str, first_time: bool, subdistricts: int, villages: int,
             moved: list[tuple[str, str, str, dict | None, dict]]) -> list[str]:
    """Lines for the regency and each subdistrict whose reported figures moved, and a count of the
    villages that moved; one summary line for a regency computed for the first time. `moved`:
    (level, code, name, old fields or None for a new row, new fields) of the rows that may have
    moved (the regency's row always among them)."""
    if first_time:
        [regency] = [new for level, _, _, _, new in moved if level == RegionLevel.REGENCY]
        return [f"{name} ({code}): dihitung pertama kali — {_describe(regency)}; {subdistricts} kecamatan, "
                f"{villages} desa/kelurahan"]
    lines = []
    villages_changed = 0
    for level, region_code, region_name, old, new in moved:
        if old is None:
            moves = [f"baru — {_describe(new)}"]
        else:
            moves = [
                f"{text} {_format(old[field_name], field_name)} → {_format(new[field_name], field_name)}"
                for field_name, text in _REPORTED if _differs(old[field_name], new[field_name])
            ]
        if moves and level == RegionLevel.VILLAGE:
            villages_changed += 1
        elif moves:
            lines.append(f"{region_name} ({region_code}): " + "; ".join(moves))
    if villages_changed:
        lines.append(f"Desa/kelurahan yang berubah: {villages_changed}")
    return lines


def _differs(old, new) -> bool:
    # Percentages are reported as shown (2 decimals): "38,45% → 38,45%" would say nothing.
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return display_percent(old) != display_percent(new)
    return old != new


def _describe(fields: dict) -> str:
    parts = [f"terdaftar {_format(fields['registered'], 'registered')}"]
    if fields["ucj_percent"] is not None:
        parts.insert(0, f"UCJ {_format(fields['ucj_percent'], 'ucj_percent')}")
    return ", ".join(parts)


def _format(value, name: str) -> str:
    return format_percent(value) if name == "ucj_percent" else format_number(value)
