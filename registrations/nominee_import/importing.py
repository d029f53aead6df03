"""Importing nominees from a workbook: preview (no writes) and apply (the officer confirmed).

Every row is bound to NomineeForm, the same validation path as the village page, and saved through
services.nominee_create, so the quota, the nomination window, permissions and the one-active-
nomination rule hold exactly as for a nominee typed in by hand. Warnings (sex or birth date that
disagree with the NIK, an old regency code) are confirmed by the officer confirming the import after
reading them in the preview.

Between preview and confirmation the uploaded file waits in storage, not in the session:
imports/<token>.xlsx (common.uploads), where <token> is random and unguessable. The session holds only the
token and the programme and village ids (views.py), never a NIK or a name. Applying deletes
the upload and leaves the rejected rows in imports/<token>-ditolak.xlsx for the officer to
download; everything in that folder older than settings.UPLOAD_MAX_AGE_HOURS is deleted by beat
every hour and at the next upload (common.uploads.purge). Re-uploading on confirm was the alternative; on a village connection a
second upload of the same file is the slow part, so we keep it instead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError

from common.events import collected
from registrations import services
from registrations.enums import DataSource
from registrations.forms import NomineeForm
from registrations.identifiers import masked_typed_nik
from registrations.models import OccupationCategory, Programme
from registrations.nik import strip_separators
from registrations.permissions import can_edit_village_list
from villages.models import Village

from . import workbook as excel

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
    values: dict[str, str] = field(default_factory=dict)  # as read, for the rejected-rows workbook
    service_kwargs: dict | None = None  # what nominee_create takes, for valid rows

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

def import_preview(*, content: bytes, programme: Programme, village: Village,
                   sheet: excel.SheetData | None = None) -> ImportReport:
    """Reads and validates every row; writes nothing. Raises excel.WorkbookError when the file
    as a whole cannot be used (wrong type, too large, missing columns, no data)."""
    sheet = sheet or excel.read_workbook(content)
    categories = list(OccupationCategory.objects.filter(is_active=True).values_list("pk", "name"))
    outcomes = [_check_row(row, sheet=sheet, programme=programme, village=village, categories=categories)
                for row in sheet.rows]
    _flag_repeated_niks(outcomes)
    return ImportReport(kind=sheet.kind, rows=outcomes)


def import_apply(*, content: bytes, programme: Programme, village: Village, created_by,
                 today: dt.date | None = None) -> ImportReport:
    """Validates the file again (the list may have changed since the preview) and saves the valid
    rows one by one through services.nominee_create, in file order. A row the service refuses (quota
    full, window closed, the NIK saved elsewhere meanwhile) is reported NOT_SAVED with its message;
    the rows before it stay saved. Only the village's own officer may call it (PermissionDenied)."""
    if not can_edit_village_list(created_by, village):
        raise PermissionDenied
    report = import_preview(content=content, programme=programme, village=village)
    with collected():  # the whole file moves the coverage figures once
        for outcome in report.valid_rows:
            try:
                services.nominee_create(programme=programme, village=village, created_by=created_by, today=today,
                                        **outcome.service_kwargs)
            except ValidationError as error:
                outcome.status = NOT_SAVED
                outcome.errors.append(Problem(_ROW_COLUMN, " ".join(error.messages)))
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


def _check_row(row: excel.SheetRow, *, sheet: excel.SheetData, programme: Programme, village: Village,
               categories: list[tuple[int, str]]) -> RowOutcome:
    outcome = RowOutcome(row=row.number, status=OK, values=dict(row.values))
    data = {name: row.values.get(name, "") for name in NomineeForm.Meta.fields}
    data["consent"] = row.values.get("consent", "")
    data["confirm_warnings"] = "on"  # the officer confirms the warnings by confirming the import
    data["data_source"] = _data_source(data["data_source"])
    occupation_name = data["occupation"].strip()
    occupations = {name.lower(): pk for pk, name in categories}
    data["occupation"] = occupations.get(occupation_name.lower(), "") if occupation_name else ""

    form = NomineeForm(data=data, programme=programme, village=village)
    form.is_valid()
    for problem in row.problems:
        outcome.errors.append(Problem(excel.HEADERS[problem.field], problem.message))
    refused = {problem.field for problem in row.problems}
    for name, messages in form.errors.items():
        if name in refused:
            continue  # the reader's explanation ("stored as a number") says more than "required"
        column = excel.HEADERS.get(name, _ROW_COLUMN)
        if name == "occupation" and occupation_name and not data["occupation"]:
            messages = [f"Pekerjaan \"{occupation_name}\" tidak ada di daftar. Pilih salah satu: "
                        f"{', '.join(name for _, name in categories)}."]
        elif name in excel.HEADERS and name not in sheet.columns:
            messages = [f"Kolom {column} tidak ada di berkas {_source_name(sheet)}; isi di berkas perbaikan."]
        for message in messages:
            outcome.errors.append(Problem(column, str(message)))
    for issue in form.warnings:
        outcome.warnings.append(Problem(excel.HEADERS.get(issue.field, _ROW_COLUMN), issue.message))
    if outcome.errors:
        outcome.status = ERROR
    else:
        outcome.status = WARNING if outcome.warnings else OK
        outcome.service_kwargs = form.service_kwargs()
    return outcome


def _source_name(sheet: excel.SheetData) -> str:
    return "ekspor OpenSID" if sheet.kind == excel.OPENSID else "ini"


def _data_source(text: str) -> str:
    """"DTSEN", "dtks", "Usulan desa" → the stored value; blank → usulan desa, the model's default."""
    cleaned = text.strip().lower()
    if not cleaned:
        return DataSource.VILLAGE
    for value, label in DataSource.choices:
        if cleaned in (value, str(label).lower()):
            return value
    return text  # the form says it is not a valid choice


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
