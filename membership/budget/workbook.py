"""The premium bills workbook (tagihan iuran): the template an office fills in from the bills the
BPJS branch sends, and reading an uploaded workbook into typed rows. Pure functions on bytes, no
database: imports.py checks the rows against the programme and records them. What every upload
workbook does the same way (file checks, the archive check against bombs, header row, "Petunjuk"
sheet, dates however Excel or the officer wrote them) comes from common/workbooks.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from common import workbooks
from common.formatting import MONTHS, read_whole_number
from common.workbooks import DATE, TEXT, Column

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500  # a bill a month for decades; more means the wrong file
TEMPLATE_ROWS = 60
DATA_SHEET = "Tagihan"

COLUMNS = [
    Column("first_month", "Periode mulai", True, "Bulan pertama yang ditagih: BB-TTTT (mis. 03-2026) atau tanggal "
           "mana pun di bulan itu.", "03-2026", 14, number_format=TEXT),
    Column("last_month", "Periode sampai", True, "Bulan terakhir yang ditagih; sama dengan periode mulai untuk "
           "tagihan satu bulan.", "05-2026", 14, number_format=TEXT),
    Column("members", "Jumlah peserta", True, "Jumlah peserta di tagihan BPJS. Angka bulat.", "2020", 14),
    Column("amount", "Jumlah tagihan (Rp)", True, "Rupiah tanpa sen, mis. 101808000 atau 101.808.000.",
           "101808000", 18),
    Column("due_on", "Jatuh tempo", True, "Tanggal jatuh tempo: HH-BB-TTTT atau tanggal Excel.", "15-03-2026", 14,
           number_format=DATE),
    Column("paid_on", "Tanggal bayar", False, "Tanggal SP2D; kosong bila belum dibayar.", "10-03-2026", 14,
           number_format=DATE),
    Column("payment_document", "Nomor SP2D", False, "Nomor SP2D BPKAD; diisi bersama tanggal bayar.",
           "0123/SP2D-LS/BPKAD/2026", 28, number_format=TEXT),
]
HEADER_BY_FIELD = {column.field: column.header for column in COLUMNS}
_SERIAL_2000 = 36526  # Excel's serial number of 1 January 2000: a smaller number is no billing month
_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
_NUMERIC_MONTH = re.compile(r"(\d{1,2})[-/.](\d{4})|(\d{4})[-/.](\d{1,2})")


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    values: dict  # field → typed value, or None when blank or unreadable
    problems: list[tuple[str, str]] = field(default_factory=list)  # (header, message)


def template_workbook() -> bytes:
    workbook = workbooks.data_workbook(title=DATA_SHEET, columns=COLUMNS, last_row=TEMPLATE_ROWS + 1)
    workbooks.add_notes_sheet(workbook, title="Cara mengisi template tagihan iuran BPJS Ketenagakerjaan", lines=[
        f"Isi satu baris per tagihan di lembar \"{DATA_SHEET}\", mulai baris 2. Jangan ubah judul kolom.",
        "Satu bulan hanya ditagih sekali: periode tagihan tidak boleh bertumpang tindih.",
        "Mengunggah ulang berkas yang sama tidak menggandakan tagihan: tagihan dengan periode mulai yang sama "
        "diperbarui (mis. tanggal bayar dan nomor SP2D yang baru diisi).",
        "Tidak ada yang disimpan sebelum Anda menekan tombol Simpan di halaman pratinjau, dan tidak ada yang "
        "disimpan selama masih ada baris yang ditolak.",
    ], columns=COLUMNS, widths=[22, 14, 70, 28])
    return workbooks.workbook_bytes(workbook)


def read_workbook(content: bytes) -> list[SheetRow]:
    """The rows of the data sheet (ours by name, else the first sheet), typed, with a problem per
    unreadable cell. Raises WorkbookError (wrong type, too large, a bomb, missing columns, no data)."""
    return workbooks.read_data_sheet(content, max_bytes=MAX_BYTES, title=DATA_SHEET, columns=COLUMNS,
                                     max_rows=MAX_ROWS, read_row=_read_row)


def _read_row(number: int, raw: dict) -> SheetRow:
    row = SheetRow(number=number, values={})
    readers = {"first_month": _month, "last_month": _month, "members": _count, "amount": _count, "due_on": _date,
               "paid_on": _date, "payment_document": _text}
    for column in COLUMNS:
        try:
            row.values[column.field] = readers[column.field](raw.get(column.field), column.header)
        except ValueError as error:
            row.values[column.field] = None
            row.problems.append((column.header, str(error)))
        else:
            if column.required and row.values[column.field] is None:
                row.problems.append((column.header, f"{column.header} kosong."))
    return row


def read_month(value) -> dt.date | None:
    """The first day of the month a cell names: a date (any day of the month), "03-2026",
    "3/2026", "2026-03", "Maret 2026". None when it names no month."""
    if isinstance(value, dt.date | dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, int | float) and not isinstance(value, bool) and value < _SERIAL_2000:
        return None  # "03.2026" typed into a number cell is 3.2026, not a month: refused, not guessed
    text = " ".join(str(value).split()).lower()
    match = _NUMERIC_MONTH.fullmatch(text)
    if match:
        month, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        return dt.date(int(year), int(month), 1) if 1 <= int(month) <= 12 else None
    name, _, year = text.partition(" ")
    if name in _MONTH_NUMBERS and year.isdigit() and len(year) == 4:
        return dt.date(int(year), _MONTH_NUMBERS[name], 1)
    day = workbooks.cell_date(value)
    return day.replace(day=1) if day else None


def _month(value, header: str) -> dt.date | None:
    if not workbooks.filled(value):
        return None
    month = read_month(value)
    if month is None:
        raise ValueError(f"\"{str(value).strip()}\" bukan bulan yang valid; tulis BB-TTTT, mis. 03-2026.")
    return month


def _date(value, header: str) -> dt.date | None:
    if not workbooks.filled(value):
        return None
    day = workbooks.cell_date(value)
    if day is None:
        raise ValueError(f"\"{str(value).strip()}\" bukan tanggal yang valid; tulis HH-BB-TTTT, mis. 15-03-2026.")
    return day


def _count(value, header: str) -> int | None:
    """A whole number; "101.808.000", "101,808,000" and "Rp101.808.000" too."""
    if not workbooks.filled(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"\"{value}\" bukan angka.")
    if isinstance(value, str):
        value = value.strip().removeprefix("Rp").removeprefix("rp").strip()
    try:
        number = read_whole_number(value)
    except ValueError:
        raise ValueError(f"{header} harus bilangan bulat, bukan \"{value}\".") from None
    if number < 0:
        raise ValueError(f"{header} tidak boleh negatif.")
    return number


def _text(value, header: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an SP2D number typed as a number: written back as the officer typed it
    text = " ".join(str(value).split()) if workbooks.filled(value) else ""
    if len(text) > 100:
        raise ValueError(f"{header} paling panjang 100 karakter.")
    return text
