"""Printable workbooks of the reports app, built from plain rows: pure functions, no database.

- the nominative list (daftar nominatif, DOMAIN.md §8): a letterhead, the table of nominees and the
  signature block of the village head or the head of the office, set up to print on A4 landscape;
- the coverage recap per subdistrict and village (DOMAIN.md §4), the numbers of the coverage page.

Each builder writes into a binary file object (a BytesIO for a download answered at once, a
temporary file for a job or the export_nominees command; reports/export_jobs.py decides), streams
its rows through common.xlsx_stream (one shared style per column, the sheet compressed as it is
written) so a regency's 100,000 nominees stay a few megabytes of memory, calls `progress` with the
rows written so far every PROGRESS_EVERY rows and once at the end, and returns how many table rows
it wrote. Text cells hold exactly the text and are formula-safe (a string cell, with Excel's quote
prefix when it starts like a formula: common.tables.looks_like_formula), identifiers (NIK, KK,
KPJ) are text cells, numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import BinaryIO, NamedTuple

from common.formatting import format_date, format_datetime, format_percent
from common.tables import ExportColumn, address_text
from common.workbooks import DATE, TEXT
from common.xlsx_stream import Cell, CellStyle, SheetStream, TableColumn, column_letter
from registrations.enums import NomineeStatus
from registrations.identifiers import birth_label, shown_birth_date

ProgressCallback = Callable[[int], None]
# A job's progress is a database write: every few hundred rows is often enough for a progress bar.
PROGRESS_EVERY = 250

SIGNATURE_BLANK = "(______________________________)"

# Each kind of table column: its number format and whether its text wraps.
_KIND_FORMATS = {"text": TEXT, "identifier": TEXT, "number": "#,##0", "percent": "0.00", "date": DATE}


def _table_columns(sheet: SheetStream, columns: Sequence[ExportColumn], *, bold: bool = False) -> list[TableColumn]:
    """One shared style per column: typed (text formatted as text, numbers and percentages
    formatted), bordered, at the top of the cell, text wrapped; bold on request."""
    return [TableColumn(style=sheet.style(CellStyle(bold=bold, border=True, vertical="top",
                                                    wrap=column.kind == "text",
                                                    number_format=_KIND_FORMATS[column.kind])),
                        numeric=column.kind in ("number", "percent")) for column in columns]


def _text(sheet: SheetStream, value: str, *, bold: bool = False, size: int | None = None, center: bool = False,
          underline: bool = False) -> Cell:
    """A line of the letterhead or the signature block (our own words, still made formula-safe:
    region and person names come from data)."""
    return Cell(value, sheet.style(CellStyle(bold=bold, size=size, underline=underline,
                                             horizontal="center" if center else None)))


def _sheet(output: BinaryIO, *, title: str, columns: Sequence[ExportColumn], header_row: int) -> SheetStream:
    """A4 landscape, the columns fitted to the page width (as many pages down as needed), the
    header row repeated on every page and the rows above it frozen."""
    return SheetStream(output, title=title, widths=[column.width for column in columns], freeze_rows=header_row,
                       print_title_row=header_row, printable=True)


def _heading(sheet: SheetStream, lines: Sequence[tuple[str, dict]], *, width: int) -> None:
    """Letterhead lines, each centred across the table's width (merged cells)."""
    for line, style in lines:
        sheet.row([_text(sheet, line, center=True, **style)])
        sheet.merge(f"A{sheet.rows_written}:{column_letter(width)}{sheet.rows_written}")


def _header_row(sheet: SheetStream, columns: Sequence[ExportColumn]) -> None:
    style = sheet.style(CellStyle(bold=True, border=True, horizontal="center", vertical="center", wrap=True))
    sheet.row([Cell(column.header, style) for column in columns])


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


class NomineeValues(NamedTuple):
    """A nominee as the list reads it: plain values, in the order the export selects them
    (reports.export_jobs). `nik` and `kk` as registrations.identifiers shows them to the person
    (shown_identifier_fields: in full, or the stored masked forms); `status` is the stored value."""

    nik: str
    kk: str
    full_name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    address: str
    rt: str
    rw: str
    village: str
    subdistrict: str
    occupation: str
    status: str
    kpj_number: str


def status_labels() -> dict[str, str]:
    """Each nominee status in words, in the active language: what the list's "Status" column says."""
    return {status.value: str(status.label) for status in NomineeStatus}


def nominative_row(values: Sequence, *, full_identifiers: bool, today: dt.date,
                   labels: Mapping[str, str] | None = None) -> tuple:
    """One nominee (NomineeValues, or a plain tuple in its order) as the list's row, in the order
    of NOMINATIVE_COLUMNS without its number: NIK and KK as given, the birth date (or the age on
    `today`) as registrations.identifiers shows it (`full_identifiers`: identifiers_visible when
    the export was asked), the address with its RT/RW, the status in words (`labels`: status_labels(),
    which a caller writing many rows looks up once)."""
    (nik, kk, full_name, birth_place, birth_date, sex, address, rt, rw, village, subdistrict, occupation, status,
     kpj_number) = values
    return (nik, kk, full_name,
            f"{birth_place}, {shown_birth_date(birth_date, full=full_identifiers, today=today)}", sex,
            address_text(address, rt, rw), village, subdistrict, occupation, (labels or status_labels())[status],
            kpj_number)


def _numbered(rows: Iterable[Sequence]):
    for number, row in enumerate(rows, start=1):
        yield (number, *row)


def _signature(sheet: SheetStream, signature: Signature, *, width: int) -> None:
    """The block at the right of the page: "Niur, 30 September 2026", the office, four empty rows
    to sign in, the name (or a line to write it on), the NIP."""
    column = max(1, width - 3)  # the last four columns

    def line(cell: Cell) -> None:
        sheet.row([cell], start_column=column)

    line(_text(sheet, f"{signature.place}, {format_date(signature.day)}"))
    for title in signature.titles:
        line(_text(sheet, title, bold=True))
    sheet.skip(4)
    if signature.name:
        line(_text(sheet, signature.name, bold=True, underline=True))
    else:
        line(_text(sheet, SIGNATURE_BLANK))
    if signature.nip is not None:
        line(_text(sheet, f"NIP {signature.nip}" if signature.nip else "NIP ______________________"))


def nominative_workbook(output: BinaryIO, *, heading: NominativeHeading, rows: Iterable[Sequence],
                        signature: Signature, progress: ProgressCallback | None = None) -> int:
    """Writes the nominative list into `output`: the letterhead (nominative_heading_lines), an
    empty line, the header row (nominative_columns, repeated on every printed page), one row per
    nominee (nominative_row) numbered from 1, the total, and the signature block. Returns the rows
    written."""
    columns = nominative_columns(full_identifiers=heading.full_identifiers)
    lines = nominative_heading_lines(heading)
    header_row = len(lines) + 2
    with _sheet(output, title=NOMINATIVE_SHEET, columns=columns, header_row=header_row) as sheet:
        styles = [{"bold": True, "size": 12}, {"bold": True, "size": 12}, {"bold": True}, {"bold": True}, {}, {}]
        _heading(sheet, list(zip(lines, styles, strict=True)), width=len(columns))
        sheet.skip()
        _header_row(sheet, columns)
        written = sheet.table(_numbered(rows), _table_columns(sheet, columns), progress=progress,
                              progress_every=PROGRESS_EVERY)
        sheet.skip()
        sheet.row([_text(sheet, f"Jumlah: {written} orang", bold=True)])
        sheet.skip()
        _signature(sheet, signature, width=len(columns))
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
    # Targets are set per regency (Kemendagri), so only the regency's row has them.
    ExportColumn("target_percent", "Target UCJ (%)", 9, "percent"),
    ExportColumn("target_achievement_percent", "Capaian target (%)", 10, "percent"),
)
RECAP_HEADERS = [column.header for column in RECAP_COLUMNS]


@dataclass(frozen=True)
class RecapHeading:
    """What the recap's letterhead says. The data's date is the official figure's (`official_as_of`),
    with the programme's workers counted up to `counted_to`, the snapshot's day: the dates the
    figures are true on, not when they were computed (`computed_at`, said after them)."""

    regency_name: str
    office_name: str
    year: int
    official_as_of: dt.date | None  # the official BPJS figure the UCJ stands on; None: there is none
    counted_to: dt.date  # the programme's workers registered up to this day are counted
    computed_at: dt.datetime | None  # when the snapshot was computed (aware, the regency's zone); None: live
    printed_on: dt.date
    ucj_percent: Decimal | None = None  # the regency's, as published (reports.coverage.rules)
    target_percent: Decimal | None = None
    target_achievement_percent: Decimal | None = None


def recap_heading_lines(heading: RecapHeading) -> list[str]:
    if heading.official_as_of is not None:
        data = (f"Data per {format_date(heading.official_as_of)} (angka resmi BPJS Ketenagakerjaan), ditambah "
                f"pekerja program yang terdaftar sampai {format_date(heading.counted_to)}")
    else:
        data = (f"Data per {format_date(heading.counted_to)} (pekerja program; belum ada angka resmi BPJS "
                "Ketenagakerjaan)")
    computed = (f"Dihitung {format_datetime(heading.computed_at)}" if heading.computed_at is not None
                else "Dihitung langsung (belum ada perhitungan tersimpan)")
    if heading.ucj_percent is None:
        headline = f"UCJ {heading.regency_name} belum bisa dihitung (belum ada angka resmi maupun target)."
    elif heading.target_percent is None:
        headline = (f"UCJ {heading.regency_name} {format_percent(heading.ucj_percent)}. Belum ada target UCJ "
                    f"tahun {heading.year}.")
    else:
        headline = (f"UCJ {heading.regency_name} {format_percent(heading.ucj_percent)} · target "
                    f"{format_percent(heading.target_percent)} · capaian "
                    f"{format_percent(heading.target_achievement_percent)} dari target (UCJ ÷ target × 100).")
    return [
        f"PEMERINTAH {heading.regency_name.upper()}",
        heading.office_name.upper(),
        f"REKAP CAKUPAN JAMSOSTEK (UCJ) PER KECAMATAN DAN DESA/KELURAHAN TAHUN {heading.year}",
        f"{data}. {computed}. Dicetak {format_date(heading.printed_on)}. UCJ hanya untuk wilayah yang punya "
        "angka penduduk bekerja.",
        headline,
    ]


def coverage_recap_workbook(output: BinaryIO, *, heading: RecapHeading, rows: Iterable[Mapping[str, object]],
                            progress: ProgressCallback | None = None) -> int:
    """Writes the recap into `output`: the letterhead (recap_heading_lines), the header row
    (RECAP_HEADERS, repeated on every printed page), one row per region as given (rows with a
    true "emphasis" key, the regency and its subdistricts, in bold). Returns the rows written."""
    columns = RECAP_COLUMNS
    lines = recap_heading_lines(heading)
    header_row = len(lines) + 2
    with _sheet(output, title=RECAP_SHEET, columns=columns, header_row=header_row) as sheet:
        styles = [{"bold": True, "size": 12}, {"bold": True, "size": 12}, {"bold": True}, {}, {"bold": True}]
        _heading(sheet, list(zip(lines, styles, strict=True)), width=len(columns))
        sheet.skip()
        _header_row(sheet, columns)
        plain, bold = _table_columns(sheet, columns), _table_columns(sheet, columns, bold=True)
        written = 0
        for row in rows:  # a few hundred regions: one table call per row keeps each row's weight
            values = [row.get(column.key) for column in columns]
            sheet.table([values], bold if row.get("emphasis") else plain)
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)
        if progress is not None:
            progress(written)
    return written
