"""The official-figures workbook (angka resmi UCJ): the template a regency fills in from the figures
the BPJS Ketenagakerjaan branch sends, and reading an uploaded workbook into typed rows.

Pure functions on bytes and plain values, no database: imports.py resolves the region codes,
checks each row against the regency and applies it through services.official_figure_record. What
every upload workbook does the same way (file checks, header row, "Petunjuk" sheet, dates) comes
from common/workbooks.py, shared with the nominee workbook; numbers and percentages are read by
common/formatting.py, as on the entry pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from openpyxl.styles import Font

from common import workbooks
from common.formatting import parse_percent, read_whole_number
from common.workbooks import DATE, TEXT, Column, WorkbookError  # noqa: F401 (the views catch excel.WorkbookError)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500  # a regency and its subdistricts over a few years of dates; more means the wrong file
TEMPLATE_ROWS = 200  # rows pre-formatted (codes as text, dates as dates)
DATA_SHEET = "Angka resmi"

# Column.field: the keyword official_figure_record takes, or "code" for the region.
COLUMNS = [
    Column("code", "Kode wilayah", True, "Kode Kemendagri kabupaten/kota (mis. 17.05) atau kecamatan (mis. 17.05.01). "
           "Kolom berformat Teks; jangan ubah menjadi Angka.", "17.05", 16, number_format=TEXT),
    Column("as_of", "Per tanggal", True, "Tanggal data BPJS. Tulis HH-BB-TTTT (mis. 31-12-2024) atau isi sebagai "
           "tanggal Excel.", "31-12-2024", 14, number_format=DATE),
    Column("active_pu", "PU", False, "Peserta aktif Penerima Upah. Angka bulat; kosong berarti 0.", "25400", 11),
    Column("active_bpu", "BPU", False, "Peserta aktif Bukan Penerima Upah. Angka bulat; kosong berarti 0.", "18750",
           11),
    Column("active_jakon", "Jakon", False, "Peserta aktif Jasa Konstruksi. Angka bulat; kosong berarti 0.", "1230", 11),
    Column("active_pmi", "PMI", False, "Peserta aktif Pekerja Migran Indonesia. Angka bulat; kosong berarti 0.",
           "85", 11),
    Column("denominator", "Penduduk bekerja", True, "Penyebut UCJ yang dipakai BPJS (penduduk bekerja). Lebih dari 0.",
           "231000", 16),
    Column("published_percent", "UCJ dipublikasikan (%)", False, "Persentase UCJ yang tertulis di laporan BPJS, "
           "mis. 19,41. Boleh kosong.", "19,41", 14),
    Column("source_document", "Sumber", False, "Dokumen asal angka ini, mis. nomor surat atau nama laporan BPJS. "
           "Boleh kosong.", "Surat BPJS Cabang Bengkulu No. 123/2025", 36, number_format=TEXT),
]
HEADERS = [column.header for column in COLUMNS]
HEADER_BY_FIELD = {column.field: column.header for column in COLUMNS}
COUNT_FIELDS = ("active_pu", "active_bpu", "active_jakon", "active_pmi", "denominator")


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    values: dict  # field → typed value (str code, date, int, Decimal, str) or None when blank/unreadable
    problems: list[tuple[str, str]] = field(default_factory=list)  # (header, message)


# --- The template ---------------------------------------------------------------------------

def template_workbook(*, regions: Sequence[tuple[str, str]] = ()) -> bytes:
    """The official-figures template: a data sheet with the headers in the first row (codes formatted
    as text, dates as dates) and a "Petunjuk" sheet explaining each column and listing `regions`
    ((code, name) pairs: the regency and its subdistricts)."""
    workbook = workbooks.data_workbook(title=DATA_SHEET, columns=COLUMNS, last_row=TEMPLATE_ROWS + 1)
    notes = workbooks.add_notes_sheet(workbook, title="Cara mengisi template angka resmi UCJ (BPJS Ketenagakerjaan)", lines=[
        f"Isi satu baris per wilayah dan tanggal di lembar \"{DATA_SHEET}\", mulai baris 2. Jangan ubah judul kolom.",
        "Salin angka persis seperti laporan BPJS: peserta aktif per segmen dan penduduk bekerja (penyebut).",
        "Mengunggah ulang berkas yang sama tidak menggandakan data: wilayah dan tanggal yang sudah ada diperbarui.",
        "Tidak ada yang disimpan sebelum Anda menekan tombol Simpan di halaman pratinjau.",
    ], columns=COLUMNS, widths=[24, 30, 80, 36])
    if regions:
        notes.append([])
        notes.append(["Kode wilayah", "Nama"])
        for cell in notes[notes.max_row]:
            cell.font = Font(bold=True)
        for code, name in regions:
            notes.append([code, name])
    return workbooks.workbook_bytes(workbook)


# --- Reading an upload ----------------------------------------------------------------------

def read_workbook(content: bytes) -> list[SheetRow]:
    """The rows of the data sheet (ours by name, else the first sheet), typed, with a problem per
    unreadable cell. Raises WorkbookError (wrong type, too large, missing columns, no data)."""
    return workbooks.read_data_sheet(content, max_bytes=MAX_BYTES, title=DATA_SHEET, columns=COLUMNS,
                                     max_rows=MAX_ROWS, read_row=_read_row, cells=True)


def _read_row(number: int, raw: dict) -> SheetRow:
    """`raw`: field → the openpyxl cell (or None where the column is missing)."""
    row = SheetRow(number=number, values={})
    readers = {"code": _code, "as_of": _date, "published_percent": _percent, "source_document": _text}
    for name in (column.field for column in COLUMNS):
        cell = raw.get(name)
        value = getattr(cell, "value", None)
        header = HEADER_BY_FIELD[name]
        if name == "published_percent" and isinstance(value, int | float) and "%" in (
                getattr(cell, "number_format", "") or ""):
            # A cell formatted as a percentage holds 0.1941 and shows 19.41%: the officer means 19.41.
            value = Decimal(str(value)) * 100
        try:
            row.values[name] = readers.get(name, _count)(value, header)
        except ValueError as error:
            row.values[name] = None
            row.problems.append((header, str(error)))
    return row


def _code(value, header: str) -> str | None:
    """A region code as text. A regency code typed as a number ("17.05" → 17.05, "17.10" → 17.1)
    lost only a trailing zero, and regency codes always have two digits after the dot, so it is
    safe to put back; a subdistrict code (two dots) cannot be a number at all."""
    if not workbooks.filled(value):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.2f}"
    return "".join(str(value).split())


def _date(value, header: str) -> dt.date | None:
    if not workbooks.filled(value):
        return None
    date = workbooks.cell_date(value)
    if date is None:
        raise ValueError(f"\"{str(value).strip()}\" bukan tanggal yang valid; tulis HH-BB-TTTT, mis. 31-12-2024.")
    return date


def _count(value, header: str) -> int | None:
    """A whole number; "25.400" and "25,400" (thousands written Indonesian or English style) too."""
    if not workbooks.filled(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"\"{value}\" bukan angka.")
    try:
        number = read_whole_number(value)
    except ValueError:
        raise ValueError(f"{header} harus bilangan bulat, bukan \"{value}\".") from None
    if number < 0:
        raise ValueError(f"{header} tidak boleh negatif ({number}).")
    return number


def _percent(value, header: str) -> Decimal | None:
    """"19,41", "19.41", "19,41%" or a number; between 0 and 100, rounded to two decimals
    (common.formatting.parse_percent)."""
    if not workbooks.filled(value):
        return None
    try:
        return parse_percent(value, label=header, rounded=True)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None


def _text(value, header: str) -> str:
    text = " ".join(str(value).split()) if workbooks.filled(value) else ""
    if len(text) > 200:
        raise ValueError(f"{header} paling panjang 200 karakter.")
    return text
