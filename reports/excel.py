"""The official-figures workbook (angka resmi UCJ): the template a regency fills in from the figures
the BPJS Ketenagakerjaan branch sends, and reading an uploaded workbook into typed rows.

Pure functions on bytes and plain values, no database: imports.py resolves the region codes,
checks each row against the regency and applies it through services.official_figure_record.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

TEXT = "@"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500  # a regency and its subdistricts over a few years of dates; more means the wrong file
TEMPLATE_ROWS = 200  # rows pre-formatted (codes as text, dates as dates)
DATA_SHEET = "Angka resmi"
NOTES_SHEET = "Petunjuk"


@dataclass(frozen=True)
class Column:
    field: str  # the keyword official_figure_record takes (or "code" for the region)
    header: str
    required: bool
    notes: str
    example: str
    width: int = 14


COLUMNS = [
    Column("code", "Kode wilayah", True, "Kode Kemendagri kabupaten/kota (mis. 17.05) atau kecamatan (mis. 17.05.01). "
           "Kolom berformat Teks; jangan ubah menjadi Angka.", "17.05", 16),
    Column("as_of", "Per tanggal", True, "Tanggal data BPJS. Tulis HH-BB-TTTT (mis. 31-12-2024) atau isi sebagai "
           "tanggal Excel.", "31-12-2024", 14),
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
           "Boleh kosong.", "Surat BPJS Cabang Bengkulu No. 123/2025", 36),
]
HEADERS = [column.header for column in COLUMNS]
HEADER_BY_FIELD = {column.field: column.header for column in COLUMNS}
COUNT_FIELDS = ("active_pu", "active_bpu", "active_jakon", "active_pmi", "denominator")
_FIELD_BY_HEADER = {" ".join(column.header.lower().split()): column.field for column in COLUMNS}


class WorkbookError(Exception):
    """The file as a whole cannot be read; nothing was imported. The message is for the officer."""


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
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append(HEADERS)
    fill = PatternFill("solid", fgColor="D9EAD3")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = column.width
        number_format = {"code": TEXT, "as_of": "DD-MM-YYYY", "source_document": TEXT}.get(column.field)
        if number_format:
            sheet.column_dimensions[letter].number_format = number_format
            for (cell,) in sheet.iter_rows(min_row=2, max_row=TEMPLATE_ROWS + 1, min_col=position, max_col=position):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    _add_notes(workbook, regions)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_notes(workbook: Workbook, regions: Sequence[tuple[str, str]]) -> None:
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(["Cara mengisi template angka resmi UCJ (BPJS Ketenagakerjaan)"])
    notes["A1"].font = Font(bold=True, size=13)
    for line in [
        f"Isi satu baris per wilayah dan tanggal di lembar \"{DATA_SHEET}\", mulai baris 2. Jangan ubah judul kolom.",
        "Salin angka persis seperti laporan BPJS: peserta aktif per segmen dan penduduk bekerja (penyebut).",
        "Mengunggah ulang berkas yang sama tidak menggandakan data: wilayah dan tanggal yang sudah ada diperbarui.",
        "Tidak ada yang disimpan sebelum Anda menekan tombol Simpan di halaman pratinjau.",
        "",
    ]:
        notes.append([line])
    notes.append(["Kolom", "Wajib", "Cara mengisi", "Contoh"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append([column.header, "Wajib" if column.required else "Boleh kosong", column.notes, column.example])
        notes.cell(row=notes.max_row, column=4).number_format = TEXT
    if regions:
        notes.append([])
        notes.append(["Kode wilayah", "Nama"])
        for cell in notes[notes.max_row]:
            cell.font = Font(bold=True)
        for code, name in regions:
            notes.append([code, name])
    for letter, width in zip("ABCD", [24, 30, 80, 36], strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=7, max_row=7 + len(COLUMNS)):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


# --- Reading an upload ----------------------------------------------------------------------

_WRONG_TYPE = ("Berkas harus berformat Excel .xlsx. Berkas .xls lama, .csv atau .ods: buka di Excel atau "
               "LibreOffice, lalu simpan sebagai \"Excel Workbook (.xlsx)\".")


def check_file(*, name: str, size: int) -> None:
    """Refuses by name and size before the content is read (WorkbookError)."""
    if size > MAX_BYTES:
        raise WorkbookError(f"Berkas terlalu besar ({size / 1024 / 1024:.1f} MB); batasnya "
                            f"{MAX_BYTES // 1024 // 1024} MB.")
    if not name.lower().endswith(".xlsx"):
        raise WorkbookError(_WRONG_TYPE)


def read_workbook(content: bytes) -> list[SheetRow]:
    """The rows of the data sheet (ours by name, else the first sheet), typed, with a problem per
    unreadable cell. Raises WorkbookError (wrong type, too large, missing columns, no data)."""
    if len(content) > MAX_BYTES:
        check_file(name=".xlsx", size=len(content))
    if not zipfile.is_zipfile(BytesIO(content)):
        raise WorkbookError(_WRONG_TYPE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign zip
        raise WorkbookError(_WRONG_TYPE) from error
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        sheet_name = names.get(DATA_SHEET.lower(), workbook.sheetnames[0])
        worksheet = workbook[sheet_name]
        worksheet.reset_dimensions()
        return _read_rows(worksheet.iter_rows(), sheet_name)
    finally:
        workbook.close()


def _read_rows(rows, sheet_name: str) -> list[SheetRow]:
    header = next(rows, None) or ()
    columns: dict[int, str] = {}
    for index, cell in enumerate(header):
        name = _FIELD_BY_HEADER.get(" ".join(str(cell.value or "").lower().split()))
        if name and name not in columns.values():
            columns[index] = name
    missing = [column.header for column in COLUMNS if column.required and column.field not in columns.values()]
    if missing:
        raise WorkbookError(f"Kolom wajib tidak ditemukan di baris pertama lembar \"{sheet_name}\": "
                            f"{', '.join(missing)}. Pakai template dari portal dan jangan ubah judul kolom.")
    result = []
    for number, cells in enumerate(rows, start=2):
        raw = {name: cells[index] if index < len(cells) else None for index, name in columns.items()}
        if not any(_filled(getattr(cell, "value", None)) for cell in raw.values()):
            continue
        if len(result) >= MAX_ROWS:
            raise WorkbookError(f"Berkas berisi lebih dari {MAX_ROWS} baris data. Bagi menjadi beberapa berkas.")
        result.append(_read_row(number, raw))
    if not result:
        raise WorkbookError(f"Lembar \"{sheet_name}\" tidak berisi data. Isi mulai baris 2, di bawah judul kolom, "
                            "lalu unggah lagi.")
    return result


def _filled(value) -> bool:
    return value is not None and str(value).strip() != ""


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
    if not _filled(value):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.2f}"
    return "".join(str(value).split())


def _date(value, header: str) -> dt.date | None:
    if not _filled(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 80000:
        return from_excel(value).date()  # a date serial in a cell formatted as a number
    text = str(value).strip()
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"\"{text}\" bukan tanggal yang valid; tulis HH-BB-TTTT, mis. 31-12-2024.")


def _count(value, header: str) -> int | None:
    """A whole number; "25.400" and "25,400" (thousands written Indonesian or English style) too."""
    if not _filled(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"\"{value}\" bukan angka.")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{header} harus bilangan bulat, bukan {value}.")
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(" ", "")
        if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):
            text = re.sub(r"[.,]", "", text)
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"{header} harus bilangan bulat, bukan \"{value}\".")
        number = int(text)
    if number < 0:
        raise ValueError(f"{header} tidak boleh negatif ({number}).")
    return number


def _percent(value, header: str) -> Decimal | None:
    """"19,41", "19.41", "19,41%" or a number; between 0 and 100, two decimals."""
    if not _filled(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"\"{value}\" bukan angka.")
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{header} harus angka, mis. 19,41, bukan \"{value}\".") from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValueError(f"{header} harus antara 0 dan 100.")
    return number.quantize(Decimal("0.01"))


def _text(value, header: str) -> str:
    text = " ".join(str(value).split()) if _filled(value) else ""
    if len(text) > 200:
        raise ValueError(f"{header} paling panjang 200 karakter.")
    return text
