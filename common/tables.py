"""Workbooks built from plain rows: pure functions, no database. The pages (submission tracking,
the auditor's event export) pass rows they already scoped with a `*_for_user` selector.

Also what every export of the project shares: the formula rule (`looks_like_formula`),
formula-safe text cells (`safe_text`, `text_cell`), a column of an export (`ExportColumn`: the BPJS
registration file, the nominative list, the coverage recap) and its typed openpyxl cell
(`typed_cell`: the BPJS registration file), and a nominee's address line (`address_line`,
`address_text`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .workbooks import DATE, TEXT

DATE_FORMAT = DATE  # the same date format as the upload templates (xlsx.DATE)
NUMBER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"
# Text starting with one of these is read by Excel as a formula once someone edits the cell
# (formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    """Whether Excel would take the text `value` for a formula once someone edits its cell: the
    one rule of every export's quote prefix (here for openpyxl cells, common.xlsx_stream for the
    streamed exports)."""
    return value.startswith(FORMULA_STARTS)


def safe_text(cell: Cell, value: str) -> Cell:
    """Puts text a person typed into `cell` (of any sheet) so that the cell holds exactly that text
    and Excel shows it and never evaluates it. Returns the cell.

    No character is added: a branch imports the value as it stands, so an apostrophe in front
    would reach BPJS as part of a name or a phone number. Instead the cell is a string cell
    (openpyxl would otherwise store text starting with "=" as a formula, and "#N/A" as an error)
    and, for text that starts like a formula, carries the quote-prefix flag (the flag Excel sets
    itself when someone types an apostrophe before "=…", without keeping the apostrophe), so the
    text stays text even after the cell is edited."""
    cell.value = value
    cell.data_type = "s"
    if looks_like_formula(value):
        cell.quotePrefix = True
    return cell


def text_cell(sheet, value: str) -> WriteOnlyCell:
    """A cell of a write-only `sheet` holding the typed text `value` (safe_text)."""
    return safe_text(WriteOnlyCell(sheet), value)


@dataclass(frozen=True)
class ExportColumn:
    """A column of a write-only export: the row key it reads, its header, its width, and its kind:
    "text" (what a person typed, formula-safe), "identifier" (digits that must stay text: Excel
    keeps 15 significant digits, so a numeric NIK cell has lost its last digit, and a phone or KPJ
    number its leading zeros), "date", "number" or "percent" (two places)."""

    key: str
    header: str
    width: int
    kind: str = "text"


def typed_cell(sheet, column: ExportColumn, value) -> WriteOnlyCell:
    """`value` as a cell of `column`'s kind: text cells formula-safe and text-formatted, dates as
    dates, numbers as numbers. Empty values are empty cells."""
    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if column.kind in ("text", "identifier"):
        cell = text_cell(sheet, str(value))
        cell.number_format = TEXT
    elif column.kind == "date":
        cell = WriteOnlyCell(sheet, value=value.date() if isinstance(value, dt.datetime) else value)
        cell.number_format = DATE_FORMAT
    elif column.kind == "percent":
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = PERCENT_FORMAT
    else:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMAT
    return cell


def address_line(nominee) -> str:
    """"Jalan Desa No. 1 RT 001/RW 002": the address with its RT and RW, as the forms print it."""
    return address_text(nominee.address, nominee.rt, nominee.rw)


def address_text(address: str, rt: str, rw: str) -> str:
    """`address_line` from the three values (an export reading plain values)."""
    rt_rw = f"RT {rt}" + (f"/RW {rw}" if rw else "")
    return f"{address} {rt_rw}".strip()


def table_workbook(*, sheet_title: str, heading: Sequence[str], headers: Sequence[str],
                   rows: Iterable[Sequence], widths: Sequence[int] | None = None) -> bytes:
    """One sheet: heading lines (the first bold), a bold header row, then the rows. Strings are
    text cells (formula-safe), dates are date cells, numbers stay numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    for line in heading:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        row = list(row)
        sheet.append(row)
        for cell, value in zip(sheet[sheet.max_row], row):
            if isinstance(value, str):
                safe_text(cell, value)
                cell.number_format = TEXT
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "dd-mm-yyyy hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
    for index, width in enumerate(widths or [18] * len(headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
