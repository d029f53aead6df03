"""Workbooks built from plain rows: pure functions, no database. The pages (submission tracking,
the auditor's event export) pass rows they already scoped with a `*_for_user` selector."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

TEXT = "@"
# A cell starting with one of these would be read by Excel as a formula (CSV/formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text a person typed, written so Excel shows it and never evaluates it."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


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
        sheet.append([safe_text(v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.number_format = TEXT
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "dd-mm-yyyy hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "dd-mm-yyyy"
    for index, width in enumerate(widths or [18] * len(headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
