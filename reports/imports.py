"""Importing official UCJ figures from the branch's spreadsheet: preview (no writes), then apply
(the officer confirmed) through services.official_figure_record, all rows in one transaction.

Between preview and confirmation the rows wait in the session, not in a file. The nominee import
keeps its upload under MEDIA_ROOT/imports/ because those rows are personal data that must not sit
in the session table and can run to a thousand rows; here the rows are published statistics per
region (counts, a date, a percentage, a document name), a file holds at most excel.MAX_ROWS of them,
and nothing in them is personal. So the preview stores the rows as read (plain JSON values) under a
random token in the session (views.py), there is no file on disk to purge, and confirming
checks the rows again against the database (a figure typed in by hand meanwhile, a region retired)
before writing.

Re-importing the same file changes nothing: a row equal to the figure already stored for its region
and date is reported UNCHANGED and not written; a row for a stored region and date with other
numbers updates it (official_figure_record upserts on region and date).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.formatting import format_date, format_number
from common.row_imports import ERROR, NEW, OK, UNCHANGED, UPDATE, RowsReport
from villages.models import Province, Regency, Subdistrict, Village

from . import excel
from .models import OfficialFigure
from .permissions import can_enter_coverage

ACTION_LABELS = {NEW: "baru", UPDATE: "memperbarui angka tersimpan", UNCHANGED: "sama dengan yang tersimpan"}
ROW_COLUMN = "Baris"
FIGURE_FIELDS = ("active_pu", "active_bpu", "active_jakon", "active_pmi", "denominator", "published_percent",
                 "source_document")


class ImportRefused(Exception):
    """The service refused a row on confirmation; the whole import was rolled back."""

    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row, self.message = row, message


@dataclass
class RowOutcome:
    row: int
    values: dict
    status: str = OK
    action: str = ""
    region: Regency | Subdistrict | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def is_valid(self) -> bool:
        return self.status == OK

    @property
    def region_label(self) -> str:
        if self.region is None:
            return self.values.get("code") or "—"
        prefix = "Kec. " if isinstance(self.region, Subdistrict) else ""
        return f"{prefix}{self.region.name} ({self.region.code})"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "")

    @property
    def numerator(self) -> int:
        return sum(self.values.get(name) or 0 for name in ("active_pu", "active_bpu", "active_jakon", "active_pmi"))

    def as_dict(self) -> dict:
        return {"row": self.row, "status": self.status, "action": self.action,
                "errors": [f"{column}: {message}" for column, message in self.errors]}


class ImportReport(RowsReport):
    rows: list[RowOutcome]

    @property
    def valid_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.is_valid]

    @property
    def changes(self) -> int:
        return self.count(action=NEW) + self.count(action=UPDATE)


# --- Rows between preview and confirmation ---------------------------------------------------

def rows_to_json(rows: list[excel.SheetRow]) -> list[dict]:
    """The rows as read, in values the session's JSON serializer keeps."""
    return [{"number": row.number, "problems": [list(problem) for problem in row.problems],
             "values": {name: _to_json(value) for name, value in row.values.items()}} for row in rows]


def rows_from_json(data: list[dict]) -> list[excel.SheetRow]:
    return [excel.SheetRow(number=item["number"], problems=[tuple(problem) for problem in item["problems"]],
                           values={name: _from_json(name, value) for name, value in item["values"].items()})
            for item in data]


def _to_json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_json(name: str, value):
    if value is None:
        return None
    if name == "as_of":
        return dt.date.fromisoformat(value)
    if name == "published_percent":
        return Decimal(value)
    return value


# --- Preview and apply ----------------------------------------------------------------------

def import_preview(*, rows: list[excel.SheetRow], regency: Regency, today: dt.date | None = None) -> ImportReport:
    """Checks every row against the regency and the figures already stored; writes nothing.
    Four queries whatever the number of rows (regencies, subdistricts, villages and provinces named
    by the file's codes, and the regency's stored figures)."""
    today = today or timezone.localdate()
    codes = {row.values.get("code") for row in rows if row.values.get("code")}
    regencies = {region.code: region for region in Regency.objects.filter(code__in=codes)}
    subdistricts = {region.code: region for region in
                    Subdistrict.objects.filter(code__in=codes).select_related("regency")}
    villages = {region.code: region for region in
                Village.objects.filter(code__in=codes).select_related("subdistrict__regency")}
    provinces = {region.code: region for region in Province.objects.filter(code__in=codes)}
    stored = _stored_figures(regency)

    outcomes = []
    for row in rows:
        outcome = RowOutcome(row=row.number, values=dict(row.values), errors=list(row.problems))
        _check_region(outcome, regency=regency, regencies=regencies, subdistricts=subdistricts, villages=villages,
                      provinces=provinces)
        _check_values(outcome, today=today)
        outcomes.append(outcome)
    _flag_repeats(outcomes)
    for outcome in outcomes:
        if outcome.errors:
            outcome.status = ERROR
        else:
            outcome.action = _action(outcome, stored)
    return ImportReport(rows=outcomes)


def import_apply(*, rows: list[excel.SheetRow], regency: Regency, entered_by,
                 today: dt.date | None = None) -> ImportReport:
    """Checks the rows again and records the new and changed ones through
    services.official_figure_record, in file order, in one transaction: if the service refuses one,
    nothing is saved (ImportRefused names the row). Rows with errors and unchanged rows are skipped.
    Only `can_enter_coverage` users may call it (PermissionDenied)."""
    if not can_enter_coverage(entered_by, regency):
        raise PermissionDenied
    from .services import official_figure_record

    report = import_preview(rows=rows, regency=regency, today=today)
    with transaction.atomic():
        for outcome in report.valid_rows:
            if outcome.action == UNCHANGED:
                continue
            values = outcome.values
            try:
                official_figure_record(
                    region=outcome.region, as_of=values["as_of"], active_pu=values["active_pu"] or 0,
                    active_bpu=values["active_bpu"] or 0, active_jakon=values["active_jakon"] or 0,
                    active_pmi=values["active_pmi"] or 0, denominator=values["denominator"],
                    published_percent=values["published_percent"], source_document=values["source_document"] or "",
                    entered_by=entered_by,
                )
            except ValidationError as error:
                raise ImportRefused(outcome.row, " ".join(error.messages)) from None
    return report


def _stored_figures(regency: Regency) -> dict[tuple[str, dt.date], dict]:
    figures = OfficialFigure.objects.filter(Q(regency=regency) | Q(subdistrict__regency=regency)).values(
        "regency__code", "subdistrict__code", "as_of", *FIGURE_FIELDS)
    return {(figure["subdistrict__code"] or figure["regency__code"], figure["as_of"]): figure for figure in figures}


def _check_region(outcome: RowOutcome, *, regency, regencies, subdistricts, villages, provinces) -> None:
    code = outcome.values.get("code")
    column = excel.HEADER_BY_FIELD["code"]
    if any(problem_column == column for problem_column, _ in outcome.errors):
        return
    if not code:
        outcome.errors.append((column, "Kode wilayah kosong."))
    elif code in subdistricts:
        subdistrict = subdistricts[code]
        if subdistrict.regency_id == regency.pk:
            outcome.region = subdistrict
        else:
            outcome.errors.append((column, f"Kode wilayah {code} (Kecamatan {subdistrict.name}, "
                                           f"{subdistrict.regency.name}) bukan wilayah {regency.name}."))
    elif code in regencies:
        if code == regency.code:
            outcome.region = regencies[code]
        else:
            outcome.errors.append((column, f"Kode wilayah {code} ({regencies[code].name}) bukan wilayah "
                                           f"{regency.name}."))
    elif code in villages:
        village = villages[code]
        if village.subdistrict.regency_id == regency.pk:
            outcome.errors.append((column, f"Kode wilayah {code} adalah {village.get_kind_display()} {village.name}; "
                                           "angka resmi BPJS hanya untuk kabupaten/kota atau kecamatan. Penduduk "
                                           "bekerja desa diisi di halaman kecamatan."))
        else:
            outcome.errors.append((column, f"Kode wilayah {code} ({village.get_kind_display()} {village.name}) "
                                           f"bukan wilayah {regency.name}."))
    elif code in provinces:
        outcome.errors.append((column, f"Kode wilayah {code} adalah Provinsi {provinces[code].name}; berkas ini "
                                       f"hanya untuk {regency.name} dan kecamatannya."))
    else:
        outcome.errors.append((column, f"Kode wilayah {code} tidak dikenal. Lihat daftar kode di lembar Petunjuk."))


def _check_values(outcome: RowOutcome, *, today: dt.date) -> None:
    values, failed = outcome.values, {column for column, _ in outcome.errors}
    as_of_column = excel.HEADER_BY_FIELD["as_of"]
    if as_of_column not in failed:
        if values.get("as_of") is None:
            outcome.errors.append((as_of_column, "Per tanggal kosong."))
        elif values["as_of"] > today:
            outcome.errors.append((as_of_column, f"Per tanggal {format_date(values['as_of'])} sesudah hari ini."))
    denominator_column = excel.HEADER_BY_FIELD["denominator"]
    if denominator_column not in failed:
        if values.get("denominator") is None:
            outcome.errors.append((denominator_column, "Penduduk bekerja kosong; angka resmi tanpa penyebut tidak "
                                                       "bisa dipakai."))
        elif values["denominator"] == 0:
            outcome.errors.append((denominator_column, "Penduduk bekerja harus lebih dari 0."))
        elif outcome.numerator > values["denominator"]:
            # The service refuses it too; said here, per row, the officer sees it before confirming.
            outcome.errors.append((ROW_COLUMN, f"Jumlah peserta aktif ({format_number(outcome.numerator)}) melebihi "
                                               f"penduduk bekerja ({format_number(values['denominator'])})."))


def _flag_repeats(outcomes: list[RowOutcome]) -> None:
    """One region and date, one row: every row sharing them is refused, since the file cannot say
    which numbers are right."""
    rows_by_key: dict[tuple, list[RowOutcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.region is not None and outcome.values.get("as_of"):
            rows_by_key[(outcome.region.code, outcome.values["as_of"])].append(outcome)
    for (code, as_of), repeated in rows_by_key.items():
        if len(repeated) < 2:
            continue
        numbers = ", ".join(str(outcome.row) for outcome in repeated)
        for outcome in repeated:
            outcome.errors.append((ROW_COLUMN, f"Wilayah {code} per {format_date(as_of)} ada di baris {numbers}; "
                                               "sisakan satu baris."))


def _action(outcome: RowOutcome, stored: dict) -> str:
    figure = stored.get((outcome.region.code, outcome.values["as_of"]))
    if figure is None:
        return NEW
    incoming = {name: outcome.values.get(name) for name in FIGURE_FIELDS}
    for name in ("active_pu", "active_bpu", "active_jakon", "active_pmi"):
        incoming[name] = incoming[name] or 0
    incoming["source_document"] = incoming["source_document"] or ""
    return UNCHANGED if all(incoming[name] == figure[name] for name in FIGURE_FIELDS) else UPDATE


def template_bytes(regency: Regency) -> bytes:
    """The template with the regency's code and its subdistricts' listed in the Petunjuk sheet."""
    regions = [(regency.code, regency.name)] + [
        (code, f"Kecamatan {name}")
        for code, name in regency.subdistricts.filter(is_retired=False).order_by("code").values_list("code", "name")
    ]
    return excel.template_workbook(regions=regions)
