"""Importing nominees from a workbook: preview (no writes) and apply (the officer confirmed).

Two kinds of file, one path: a village officer's file for their own village (up to MAX_ROWS rows;
"Kode desa" may be empty) and the office's list for a whole regency (a DTSEN extract, another
office's list: up to REGENCY_MAX_ROWS rows, every row names its village in "Kode desa"; regency
admin, approver or system administrator). Every row is checked as NomineeForm checks a nominee
typed in by hand (checking.py, a set-based twin of the form), and the valid rows are saved together
by services.nominees_import, which holds the nomination window, the quota and the one-active-
nomination rule exactly as services.nominee_create does for one nominee. Warnings (sex or birth
date that disagree with the NIK, an old regency code, "mungkin orang yang sama" with an active
nomination or with an earlier row of the same file: registrations.lookalikes) are confirmed by
confirming the import after reading them in the preview. A village's preview can also complete
what its file lacks (OpenSID's files: the sex from the NIK, the occupation and the consent for
the whole file or per row, a missing KK): choices.py, kept beside the upload in imports/<token>-pilihan.json until confirmed.

Between preview and confirmation the uploaded file waits in storage, not in the session:
imports/<token>.xlsx (common.uploads), where <token> is random and unguessable. The session holds only the
token and the programme and village ids (views.py), never a NIK or a name. Applying deletes
the upload and leaves the rejected rows in imports/<token>-ditolak.xlsx for the officer to
download; everything in that folder older than settings.UPLOAD_MAX_AGE_HOURS is deleted by beat
every hour and at the next upload (common.uploads.purge). Re-uploading on confirm was the
alternative; on a village connection a second upload of the same file is the slow part, so we keep it instead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied

from registrations import services
from registrations.enums import DataSource
from registrations.identifiers import masked_typed_nik
from registrations.lookalikes import (
    LookalikeRow, in_file_warning, lookalike_keys, lookalike_places, lookalike_warning, lookalikes_in_file,
)
from registrations.models import OccupationCategory, Programme
from registrations.nik import strip_separators
from registrations.permissions import can_edit_village_list, can_import_nominees
from registrations.validation import active_nominations, duplicate_text
from villages.models import Village
from villages.selectors import normalise_village_code

from . import workbook as excel
from .checking import RowCheck, RowChecker
from .choices import CHOSEN_FIELDS, PER_ROW_LIMIT, SEXES, Filled, ImportChoices, fill_row, kk_missing

OK, WARNING, ERROR = "ok", "warning", "error"
SAVED, NOT_SAVED = "saved", "not_saved"
_ROW_COLUMN = "Baris"  # a problem with the row as a whole


class Problem(NamedTuple):
    """A (column, message) pair, as the official-figures import has them too: the preview pages
    share one template for the list (templates/registrations/includes_import_problems.html)."""

    column: str
    message: str

    def as_dict(self) -> dict:
        return {"column": self.column, "message": self.message}


@dataclass
class RowOutcome:
    row: int
    status: str  # OK, WARNING or ERROR; after apply, SAVED or NOT_SAVED for the rows that were valid
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # what the preview filled in (the sex from the NIK)
    values: dict[str, str] = field(default_factory=dict)  # as read (and filled), for the rejected-rows workbook
    kk_missing: bool = False  # the file gave no KK: the preview offers a box for it
    service_kwargs: dict | None = None  # what services.nominees_import takes, for valid rows
    village: Village | None = None  # where the row goes (its Kode desa, or the village of the upload)

    @property
    def full_name(self) -> str:
        return self.values.get("full_name", "")

    @property
    def nik_masked(self) -> str:
        return masked_typed_nik(self.values.get("nik", ""))

    @property
    def is_valid(self) -> bool:
        return self.status in (OK, WARNING, SAVED)

    def as_dict(self) -> dict:
        return {"row": self.row, "status": self.status, "errors": [p.as_dict() for p in self.errors],
                "warnings": [p.as_dict() for p in self.warnings]}


@dataclass
class ImportReport:
    kind: str  # excel.TEMPLATE or excel.OPENSID
    rows: list[RowOutcome]
    layout: str = excel.TEMPLATE  # excel.TEMPLATE, OPENSID_EXPORT or OPENSID_REPORT
    columns: frozenset[str] = frozenset()  # the fields the file has a column for
    choosing: bool = False  # the preview's choices were applied (the village's import)
    occupations: list[tuple[int, str]] = field(default_factory=list)  # the active categories, as checked

    @property
    def layout_name(self) -> str:
        return excel.LAYOUT_NAMES[self.layout]

    @property
    def offers_choices(self) -> bool:
        """Whether the preview shows the choices: the file lacks a column they fill, or a row lacks
        one of those values."""
        return self.choosing and (any(name not in self.columns for name in CHOSEN_FIELDS) or any(
            problem.column in _CHOSEN_HEADERS for row in self.rows for problem in row.errors))

    @property
    def per_row(self) -> bool:
        return len(self.rows) <= PER_ROW_LIMIT

    def count(self, *statuses: str) -> int:
        return sum(1 for row in self.rows if row.status in statuses)

    @property
    def valid_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.status in (OK, WARNING)]

    @property
    def rejected_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.status in (ERROR, NOT_SAVED)]

    @property
    def totals(self) -> dict[str, int]:
        return {"rows": len(self.rows), OK: self.count(OK), WARNING: self.count(WARNING), ERROR: self.count(ERROR),
                SAVED: self.count(SAVED), NOT_SAVED: self.count(NOT_SAVED)}

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rows": [row.as_dict() for row in self.rows], "totals": self.totals}


# --- Preview and apply ----------------------------------------------------------------------

def read_upload(content: bytes, *, regency_wide: bool) -> excel.SheetData:
    """The rows of an upload, within the limits of its kind (WorkbookError otherwise). A village's
    upload may also be OpenSID's participant report (HTML named .xls)."""
    if regency_wide:
        return excel.read_workbook(content, max_rows=excel.REGENCY_MAX_ROWS, max_bytes=excel.REGENCY_MAX_BYTES,
                                   max_unpacked_mb=excel.REGENCY_MAX_UNPACKED_MB)
    return excel.read_workbook(content, allow_html=True)


def import_preview(*, programme: Programme, village: Village | None = None, content: bytes | None = None,
                   sheet: excel.SheetData | None = None, choices: ImportChoices | None = None) -> ImportReport:
    """Reads and validates every row; writes nothing. With `village`, the file is that village's;
    without, it is a list for the programme's whole regency and each row's "Kode desa" says where
    it goes. With `choices` (the village's preview, choices.py), the rows are first completed with
    what the officer chose there and the sex the NIK gives. Raises excel.WorkbookError when the
    file as a whole cannot be used (wrong type, too large, missing columns, no data). A fixed
    number of queries, whatever the number of rows."""
    sheet = sheet or read_upload(content, regency_wide=village is None)
    categories = list(OccupationCategory.objects.filter(is_active=True).values_list("pk", "name"))
    checker = RowChecker(programme=programme, occupations={name.lower(): pk for pk, name in categories})
    villages = _Villages(programme=programme, village=village)
    names = dict(categories)
    checked = []
    for row in sheet.rows:
        fill = fill_row(row, choices, names) if choices is not None else None
        checked.append((row, fill, checker.check(fill.values if fill is not None else row.values)))
    active = active_nominations(check.nik_hash for _, _, check in checked if check.nik_hash)
    lookalike_rows = _lookalike_rows([check for _, _, check in checked])
    alike = lookalike_places(lookalike_rows)
    earlier_alike = lookalikes_in_file(lookalike_rows)
    outcomes = []
    for (row, fill, check), others, earlier in zip(checked, alike, earlier_alike, strict=True):
        target, village_problem = villages.place(row.values.get(excel.VILLAGE_FIELD, ""))
        other = active.get(check.nik_hash) if check.nik_hash else None
        if other is not None:
            check.errors["nik"] = [duplicate_text(other, village_id=target.pk if target else None,
                                                  regency_id=programme.regency_id)]
        outcome = _outcome(row, check, sheet=sheet, categories=categories, village=target,
                           village_problem=village_problem, fill=fill)
        if others and outcome.status != ERROR:
            outcome.warnings.append(Problem(_ROW_COLUMN, lookalike_warning(
                others, village_id=target.pk if target else None, regency_id=programme.regency_id)))
            outcome.status = WARNING
        if earlier and outcome.status != ERROR:
            outcome.warnings.append(Problem(_ROW_COLUMN, in_file_warning(
                [checked[position][0].number for position in earlier])))
            outcome.status = WARNING
        outcomes.append(outcome)
    _flag_repeated_niks(outcomes)
    return ImportReport(kind=sheet.kind, rows=outcomes, layout=sheet.layout, columns=sheet.columns,
                        choosing=choices is not None, occupations=categories)


def import_apply(*, programme: Programme, created_by, village: Village | None = None, content: bytes | None = None,
                 sheet: excel.SheetData | None = None, today: dt.date | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 choices: ImportChoices | None = None) -> ImportReport:
    """Validates the file again (the lists may have changed since the preview) and saves the valid
    rows together, in file order, through services.nominees_import. A row it refuses (quota full,
    window closed, the NIK saved elsewhere meanwhile) is reported NOT_SAVED with its message.
    `choices`: what the officer settled in the preview (as import_preview takes them); a consent
    chosen there is recorded as the officer's, at the moment of saving, as the form records it.
    A village's file: only the village's own officer (PermissionDenied); a regency-wide file: the
    regency's admin or approver, or the system administrator."""
    allowed = (can_edit_village_list(created_by, village) if village is not None
               else can_import_nominees(created_by, programme.regency))
    if not allowed:
        raise PermissionDenied
    report = import_preview(content=content, sheet=sheet, programme=programme, village=village, choices=choices)
    valid = report.valid_rows
    results = services.nominees_import(programme=programme, created_by=created_by, today=today, progress=progress,
                                       rows=[(outcome.village, outcome.service_kwargs) for outcome in valid])
    for outcome, result in zip(valid, results, strict=True):
        if isinstance(result, str):
            outcome.status = NOT_SAVED
            outcome.errors.append(Problem(_ROW_COLUMN, result))
        else:
            outcome.status = SAVED
    return report


def rejected_rows_workbook(report: ImportReport) -> bytes:
    """The rows with errors (and, after apply, those not saved) with an "Alasan" column."""
    rows = report.rejected_rows
    return excel.rejected_workbook(
        rows=[excel.display_values(row.values) for row in rows],
        reasons=[_reason(row) for row in rows],
        occupations=active_occupation_names(), data_sources=data_source_labels(),
    )


def template_bytes() -> bytes:
    return excel.template_workbook(occupations=active_occupation_names(), data_sources=data_source_labels())


def active_occupation_names() -> list[str]:
    return list(OccupationCategory.objects.filter(is_active=True).values_list("name", flat=True))


def data_source_labels() -> list[str]:
    return [str(label) for label in DataSource.labels]


def _reason(row: RowOutcome) -> str:
    return f"Baris {row.row}: " + "; ".join(f"{p.column}: {p.message}" if p.column != _ROW_COLUMN else p.message
                                            for p in row.errors)


class _Villages:
    """Where each row goes: the upload's village, or the village its "Kode desa" names in the
    programme's regency (read once)."""

    def __init__(self, *, programme: Programme, village: Village | None):
        self.village, self.regency = village, programme.regency
        self.placed: dict[str, tuple[Village | None, str | None]] = {}
        self.by_code = {} if village is not None else {
            v.code: v for v in Village.objects.filter(subdistrict__regency_id=programme.regency_id, is_retired=False)
            .select_related("subdistrict")}

    def place(self, typed: str) -> tuple[Village | None, str | None]:
        # A regency's file of 100,000 rows names a few hundred villages: each code is read once.
        if typed not in self.placed:
            self.placed[typed] = self._place(typed)
        return self.placed[typed]

    def _place(self, typed: str) -> tuple[Village | None, str | None]:
        typed = typed.strip()
        code = normalise_village_code(typed) if typed else None
        if self.village is not None:
            if typed and code != self.village.code:
                return self.village, (f"Kode desa {typed} bukan kode {self.village.name} ({self.village.code}); "
                                      "berkas ini diunggah untuk desa/kelurahan itu.")
            return self.village, None
        if not typed:
            return None, ("Isi Kode desa: berkas untuk seluruh kabupaten/kota harus menyebut desa/kelurahan "
                          "setiap baris.")
        village = self.by_code.get(code)
        if village is None:
            return None, f"Kode desa {typed} bukan desa/kelurahan di {self.regency.name}."
        return village, None


def _outcome(row: excel.SheetRow, check: RowCheck, *, sheet: excel.SheetData, categories: list[tuple[int, str]],
             village: Village | None, village_problem: str | None, fill: Filled | None = None) -> RowOutcome:
    """The row's outcome in the preview's words: the reader's problems, then the form's errors by
    column (in the form's order), then the village. With `fill` (the preview's choices applied), a
    value still missing that the preview can fill says where to choose it."""
    values = fill.values if fill is not None else row.values
    outcome = RowOutcome(row=row.number, status=OK, values=dict(values), village=village,
                         kk_missing=fill is not None and kk_missing(row))
    for problem in row.problems:
        outcome.errors.append(Problem(excel.HEADERS[problem.field], problem.message))
    refused = {problem.field for problem in row.problems}
    occupation_name = values.get("occupation", "").strip()
    for name, messages in check.errors.items():
        if name in refused or not messages:
            continue  # the reader's explanation ("stored as a number") says more than "required"
        column = excel.HEADERS.get(name, _ROW_COLUMN)
        if name == "occupation" and occupation_name and "occupation" not in check.cleaned:
            messages = [f"Pekerjaan \"{occupation_name}\" tidak ada di daftar. Pilih salah satu: "
                        f"{', '.join(name for _, name in categories)}."]
        elif fill is not None and name in CHOSEN_FIELDS and not values.get(name, "").strip():
            messages = [_choose_message(name, sheet)]
        elif name in excel.HEADERS and name not in sheet.columns:
            messages = [f"Kolom {column} tidak ada di berkas {_source_name(sheet)}; isi di berkas perbaikan."]
        for message in messages:
            outcome.errors.append(Problem(column, str(message)))
    if fill is not None and fill.sex_from_nik and "sex" not in check.errors:
        outcome.notes.append(Problem(excel.HEADERS["sex"], f"Diisi dari NIK: {SEXES[fill.sex_from_nik]}. "
                                     "Cocokkan dengan KTP; bila berbeda, ubah di baris ini."))
    if village_problem:
        outcome.errors.append(Problem(excel.HEADERS[excel.VILLAGE_FIELD], village_problem))
    for issue in check.warnings:
        outcome.warnings.append(Problem(excel.HEADERS.get(issue.field, _ROW_COLUMN), issue.message))
    if outcome.errors:
        outcome.status = ERROR
    else:
        outcome.status = WARNING if outcome.warnings else OK
        outcome.service_kwargs = check.service_kwargs()
    return outcome


def _lookalike_rows(checks: list[RowCheck]) -> list[LookalikeRow]:
    """Per row, what registrations.lookalikes compares: against the active nominations
    (lookalike_places, one query for the whole file) and against the file's earlier rows
    (lookalikes_in_file, in memory). Rows without a sound NIK, name or birth date are not asked."""
    rows = []
    for check in checks:
        name, birth_date = check.cleaned.get("full_name"), check.cleaned.get("birth_date")
        if check.nik_hash and name and birth_date:
            key, mother = lookalike_keys(name, check.cleaned.get("mother_maiden_name") or "")
            rows.append(LookalikeRow(check.nik_hash, key, birth_date, mother))
        else:
            rows.append(LookalikeRow("", "", None, ""))
    return rows


def _source_name(sheet: excel.SheetData) -> str:
    return {excel.OPENSID_EXPORT: "ekspor OpenSID", excel.OPENSID_REPORT: "laporan OpenSID"}.get(sheet.layout, "ini")


_CHOSEN_HEADERS = frozenset(excel.HEADERS[name] for name in CHOSEN_FIELDS)


def _choose_message(name: str, sheet: excel.SheetData) -> str:
    """What to do about a value the preview can fill and that is still missing."""
    if name == "occupation":
        return "Belum dipilih. Pilih pekerjaan untuk semua baris di atas tabel, atau di baris ini."
    if name == "consent":
        return ("Persetujuan calon peserta belum dicatat. Bila calon sudah setuju, centang persetujuan untuk semua "
                "baris di atas tabel, atau pilih \"Sudah setuju\" di baris ini.")
    if name == "sex":
        return "NIK tidak bisa dibaca untuk jenis kelamin. Pilih jenis kelamin di baris ini sesuai KTP."
    # No. KK: required as on the form (a nominee's KK is checked and kept; nik.check_kk).
    if sheet.layout == excel.OPENSID_EXPORT and "kk" not in sheet.columns:
        return ("Ekspor OpenSID untuk program perorangan tidak memuat No. KK, dan No. KK wajib seperti di formulir. "
                "Ketik No. KK di baris ini, atau unggah laporan dari tombol Unduh di daftar peserta OpenSID: "
                "laporan itu memuat No. KK.")
    return "No. KK wajib seperti di formulir. Ketik No. KK (16 digit sesuai kartu keluarga) di baris ini."


def _flag_repeated_niks(outcomes: list[RowOutcome]) -> None:
    """One person, one row: every row sharing a NIK is refused, since the file cannot tell which
    of them is right."""
    rows_by_nik: dict[str, list[RowOutcome]] = defaultdict(list)
    for outcome in outcomes:
        nik = strip_separators(outcome.values.get("nik", ""))
        if nik:
            rows_by_nik[nik].append(outcome)
    for repeated in rows_by_nik.values():
        if len(repeated) < 2:
            continue
        numbers = ", ".join(str(outcome.row) for outcome in repeated)
        for outcome in repeated:
            outcome.errors.append(Problem(excel.HEADERS["nik"], f"NIK yang sama ada di baris {numbers} berkas ini. "
                                          "Satu orang hanya boleh diusulkan sekali; hapus baris yang salah."))
            outcome.status, outcome.service_kwargs = ERROR, None
