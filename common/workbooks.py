"""What every upload workbook of the portal does the same way: the template's data sheet (shaded
header row, widths, text and date columns) and its "Petunjuk" sheet, the file checks before and
while opening an upload, the header row, and dates however Excel or the officer wrote them.

Used by the nominee workbook (registrations/nominee_import/workbook.py), the official-figures workbook
(reports/excel.py) and the premium bills workbook (membership/budget/workbook.py), which each keep their
own columns, limits and cell readers. It lives here because
reports already builds on registrations. Pure functions, no database.

Also the one way every workbook leaves the portal as a download (`xlsx_download`,
`stored_xlsx_download`): the content type, the file name, and never cached.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from python_calamine import CalamineError, CalamineWorkbook

from .formatting import format_megabytes, format_number

logger = logging.getLogger(__name__)

# Uploads are parsed by openpyxl, which uses defusedxml (no entity expansion, no external
# entities) only when it is installed and OPENPYXL_DEFUSEDXML is not "False": refuse to run without.
if not openpyxl.DEFUSEDXML:
    raise ImportError("openpyxl must parse uploads with defusedxml: install it (requirements.txt) and do not set "
                      "OPENPYXL_DEFUSEDXML=False.")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "@"
DATE = "DD-MM-YYYY"
NOTES_SHEET = "Petunjuk"


@dataclass(frozen=True)
class Column:
    """A column of an upload template, and its line on the "Petunjuk" sheet."""

    field: str  # what the reader calls the value: a NomineeForm field, an official_figure_record keyword
    header: str
    required: bool
    notes: str
    example: str
    width: int = 16
    number_format: str | None = None  # TEXT or DATE, on the column and on the pre-formatted cells


class WorkbookError(Exception):
    """The file as a whole cannot be read; nothing was imported. The message is for the officer."""


DAMAGED = ("Berkas Excel ini rusak atau tidak bisa dibaca. Buka di Excel atau LibreOffice, simpan sebagai "
           "\"Excel Workbook (.xlsx)\", lalu unggah lagi.")
WRONG_TYPE = ("Berkas harus berformat Excel .xlsx. Berkas .xls lama, .csv atau .ods: buka di Excel atau "
              "LibreOffice, lalu simpan sebagai \"Excel Workbook (.xlsx)\".")
_HEADER_FILL = PatternFill("solid", fgColor="D9EAD3")
_DATE_PATTERNS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S")


def data_workbook(*, title: str, columns: Sequence[Column], last_row: int, rows: Sequence[Sequence] = (),
                  extra_headers: Sequence[str] = ()) -> Workbook:
    """A workbook whose first sheet, `title`, has the headers in bold on a shaded first row (frozen),
    then `rows`, and each column's width and number format down to `last_row`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([column.header for column in columns] + list(extra_headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        sheet.append(list(values))
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format:
            # Cell by cell (what Excel and LibreOffice honour when the officer types) and on the
            # column, for rows beyond the pre-formatted ones.
            sheet.column_dimensions[letter].number_format = column.number_format
            for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=position, max_col=position):
                cell.number_format = column.number_format
    sheet.freeze_panes = "A2"
    return workbook


def add_notes_sheet(workbook: Workbook, *, title: str, lines: Sequence[str], columns: Sequence[Column],
                    widths: Sequence[int]):
    """The "Petunjuk" sheet: `title`, the `lines` of advice, then a table saying of each column
    whether it is required, how to fill it in and an example. `widths` are those of columns A to D.
    Returns the sheet, for a caller that lists more below the table."""
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append([title])
    notes["A1"].font = Font(bold=True, size=13)
    for line in [*lines, ""]:
        notes.append([line])
    notes.append(["Kolom", "Wajib", "Cara mengisi", "Contoh"])
    table_start = notes.max_row
    for cell in notes[table_start]:
        cell.font = Font(bold=True)
    for column in columns:
        notes.append([column.header, "Wajib" if column.required else "Boleh kosong", column.notes, column.example])
        notes.cell(row=notes.max_row, column=4).number_format = TEXT
    for row in notes.iter_rows(min_row=table_start, max_row=notes.max_row):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", widths, strict=True):
        notes.column_dimensions[letter].width = width
    return notes


def xlsx_download(content, filename: str) -> HttpResponse:
    """A workbook as a download named `filename`: `content` is the bytes built for this request or
    an open stored file (a BPJS batch, an export job's file), streamed. Never kept in a browser's or
    proxy's cache (`no-store`): most of these files hold personal data, and an office computer is
    shared."""
    if isinstance(content, (bytes, bytearray)):
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    else:
        response = FileResponse(content, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


def stored_xlsx_download(field_file, filename: str, *, what: str) -> HttpResponse:
    """A stored workbook (a BPJS batch, an export job's file) as a download. A file gone from
    storage is logged with `what` (a number or an id, never a name) and answered 404."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        logger.error("the file of %s is missing from storage", what)
        raise Http404("Berkas tidak ditemukan di penyimpanan.") from None
    return xlsx_download(handle, filename)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check_file(*, name: str, size: int, max_bytes: int, extensions: tuple[str, ...] = (".xlsx",)) -> None:
    """Refuses by name and size before the content is read (WorkbookError). `extensions`: the
    endings an import accepts (the village's nominee import also takes OpenSID's .xls report)."""
    if size > max_bytes:
        raise WorkbookError(
            f"Berkas terlalu besar ({format_megabytes(size)} MB); batasnya {max_bytes // 1024 // 1024} MB. "
            "Hapus gambar atau lembar lain, atau bagi data menjadi beberapa berkas."
        )
    if not name.lower().endswith(extensions):
        raise WorkbookError(WRONG_TYPE)


def clean_upload(upload, *, max_bytes: int, extensions: tuple[str, ...] = (".xlsx",)):
    """For an upload form's clean_file: the uploaded file, or check_file's refusal as the form's
    ValidationError."""
    try:
        check_file(name=upload.name, size=upload.size, max_bytes=max_bytes, extensions=extensions)
    except WorkbookError as error:
        raise ValidationError(str(error)) from None
    return upload


@contextmanager
def opened_workbook(content: bytes, *, max_bytes: int) -> Iterator[Workbook]:
    """The uploaded workbook, read-only and with cell values rather than formulas, closed
    afterwards. Raises WorkbookError for a file too large, not an .xlsx, refused by the archive
    check (workbook_limits: parts, unpacked size, compression ratio), or found broken while the
    caller reads it (a part cut short, XML that is not well formed or declares entities)."""
    from .workbook_limits import check_workbook_archive

    check_file(name=".xlsx", size=len(content), max_bytes=max_bytes)
    if not zipfile.is_zipfile(BytesIO(content)):
        raise WorkbookError(WRONG_TYPE)
    check_workbook_archive(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported" and the like
            workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign zip
        raise WorkbookError(WRONG_TYPE) from error
    try:
        yield workbook
    except (zipfile.BadZipFile, zlib.error, EOFError, ParseError, DefusedXmlException) as error:
        # The sheets are parsed while the caller iterates: a broken part shows up only then.
        raise WorkbookError(DAMAGED) from error
    finally:
        workbook.close()


def fast_workbook(content: bytes, *, max_bytes: int, max_unpacked_mb: int | None = None) -> CalamineWorkbook:
    """The uploaded workbook opened with calamine (Rust): every cell's value, formulas as their cached
    result, about fifteen times faster than openpyxl's read-only mode (100,000 nominee rows in about
    1.5 s). For uploads that may be large (a regency's nominee list). Raises WorkbookError for a file
    too large, not an .xlsx, or refused by the archive check (workbook_limits), which runs first;
    `max_unpacked_mb` raises its unpacked-size limit for a kind of file that is large by nature."""
    from .workbook_limits import WorkbookLimits, check_workbook_archive

    check_file(name=".xlsx", size=len(content), max_bytes=max_bytes)
    if not zipfile.is_zipfile(BytesIO(content)):
        raise WorkbookError(WRONG_TYPE)
    check_workbook_archive(content, WorkbookLimits.from_settings(max_unpacked_mb=max_unpacked_mb))
    try:
        return CalamineWorkbook.from_filelike(BytesIO(content))
    except (CalamineError, ValueError, OSError) as error:
        raise WorkbookError(WRONG_TYPE) from error


def sheet_rows(workbook: CalamineWorkbook, name: str) -> Iterator[list]:
    """The rows of sheet `name` from A1 down, each a list of cell values from column A (an empty
    cell is ""): row i of the iterator is Excel's row i + 1. calamine leaves out empty leading
    columns, so they are put back and a column's index is the same as in the file."""
    try:
        sheet = workbook.get_sheet_by_name(name)
    except CalamineError as error:
        raise WorkbookError(WRONG_TYPE) from error
    lead = [""] * sheet.start[1] if sheet.start else []
    for row in sheet.iter_rows():
        yield lead + row if lead else row


def filled(value) -> bool:
    return value is not None and str(value).strip() != ""


def normalise_header(value) -> str:
    """Lower case, without what is in brackets and without punctuation: "Tanggal lahir (HH-BB-TTTT)"
    and "tanggal  lahir" are the same header."""
    text = re.sub(r"\(.*?\)", " ", str(value or "").lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def map_header(values, fields_by_header: dict[str, str]) -> dict[int, str]:
    """Column index → field name, for a header row's values; `fields_by_header` is keyed by
    normalise_header. The first column wins when a header repeats."""
    columns: dict[int, str] = {}
    for index, value in enumerate(values or ()):
        name = fields_by_header.get(normalise_header(value))
        if name and name not in columns.values():
            columns[index] = name
    return columns


def cell_date(value) -> dt.date | None:
    """A date cell, a date serial in a cell formatted as a number, or a date written as text
    (dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy, yyyy-mm-dd); None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_excel(value).date() if 1 <= value < 80000 else None
    text = str(value).strip()
    if (len(text) == 10 and text.isascii() and text[2] == text[5] and text[2] in "-/."
            and (text[:2] + text[3:5] + text[6:]).isdigit()):
        # dd-mm-yyyy, the template's way: read without strptime (a file of 100,000 rows has as
        # many dates); what this does not read goes through the patterns below.
        try:
            return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            pass
    for pattern in _DATE_PATTERNS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def read_data_sheet(content: bytes, *, max_bytes: int, title: str, columns: Sequence[Column], max_rows: int,
                    read_row: Callable[[int, dict], object], cells: bool = False) -> list:
    """The rows of a portal template's data sheet (the sheet named `title`, else the first sheet),
    each turned by `read_row(number, raw)`: `number` is the row number Excel shows, `raw` maps each
    field found in the header to the cell's value (to the openpyxl cell with `cells`, for a reader
    that needs a cell's number format), None where the row is short. The header is row 1 and must
    name every required column; blank rows are skipped. Raises WorkbookError (wrong type, too
    large, a bomb, missing columns, more than `max_rows` data rows, no data). Used by the
    official-figures and the premium bills workbooks."""
    fields_by_header = {normalise_header(column.header): column.field for column in columns}
    value_of = (lambda cell: getattr(cell, "value", None)) if cells else (lambda value: value)
    with opened_workbook(content, max_bytes=max_bytes) as workbook:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        sheet_name = names.get(title.lower(), workbook.sheetnames[0])
        worksheet = workbook[sheet_name]
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(values_only=not cells)
        header = next(rows, None) or ()
        found = map_header([value_of(cell) for cell in header], fields_by_header)
        missing = [column.header for column in columns if column.required and column.field not in found.values()]
        if missing:
            raise WorkbookError(f"Kolom wajib tidak ditemukan di baris pertama lembar \"{sheet_name}\": "
                                f"{', '.join(missing)}. Pakai template dari portal dan jangan ubah judul kolom.")
        result = []
        for number, row in enumerate(rows, start=2):
            raw = {name: row[index] if index < len(row) else None for index, name in found.items()}
            if not any(filled(value_of(cell)) for cell in raw.values()):
                continue
            if len(result) >= max_rows:
                raise WorkbookError(f"Berkas berisi lebih dari {max_rows} baris data. Bagi menjadi beberapa berkas.")
            result.append(read_row(number, raw))
    if not result:
        raise WorkbookError(f"Lembar \"{sheet_name}\" tidak berisi data. Isi mulai baris 2, di bawah judul kolom, "
                            "lalu unggah lagi.")
    return result


def read_table(content: bytes, *, max_bytes: int, max_rows: int, fields_by_header: dict[str, str],
               labels: dict[str, str], required: Sequence[str], key: str, what: str,
               first: int | None = None, header_rows: int = 10, blank_run: int = 1000) -> list[tuple[int, dict]]:
    """(row number, {field: raw cell value}) for each non-blank row under the header of the first
    sheet, read as a stream (openpyxl read-only): the header is the first of the top `header_rows`
    rows naming the `key` field (a title above the table is tolerated); the file is refused at its
    `max_rows` + 1st data row; reading stops after `blank_run` blank rows in a row (a sheet
    formatted far below its last row), or after the `first` data rows when given. `labels` names
    every field as the file's header should (for the messages), `what` the kind of file ("Berkas
    jawaban BPJS"). Raises WorkbookError when the file is not an .xlsx, too large (bytes, archive,
    rows), or lacks a required column. Used by the BPJS answer and participant files."""
    with opened_workbook(content, max_bytes=max_bytes) as workbook:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16,384 cells
        columns: dict[int, str] = {}
        rows: list[tuple[int, dict]] = []
        blanks = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not columns:
                if number > header_rows:
                    break
                found = map_header(values, fields_by_header)
                if key in found.values():
                    columns = found
                    missing = [labels[name] for name in required if name not in columns.values()]
                    if missing:
                        raise WorkbookError(f"Kolom {', '.join(missing)} tidak ditemukan di baris judul. {what} "
                                            f"harus berkolom: {' · '.join(labels.values())}.")
                continue
            if not any(filled(value) for value in values):
                blanks += 1
                if blanks > blank_run:
                    break
                continue
            blanks = 0
            if len(rows) == first:
                break
            if len(rows) >= max_rows:
                raise WorkbookError(f"Berkas berisi lebih dari {format_number(max_rows)} baris data. Bagi menjadi "
                                    "beberapa berkas.")
            rows.append((number, {name: values[index] if index < len(values) else None
                                  for index, name in columns.items()}))
    if not columns:
        raise WorkbookError(f"Baris judul tidak ditemukan: lembar pertama harus berkolom {' · '.join(labels.values())}.")
    if not rows:
        raise WorkbookError("Berkas tidak berisi baris data di bawah baris judul.")
    return rows
