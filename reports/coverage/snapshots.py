"""Coverage snapshots: `recompute_regency` stores a regency's figures (regency, subdistricts,
villages) as the day's CoverageSnapshot rows, in one transaction under a lock; `recompute_all` for
every regency with coverage data. Province rows are not written: a snapshot belongs to one regency
(CoverageSnapshot.regency), so province figures are computed live by `figures_for`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from common.formatting import display_percent, format_number, format_percent
from villages.models import Regency

from ..models import CoverageSnapshot, RegionLevel
from .figures import CoverageFigures, _regency_figures
from .rules import period_for


@dataclass
class RecomputeResult:
    regency_code: str
    computed_on: dt.date
    rows_written: int
    changed: list[str] = field(default_factory=list)  # human lines for the command, Indonesian


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
    values. Idempotent: running it again the same day rewrites the same rows (computed_at aside).
    A constant number of queries whatever the regency's size. Returns what changed since the
    previous snapshot, in Indonesian lines for the command.
    """
    _, on = period_for(year=None, on=on)
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
    return RecomputeResult(regency_code=regency.code, computed_on=on, rows_written=len(snapshots),
                           changed=_changes(previous, figures))


def regencies_to_recompute() -> list[int]:
    """Regencies with a programme, a target or an official figure (their own or a subdistrict's)."""
    return list(
        Regency.objects.filter(
            Q(programmes__isnull=False) | Q(coverage_targets__isnull=False) | Q(official_figures__isnull=False)
            | Q(subdistricts__official_figures__isnull=False)
        ).distinct().order_by("code").values_list("pk", flat=True)
    )


def recompute_all(*, on: dt.date | None = None) -> list[RecomputeResult]:
    """recompute_regency for every regency that has coverage data, each in its own transaction (one
    failing regency does not undo the others already written)."""
    return [recompute_regency(regency_id, on=on) for regency_id in regencies_to_recompute()]


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


def _changes(previous: dict[str, CoverageSnapshot], figures: list[CoverageFigures]) -> list[str]:
    """Lines for the regency and each subdistrict whose reported figures moved, and a count of the
    villages that moved; one summary line for a regency computed for the first time."""
    regency = figures[0]
    if not previous:
        subdistricts = sum(1 for row in figures if row.level == RegionLevel.SUBDISTRICT)
        villages = sum(1 for row in figures if row.level == RegionLevel.VILLAGE)
        return [f"{regency.region_name} ({regency.region_code}): dihitung pertama kali — "
                f"{_describe(regency.snapshot_fields())}; {subdistricts} kecamatan, {villages} desa/kelurahan"]
    lines = []
    villages_changed = 0
    for row in figures:
        new = row.snapshot_fields()
        old = previous.get(row.region_code)
        if old is None:
            moved = [f"baru — {_describe(new)}"]
        else:
            moved = [
                f"{text} {_format(getattr(old, name), name)} → {_format(new[name], name)}"
                for name, text in _REPORTED if _differs(getattr(old, name), new[name])
            ]
        if moved and row.level == RegionLevel.VILLAGE:
            villages_changed += 1
        elif moved:
            lines.append(f"{row.region_name} ({row.region_code}): " + "; ".join(moved))
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
