"""Printable workbooks of the reports app, built from plain rows: pure functions, no database.

- the nominative list (daftar nominatif, DOMAIN.md §8): a letterhead, the table of nominees and the
  signature block of the village head or the head of the office, set up to print on A4 landscape;
- the coverage recap per subdistrict and village (DOMAIN.md §4), the numbers of the coverage page.

Each builder writes into a binary file object (a BytesIO for a download answered at once, a
temporary file for a job; reports/export_jobs.py decides), streams its rows through openpyxl's
write-only mode so a regency's 20,000 nominees stay a few megabytes of memory, calls `progress`
with the rows written so far every PROGRESS_EVERY rows and once at the end, and returns how many
table rows it wrote. Text is formula-safe (common.tables.safe_text), identifiers (NIK, KK,
KPJ) are text cells, numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from common.formatting import format_date, format_datetime, long_date
from common.tables import ExportColumn, address_line, text_cell, typed_cell
from registrations.identifiers import birth_label, shown_birth, shown_kk, shown_nik

ProgressCallback = Callable[[int], None]
# A job's progress is a database write: every few hundred rows is often enough for a progress bar.
PROGRESS_EVERY = 250

SIGNATURE_BLANK = "(______________________________)"


def _cell(sheet, column: ExportColumn, value, *, bold: bool = False) -> WriteOnlyCell:
    """A table cell: typed (common.tables.typed_cell), bordered, text wrapped, bold on request."""
    cell = typed_cell(sheet, column, value)
    cell.border = _THIN_BORDER
    cell.alignment = Alignment(vertical="top", wrap_text=column.kind == "text")
    if bold:
        cell.font = Font(bold=True)
    return cell


_THIN = Side(style="thin")
_THIN_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _text(sheet, value: str, *, bold: bool = False, size: int | None = None, center: bool = False,
          underline: bool = False) -> WriteOnlyCell:
    """A line of the letterhead or the signature block (our own words, still made formula-safe:
    region and person names come from data)."""
    cell = text_cell(sheet, value)
    cell.font = Font(bold=bold, size=size, underline="single" if underline else None)
    if center:
        cell.alignment = Alignment(horizontal="center")
    return cell


def _print_setup(sheet, *, columns: Sequence[ExportColumn], header_row: int) -> None:
    """A4 landscape, the columns fitted to the page width (as many pages down as needed), the
    header row repeated on every page. Write-only sheets take all this before the first row."""
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0: as many pages as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True
    sheet.freeze_panes = f"A{header_row + 1}"


def _heading(sheet, lines: Sequence[tuple[str, dict]], *, width: int) -> None:
    """Letterhead lines, each centred across the table's width (merged cells)."""
    for number, (line, style) in enumerate(lines, start=1):
        sheet.merged_cells.add(f"A{number}:{get_column_letter(width)}{number}")
        sheet.append([_text(sheet, line, center=True, **style)])


def _header_cells(sheet, columns: Sequence[ExportColumn]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        cell.border = _THIN_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _table(sheet, columns: Sequence[ExportColumn], rows: Iterable[Mapping[str, object]],
           progress: ProgressCallback | None, *, bold_key: str | None = None) -> int:
    written = 0
    for row in rows:
        bold = bool(bold_key and row.get(bold_key))
        sheet.append([_cell(sheet, column, row.get(column.key), bold=bold) for column in columns])
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    if progress is not None:
        progress(written)
    return written


# --- The nominative list (daftar nominatif) ----------------------------------------------------

NOMINATIVE_SHEET = "Daftar nominatif"
NOMINATIVE_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("no", "No", 5, "number"),
    ExportColumn("nik", "NIK", 19, "identifier"),
    ExportColumn("kk", "No. KK", 19, "identifier"),
    ExportColumn("name", "Nama lengkap", 26),
    ExportColumn("birth", birth_label(full=True), 22),
    ExportColumn("sex", "L/P", 5),
    ExportColumn("address", "Alamat", 30),
    ExportColumn("village", "Desa/Kelurahan", 18),
    ExportColumn("subdistrict", "Kecamatan", 16),
    ExportColumn("occupation", "Pekerjaan", 18),
    ExportColumn("status", "Status", 17),
    ExportColumn("kpj", "Nomor KPJ", 14, "identifier"),
)
NOMINATIVE_HEADERS = [column.header for column in NOMINATIVE_COLUMNS]


def nominative_columns(*, full_identifiers: bool) -> tuple[ExportColumn, ...]:
    """The list's columns: with masked identifiers the birth column holds the age
    (registrations.identifiers.shown_birth), and its header says so."""
    if full_identifiers:
        return NOMINATIVE_COLUMNS
    return tuple(replace(column, header=birth_label(full=False)) if column.key == "birth" else column
                 for column in NOMINATIVE_COLUMNS)


@dataclass(frozen=True)
class NominativeHeading:
    """What the letterhead says. `region_label`: "Desa Niur, Kecamatan Sukaraja", "Kecamatan
    Sukaraja" or "Kabupaten Seluma"."""

    regency_name: str
    office_name: str
    programme_name: str
    stage: int
    year: int
    region_label: str
    printed_on: dt.date
    full_identifiers: bool


@dataclass(frozen=True)
class Signature:
    """The signature block under the table: where and when, the office held (one or more lines),
    the name (blank for a name written by hand) and, for a civil servant, the NIP."""

    place: str
    day: dt.date
    titles: tuple[str, ...]
    name: str = ""
    nip: str | None = None


def nominative_heading_lines(heading: NominativeHeading) -> list[str]:
    identifiers = ("NIK dan No. KK lengkap: data pribadi, jaga kerahasiaannya." if heading.full_identifiers
                   else "NIK dan No. KK disamarkan.")
    return [
        f"PEMERINTAH {heading.regency_name.upper()}",
        heading.office_name.upper(),
        "DAFTAR NOMINATIF CALON PESERTA BPJS KETENAGAKERJAAN",
        f"{heading.programme_name} — Tahap {heading.stage} ({heading.year})",
        heading.region_label,
        f"Dicetak {format_date(heading.printed_on)}. {identifiers}",
    ]


def nominative_row(nominee, *, full_identifiers: bool, today: dt.date) -> dict[str, object]:
    """One nominee as a row keyed by column key (without its number). The nominee comes with its
    village, subdistrict and occupation loaded; NIK, KK and the birth date (or the age on `today`)
    as registrations.identifiers shows them (`full_identifiers`: identifiers_visible when the
    export was asked), the masked forms read from their stored columns, so a masked list never
    needs the decrypted values."""
    village = nominee.village
    return {
        "nik": shown_nik(nominee, full=full_identifiers),
        "kk": shown_kk(nominee, full=full_identifiers),
        "name": nominee.full_name,
        "birth": f"{nominee.birth_place}, {shown_birth(nominee, full=full_identifiers, today=today)}",
        "sex": nominee.sex,
        "address": address_line(nominee),
        "village": village.name,
        "subdistrict": village.subdistrict.name,
        "occupation": nominee.occupation.name,
        "status": str(nominee.get_status_display()),
        "kpj": nominee.kpj_number,
    }


def _numbered(rows: Iterable[Mapping[str, object]]):
    for number, row in enumerate(rows, start=1):
        yield {**row, "no": number}


def _signature(sheet, signature: Signature, *, width: int) -> None:
    """The block at the right of the page: "Niur, 30 September 2026", the office, four empty rows
    to sign in, the name (or a line to write it on), the NIP."""
    column = max(1, width - 3)  # the last four columns

    def line(cell):
        sheet.append([None] * (column - 1) + [cell])

    line(_text(sheet, f"{signature.place}, {long_date(signature.day)}"))
    for title in signature.titles:
        line(_text(sheet, title, bold=True))
    for _ in range(4):
        sheet.append([])
    if signature.name:
        line(_text(sheet, signature.name, bold=True, underline=True))
    else:
        line(_text(sheet, SIGNATURE_BLANK))
    if signature.nip is not None:
        line(_text(sheet, f"NIP {signature.nip}" if signature.nip else "NIP ______________________"))


def nominative_workbook(output: BinaryIO, *, heading: NominativeHeading, rows: Iterable[Mapping[str, object]],
                        signature: Signature, progress: ProgressCallback | None = None) -> int:
    """Writes the nominative list into `output`: the letterhead (nominative_heading_lines), an
    empty line, the header row (nominative_columns, repeated on every printed page), one row per
    nominee numbered from 1, the total, and the signature block. Returns the rows written."""
    columns = nominative_columns(full_identifiers=heading.full_identifiers)
    lines = nominative_heading_lines(heading)
    header_row = len(lines) + 2
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(NOMINATIVE_SHEET)
    _print_setup(sheet, columns=columns, header_row=header_row)
    styles = [{"bold": True, "size": 12}, {"bold": True, "size": 12}, {"bold": True}, {"bold": True}, {}, {}]
    _heading(sheet, list(zip(lines, styles, strict=True)), width=len(columns))
    sheet.append([])
    sheet.append(_header_cells(sheet, columns))
    written = _table(sheet, columns, _numbered(rows), progress)
    sheet.append([])
    sheet.append([_text(sheet, f"Jumlah: {written} orang", bold=True)])
    sheet.append([])
    _signature(sheet, signature, width=len(columns))
    workbook.save(output)
    return written


# --- The coverage recap ----------------------------------------------------------------------

RECAP_SHEET = "Rekap cakupan"
RECAP_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("code", "Kode wilayah", 15),
    ExportColumn("name", "Wilayah", 26),
    ExportColumn("level", "Tingkat", 14),
    ExportColumn("quota", "Kuota", 9, "number"),
    ExportColumn("nominated", "Diusulkan", 10, "number"),
    ExportColumn("submitted", "Dikirim ke kabupaten", 11, "number"),
    ExportColumn("approved", "Disetujui", 10, "number"),
    ExportColumn("registered", "Terdaftar BPJS", 10, "number"),
    ExportColumn("active", "Aktif", 9, "number"),
    ExportColumn("premium_committed_rp", "Iuran didanai (Rp)", 16, "number"),
    ExportColumn("denominator", "Penduduk bekerja", 12, "number"),
    ExportColumn("ucj_percent", "UCJ (%)", 9, "percent"),
)
RECAP_HEADERS = [column.header for column in RECAP_COLUMNS]


@dataclass(frozen=True)
class RecapHeading:
    regency_name: str
    office_name: str
    year: int
    data_as_of: dt.datetime | None  # when the snapshot was computed (local time); None: live figures
    printed_on: dt.date


def recap_heading_lines(heading: RecapHeading) -> list[str]:
    as_of = (f"Data per {format_datetime(heading.data_as_of)}" if heading.data_as_of is not None
             else "Data dihitung langsung (belum ada perhitungan tersimpan)")
    return [
        f"PEMERINTAH {heading.regency_name.upper()}",
        heading.office_name.upper(),
        f"REKAP CAKUPAN JAMSOSTEK (UCJ) PER KECAMATAN DAN DESA/KELURAHAN TAHUN {heading.year}",
        f"{as_of}. Dicetak {format_date(heading.printed_on)}. UCJ hanya untuk wilayah yang punya angka penduduk "
        "bekerja.",
    ]


def coverage_recap_workbook(output: BinaryIO, *, heading: RecapHeading, rows: Iterable[Mapping[str, object]],
                            progress: ProgressCallback | None = None) -> int:
    """Writes the recap into `output`: the letterhead (recap_heading_lines), the header row
    (RECAP_HEADERS, repeated on every printed page), one row per region as given (rows with a
    true "emphasis" key, the regency and its subdistricts, in bold). Returns the rows written."""
    columns = RECAP_COLUMNS
    lines = recap_heading_lines(heading)
    header_row = len(lines) + 2
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RECAP_SHEET)
    _print_setup(sheet, columns=columns, header_row=header_row)
    styles = [{"bold": True, "size": 12}, {"bold": True, "size": 12}, {"bold": True}, {}]
    _heading(sheet, list(zip(lines, styles, strict=True)), width=len(columns))
    sheet.append([])
    sheet.append(_header_cells(sheet, columns))
    written = _table(sheet, columns, rows, progress, bold_key="emphasis")
    workbook.save(output)
    return written
