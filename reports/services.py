"""Writes of coverage inputs (DOMAIN.md §4): yearly targets, official figures as BPJS reports them,
village denominators. The entry pages, the official-figure import and the `set_coverage` command
call these; each checks `permissions.can_enter_coverage(entered_by, region)` itself and raises
PermissionDenied, and raises ValidationError (Indonesian) for impossible values.

Each runs in its own transaction and, when the write moves a regency's numbers, schedules that
regency's recompute after commit (reports.triggers.coverage_changed); a province's entry rewrites
the province's snapshot row after commit (coverage.recompute_provinces).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from common import events
from common.events import ChangeKind
from common.formatting import format_date, format_number, parse_percent
from villages.models import Province, Regency, Subdistrict, Village
from villages.selectors import regency_of

from .coverage import coverage_today, recompute_provinces
from .models import CoverageTarget, OfficialFigure, VillageDenominator
from .permissions import can_enter_coverage

FIRST_YEAR = 2015  # BPJS Ketenagakerjaan started under that name in 2014; UCJ figures come later
LAST_YEAR_AHEAD = 1  # a target may be entered for next year, not beyond


def _check_permission(user, region) -> None:
    if not can_enter_coverage(user, region):
        raise PermissionDenied(f"Anda tidak berwenang mengisi data cakupan untuk {region.name}.")


def _check_year(year: int) -> None:
    last = coverage_today().year + LAST_YEAR_AHEAD
    if not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        raise ValidationError(f"Tahun {year} tidak valid: isi tahun antara {FIRST_YEAR} dan {last}.")


def _whole_number(value, label: str, *, positive: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{label} harus bilangan bulat.")
    if positive and value <= 0:
        raise ValidationError(f"{label} harus lebih dari 0.")
    if value < 0:
        raise ValidationError(f"{label} tidak boleh negatif.")
    return value


def _region_keys(region, allowed: tuple[type, ...]) -> dict:
    if not isinstance(region, allowed):
        names = ", ".join(str(kind._meta.verbose_name) for kind in allowed)
        raise ValidationError(f"Wilayah harus salah satu dari: {names}.")
    field = {Province: "province", Regency: "regency", Subdistrict: "subdistrict"}[type(region)]
    return {field: region}


def _schedule_recompute(region) -> None:
    """After commit, the regency whose numbers moved is recomputed (announced after commit;
    reports.triggers listens). A province's own entry moves only the province's row: it is
    rewritten after commit, here (a few queries, rare: the system administrator's entry)."""
    if isinstance(region, Province):
        transaction.on_commit(lambda: recompute_provinces([region.pk]))
        return
    events.announce_on_commit(ChangeKind.COVERAGE_INPUT, regency_of(region).pk)


def _entry_save(model, *, keys: dict, values: dict, entered_by, region):
    """Replaces the entry with `keys` (its row locked until commit) or creates it, records who
    entered it (also as the history's author), and schedules the region's recompute. The three
    setters below call it once they have checked the permission and the values."""
    entry = model.objects.select_for_update().filter(**keys).first() or model(**keys)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.entered_by = entered_by
    entry._history_user = entered_by  # the history row's author, also from a command (no request)
    entry.save()
    _schedule_recompute(region)
    return entry


@transaction.atomic
def coverage_target_set(*, region: Regency | Province, year: int, target_percent, working_population: int,
                        population_source: str, entered_by) -> CoverageTarget:
    """Sets the year's UCJ target of a regency or province and the working population it is
    measured against (e.g. "BPS Sakernas Agustus 2024"); replaces an earlier entry for that year.

    Who: `can_enter_coverage` (regency admin or approver of the regency; system administrator; a
    province: system administrator). Returns the target. Side effect: the regency's recompute is
    scheduled after commit.
    """
    keys = _region_keys(region, (Regency, Province))
    _check_permission(entered_by, region)
    _check_year(year)
    target = parse_percent(target_percent, label="Target UCJ")
    population = _whole_number(working_population, "Jumlah penduduk bekerja", positive=True)
    return _entry_save(CoverageTarget, keys={**keys, "year": year}, values={
        "target_percent": target, "working_population": population,
        "population_source": population_source.strip()[:200],
    }, entered_by=entered_by, region=region)


@transaction.atomic
def official_figure_record(*, region: Regency | Province | Subdistrict, as_of: dt.date, active_pu: int = 0,
                           active_bpu: int = 0, active_jakon: int = 0, active_pmi: int = 0, denominator: int,
                           published_percent=None, source_document: str = "", entered_by) -> OfficialFigure:
    """Records an official UCJ figure as BPJS reports it for a province, regency or subdistrict on
    `as_of`; a second entry for the same region and date replaces the first (a corrected report).
    The published % is kept as printed: BPJS adjusts its denominator, so it is not checked against
    numerator ÷ denominator.

    Who: `can_enter_coverage`. Returns the figure. Side effect: the regency's recompute is
    scheduled after commit (for a subdistrict, its regency's).
    """
    keys = _region_keys(region, (Regency, Province, Subdistrict))
    _check_permission(entered_by, region)
    if not isinstance(as_of, dt.date):
        raise ValidationError("Tanggal angka resmi harus diisi.")
    if as_of > coverage_today():
        raise ValidationError(f"Tanggal angka resmi ({format_date(as_of)}) tidak boleh di masa depan.")
    if as_of.year < FIRST_YEAR:
        raise ValidationError(f"Tanggal angka resmi ({format_date(as_of)}) terlalu lama: paling awal {FIRST_YEAR}.")
    segments = {
        "active_pu": _whole_number(active_pu, "Peserta aktif PU", positive=False),
        "active_bpu": _whole_number(active_bpu, "Peserta aktif BPU", positive=False),
        "active_jakon": _whole_number(active_jakon, "Peserta aktif Jakon", positive=False),
        "active_pmi": _whole_number(active_pmi, "Peserta aktif PMI", positive=False),
    }
    denominator = _whole_number(denominator, "Jumlah penduduk bekerja (penyebut)", positive=True)
    if sum(segments.values()) > denominator:
        raise ValidationError(
            f"Jumlah peserta aktif ({format_number(sum(segments.values()))}) melebihi penduduk bekerja "
            f"({format_number(denominator)}): periksa kembali angkanya."
        )
    published = (None if published_percent in (None, "")
                 else parse_percent(published_percent, label="UCJ yang dipublikasikan"))
    return _entry_save(OfficialFigure, keys={**keys, "as_of": as_of}, values={
        **segments, "denominator": denominator, "published_percent": published,
        "source_document": source_document.strip()[:200],
    }, entered_by=entered_by, region=region)


@transaction.atomic
def village_denominator_set(*, village: Village, year: int, working_residents: int, source: str = "",
                            entered_by) -> VillageDenominator:
    """Sets a village's working residents for a year (the denominator of its own UCJ); replaces an
    earlier entry for that year.

    Who: `can_enter_coverage` for the village's regency. Returns the row. Side effect: the regency's
    recompute is scheduled after commit.
    """
    if not isinstance(village, Village):
        raise ValidationError("Wilayah harus desa/kelurahan.")
    _check_permission(entered_by, village)
    _check_year(year)
    residents = _whole_number(working_residents, "Jumlah penduduk bekerja desa", positive=True)
    return _entry_save(VillageDenominator, keys={"village": village, "year": year}, values={
        "working_residents": residents, "source": source.strip()[:200],
    }, entered_by=entered_by, region=village)
