"""The nominee workbook: the template villages fill in offline, reading an uploaded workbook into
rows of strings, and the rejected-rows workbook. Pure functions on bytes and plain values, no
database: imports.py binds each row to NomineeForm and decides what is saved.

Two layouts are read:
- our template (sheet "Calon peserta", headers from TEMPLATE_COLUMNS in the first row);
- OpenSID's "Program Bantuan" participants export (sheet "Peserta": Peserta, No. Peserta, NIK,
  Nama, Tempat Lahir, Tanggal Lahir, Alamat; see OpenSID's Program_bantuan::expor). It lacks most
  of our fields; those rows come back as errors and the officer completes them in the rejected-rows
  workbook, which has our template's layout and so can be uploaded again as it is.

What every upload workbook of the portal does the same way (the file checks, the header row, the
"Petunjuk" sheet, dates in cells) is in workbooks.py, shared with the official-figures workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common import workbooks
from common.formatting import read_whole_number
from common.workbooks import DATE, TEXT, Column, WorkbookError
from registrations.nik import normalise_nik, strip_separators

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 1000  # a village nominates tens of people; a thousand rows means the wrong file
# The office's list for a whole regency (a DTSEN extract, another office's list).
REGENCY_MAX_BYTES = 60 * 1024 * 1024
REGENCY_MAX_ROWS = 250_000
# Unpacked, such a list is large by nature: 250,000 rows written with inline strings (openpyxl, many
# exporters) unpack to 234 MB, so the archive check allows this much instead of WORKBOOK_MAX_UNPACKED_MB.
REGENCY_MAX_UNPACKED_MB = 320
TEMPLATE_ROWS = 500  # rows pre-formatted as text and covered by the drop-downs
DATA_SHEET = "Calon peserta"
LISTS_SHEET = "Daftar"
OPENSID_SHEET = "Peserta"
TEMPLATE, OPENSID = "template", "opensid"
# Cells read as text, never as numbers: Excel keeps 15 significant digits, so a 16-digit NIK or KK
# typed as a number has already lost its last digit, and a phone number its leading 0.
IDENTIFIER_FIELDS = ("nik", "kk", "phone")
CONSENT_YES = "Ya"

TEMPLATE_COLUMNS = [
    Column("nik", "NIK", True, "16 digit sesuai KTP. Kolom ini berformat Teks; jangan ubah menjadi Angka.",
           "1705011505900001", 20, number_format=TEXT),
    Column("kk", "No. KK", True, "16 digit sesuai kartu keluarga. Kolom berformat Teks.", "1705010101200001",
           20, number_format=TEXT),
    Column("full_name", "Nama lengkap", True, "Sesuai KTP.", "Budi Santoso", 26),
    Column("birth_place", "Tempat lahir", True, "Sesuai KTP.", "Seluma", 16),
    Column("birth_date", "Tanggal lahir", True, "Tulis HH-BB-TTTT (mis. 15-05-1990) atau isi sebagai tanggal Excel.",
           "15-05-1990", 14, number_format=DATE),
    Column("sex", "Jenis kelamin (L/P)", True, "L untuk laki-laki, P untuk perempuan (pilih dari daftar).", "L", 12),
    Column("address", "Alamat", True, "Dusun/jalan tempat tinggal sekarang.", "Dusun II", 28),
    Column("rt", "RT", True, "Angka, mis. 3 atau 003.", "003", 6, number_format=TEXT),
    Column("rw", "RW", False, "Angka; kosongkan bila desa tidak memakai RW.", "001", 6, number_format=TEXT),
    Column("postal_code", "Kode pos", False, "5 digit.", "38876", 9, number_format=TEXT),
    Column("phone", "No. HP", False, "Mis. 0812 3456 7890. Kolom berformat Teks agar angka 0 di depan tidak hilang.",
           "081234567890", 16, number_format=TEXT),
    Column("email", "Email", False, "Boleh kosong.", "", 22),
    Column("occupation", "Pekerjaan", True, "Kategori pekerja rentan; pilih dari daftar.", "Petani", 22),
    Column("monthly_income", "Penghasilan per bulan", False, "Rupiah, angka saja (mis. 1500000). Boleh kosong.",
           "1500000", 14),
    Column("data_source", "Sumber data", False, "DTSEN, DTKS, P3KE atau Usulan desa (pilih dari daftar). "
           "Kosong berarti Usulan desa.", "DTSEN", 14),
    Column("decile", "Desil", False, "1 sampai 10, dari DTSEN/DTKS. Boleh kosong.", "2", 7),
    Column("mother_maiden_name", "Nama ibu kandung", False,
           "Boleh kosong. Data pribadi: simpan berkas ini dengan aman.", "", 22),
    Column("consent", "Persetujuan (Ya)", True, "Tulis Ya bila calon peserta sudah setuju datanya dipakai untuk "
           "pendaftaran BPJS Ketenagakerjaan. Tanpa Ya, baris tidak disimpan.", "Ya", 14),
    Column("village_code", "Kode desa", False, "Kode Kemendagri desa/kelurahan, mis. 17.05.01.2002 atau 1705012002. "
           "Operator desa boleh mengosongkan; berkas dinas untuk seluruh kabupaten/kota wajib mengisinya.",
           "17.05.01.2002", 15, number_format=TEXT),
]
HEADERS = {column.field: column.header for column in TEMPLATE_COLUMNS}
REASON_HEADER = "Alasan"
# The village a row belongs to: a village officer's file may leave it empty, a regency-wide one
# must fill it (importing.py).
VILLAGE_FIELD = "village_code"
_OPENSID_PARTICIPANT = "_opensid_participant"  # "Peserta": the NIK, or the KK for household programmes

# Header spellings we accept, after normalise_header (lower case, no brackets, no punctuation).
_ALIASES = {
    "nik": ["nik", "no nik", "nomor nik", "nomor induk kependudukan", "nik peserta", "kartu nik"],
    "kk": ["no kk", "nomor kk", "kk", "no kartu keluarga", "nomor kartu keluarga", "no kk peserta"],
    "full_name": ["nama lengkap", "nama", "nama peserta", "nama lengkap sesuai ktp", "kartu nama"],
    "birth_place": ["tempat lahir", "kartu tempat lahir"],
    "birth_date": ["tanggal lahir", "tgl lahir", "kartu tanggal lahir"],
    "sex": ["jenis kelamin", "jk", "l p", "kelamin", "sex"],
    "address": ["alamat", "alamat lengkap", "kartu alamat"],
    "rt": ["rt"],
    "rw": ["rw"],
    "postal_code": ["kode pos", "kodepos"],
    "phone": ["no hp", "nomor hp", "hp", "no telepon", "nomor telepon", "telepon", "no handphone", "no telp",
              "no hp wa", "nomor hp wa"],
    "email": ["email", "e mail", "alamat email"],
    "occupation": ["pekerjaan", "kategori pekerjaan", "pekerjaan kategori rentan", "kategori rentan"],
    "monthly_income": ["penghasilan per bulan", "penghasilan", "penghasilan rp", "penghasilan bulanan"],
    "data_source": ["sumber data"],
    "decile": ["desil"],
    "mother_maiden_name": ["nama ibu kandung", "ibu kandung", "nama ibu"],
    "consent": ["persetujuan", "setuju", "persetujuan ya"],
    VILLAGE_FIELD: ["kode desa", "kode desa kelurahan", "kode wilayah desa"],
    _OPENSID_PARTICIPANT: ["peserta"],
}
_HEADER_TO_FIELD = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
TEMPLATE_REQUIRED = [column.field for column in TEMPLATE_COLUMNS if column.required]
OPENSID_REQUIRED = ["nik", "full_name"]


@dataclass(frozen=True)
class CellProblem:
    field: str
    message: str


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    values: dict[str, str]  # NomineeForm field name → text as the officer wrote it
    problems: list[CellProblem] = field(default_factory=list)


@dataclass
class SheetData:
    kind: str  # TEMPLATE or OPENSID
    sheet_name: str
    columns: frozenset[str]  # fields that have a column in the sheet
    rows: list[SheetRow]


# --- The template ---------------------------------------------------------------------------

def template_workbook(*, occupations: Sequence[str], data_sources: Sequence[str],
                      rows: Sequence[dict[str, str]] = (), reasons: Sequence[str] | None = None) -> bytes:
    """The nominee template: a data sheet with Indonesian headers, identifier columns formatted as
    text for TEMPLATE_ROWS rows, drop-downs for sex, occupation, data source and consent, and a
    "Petunjuk" sheet explaining each column. With `rows` (and `reasons`, one per row) it is the
    rejected-rows workbook: the same layout plus an "Alasan" column, ready to fix and upload again."""
    values = [[row.get(column.field, "") or None for column in TEMPLATE_COLUMNS] for row in rows]
    if reasons is not None:
        values = [row_values + [reason] for row_values, reason in zip(values, reasons, strict=True)]
    last_row = max(TEMPLATE_ROWS, len(rows)) + 1
    workbook = workbooks.data_workbook(title=DATA_SHEET, columns=TEMPLATE_COLUMNS, last_row=last_row, rows=values,
                                  extra_headers=[REASON_HEADER] if reasons is not None else [])
    sheet = workbook.active
    if reasons is not None:
        reason_position = len(TEMPLATE_COLUMNS) + 1
        sheet.column_dimensions[get_column_letter(reason_position)].width = 60
        sheet.cell(row=1, column=reason_position).fill = PatternFill("solid", fgColor="F4CCCC")
    _add_lists(workbook, sheet, occupations=occupations, data_sources=data_sources, last_row=last_row)
    workbooks.add_notes_sheet(workbook, title="Cara mengisi template calon peserta BPJS Ketenagakerjaan", lines=[
        f"Isi satu baris per calon peserta di lembar \"{DATA_SHEET}\", mulai baris 2. Jangan ubah judul kolom.",
        "NIK, No. KK dan No. HP harus tetap berformat Teks. Excel hanya menyimpan 15 digit angka, jadi NIK "
        "16 digit yang tersimpan sebagai angka sudah kehilangan digit terakhirnya dan akan ditolak.",
        "Setelah diunggah, setiap baris diperiksa seperti formulir di portal. Tidak ada yang disimpan sebelum "
        "Anda menekan tombol Simpan di halaman pratinjau. Baris yang ditolak bisa diunduh, diperbaiki, lalu "
        "diunggah lagi.",
    ], columns=TEMPLATE_COLUMNS, widths=[24, 14, 80, 20])
    return workbooks.workbook_bytes(workbook)


def _add_lists(workbook: Workbook, sheet, *, occupations, data_sources, last_row: int) -> None:
    """Drop-downs read their choices from a hidden sheet: an inline list is limited to 255
    characters, which an editable list of occupations soon passes."""
    lists = workbook.create_sheet(LISTS_SHEET)
    choices = {"sex": ["L", "P"], "occupation": list(occupations), "data_source": list(data_sources),
               "consent": [CONSENT_YES]}
    for position, (name, values) in enumerate(choices.items(), start=1):
        lists.cell(row=1, column=position, value=HEADERS[name])
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=position, value=value)
        letter = get_column_letter(position)
        validation = DataValidation(
            type="list", formula1=f"{LISTS_SHEET}!${letter}$2:${letter}${max(len(values), 1) + 1}",
            allow_blank=True, showErrorMessage=True, errorTitle="Pilihan tidak ada",
            error=f"Pilih {HEADERS[name]} dari daftar.",
        )
        column = get_column_letter([c.field for c in TEMPLATE_COLUMNS].index(name) + 1)
        validation.add(f"{column}2:{column}{last_row}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"


# --- Reading an upload ----------------------------------------------------------------------

class RowLimitExceeded(WorkbookError):
    """More data rows than the reader was asked to read: the file is too long for that limit
    (the regency page reads up to its inline threshold first, then hands a longer file to a job)."""


def check_file(*, name: str, size: int, regency_wide: bool = False) -> None:
    """Refuses by name and size before the content is read (WorkbookError)."""
    workbooks.check_file(name=name, size=size, max_bytes=REGENCY_MAX_BYTES if regency_wide else MAX_BYTES)


def read_workbook(content: bytes, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES,
                  max_unpacked_mb: int | None = None) -> SheetData:
    """Reads the nominee rows of an uploaded workbook, every value as text. Raises WorkbookError
    (wrong type, too large, refused by the archive check, missing columns, no data, more than
    `max_rows` rows) with a message for the officer."""
    workbook = workbooks.fast_workbook(content, max_bytes=max_bytes, max_unpacked_mb=max_unpacked_mb)
    try:
        return _read_sheet(workbook, max_rows=max_rows)
    finally:
        workbook.close()


def _read_sheet(workbook, *, max_rows: int) -> SheetData:
    sheet_names = workbook.sheet_names
    names = {name.strip().lower(): name for name in sheet_names}
    if DATA_SHEET.lower() in names:
        kind, sheet_name = TEMPLATE, names[DATA_SHEET.lower()]
    elif OPENSID_SHEET.lower() in names:
        kind, sheet_name = OPENSID, names[OPENSID_SHEET.lower()]
    else:
        kind, sheet_name = TEMPLATE, sheet_names[0]
    rows = workbooks.sheet_rows(workbook, sheet_name)

    # The header is the first row naming NIK; a title or two above it is fine.
    header_number, columns, seen_anything = 0, {}, False
    for number, cells in enumerate(rows, start=1):
        seen_anything = seen_anything or any(workbooks.filled(value) for value in cells or ())
        mapped = workbooks.map_header(cells, _HEADER_TO_FIELD)
        if len(mapped) > len(columns):
            columns = mapped
        if "nik" in mapped.values():
            header_number, columns = number, mapped
            break
        if number >= 5:
            break
    if not seen_anything:
        raise WorkbookError(f"Lembar \"{sheet_name}\" kosong. Isi data calon peserta di bawah judul kolom, "
                            "lalu unggah lagi.")
    required = OPENSID_REQUIRED if kind == OPENSID else TEMPLATE_REQUIRED
    missing = [HEADERS[name] for name in required if name not in columns.values()]
    if not header_number or missing:
        raise WorkbookError(
            f"Kolom wajib tidak ditemukan di lembar \"{sheet_name}\": {', '.join(missing)}. "
            "Pakai template dari portal dan jangan ubah judul kolom di baris pertama."
        )

    result, blank_run = [], 0
    for number, cells in enumerate(rows, start=header_number + 1):
        if kind == OPENSID and cells and str(cells[0] or "").strip() == "###":
            break  # OpenSID's end-of-data marker
        raw = {name: cells[index] if index < len(cells) else None for index, name in columns.items()}
        if not any(value.strip() if type(value) is str else workbooks.filled(value) for value in raw.values()):
            blank_run += 1
            if blank_run > TEMPLATE_ROWS:
                break
            continue
        blank_run = 0
        if len(result) >= max_rows:
            raise RowLimitExceeded(f"Berkas berisi lebih dari {max_rows} baris data. Bagi menjadi beberapa berkas.")
        result.append(_read_row(number, raw, kind))
    if not result:
        raise WorkbookError(
            f"Lembar \"{sheet_name}\" tidak berisi data calon peserta. Isi mulai baris {header_number + 1}, "
            "di bawah judul kolom, lalu unggah lagi."
        )
    present = frozenset(columns.values()) - {_OPENSID_PARTICIPANT}
    return SheetData(kind=kind, sheet_name=sheet_name, columns=present, rows=result)


def _read_row(number: int, raw: dict, kind: str) -> SheetRow:
    row = SheetRow(number=number, values={})
    values = row.values
    for name, value in raw.items():
        if type(value) is str and name not in _READ_AS_TYPED:  # most cells: text as typed (_as_text)
            values[name] = " ".join(value.split())
            continue
        if name in IDENTIFIER_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
            # The digits are already gone; guessing them back would put someone else's NIK on file.
            row.problems.append(CellProblem(name, numeric_identifier_message(name)))
            row.values[name] = ""
            continue
        row.values[name] = _as_text(name, value)
    if kind == OPENSID:
        _complete_opensid(row)
    return row


def numeric_identifier_message(name: str) -> str:
    header = HEADERS[name]
    if name == "phone":
        return (f"{header} tersimpan sebagai angka, sehingga angka 0 di depan sudah hilang. Format kolom "
                f"{header} sebagai Teks, lalu ketik ulang nomornya.")
    return (f"{header} tersimpan sebagai angka. Excel hanya menyimpan 15 digit angka, jadi digit ke-16 sudah "
            f"hilang dan angkanya tidak bisa dipercaya. Format kolom {header} sebagai Teks, lalu ketik ulang "
            f"{header} dari {'KTP' if name == 'nik' else 'kartu keluarga'}.")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_READ_AS_TYPED = frozenset({"birth_date", "sex", "consent", "monthly_income"})


def _as_text(name: str, value) -> str:
    if type(value) is str and name not in _READ_AS_TYPED:  # most cells: text as typed
        return " ".join(value.split())
    if value is None:
        return ""
    if name == "birth_date":
        return _date_text(value)
    if isinstance(value, bool):
        return "Ya" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    text = " ".join(str(value).split())
    if name == "sex":
        return _sex(text)
    if name == "consent":
        return "on" if text.lower() in {"ya", "y", "yes", "setuju", "sudah", "1", "true", "v", "x", "✓"} else ""
    if name == "monthly_income":
        return _rupiah(text)
    return text


def _date_text(value) -> str:
    """A date as ISO; anything else as written (the form then says the date is invalid)."""
    date = workbooks.cell_date(value)
    return date.isoformat() if date else str(value).strip()


def _sex(text: str) -> str:
    lowered = text.lower()
    if lowered in {"l", "lk", "laki-laki", "laki laki", "laki", "pria", "1"}:
        return "L"
    if lowered in {"p", "pr", "perempuan", "wanita", "2"}:
        return "P"
    return text


def _rupiah(text: str) -> str:
    """"Rp 1.500.000" → "1500000" (common.formatting.read_whole_number: dots group thousands);
    anything else as written, for the form to refuse."""
    cleaned = re.sub(r"(?i)^rp\.?", "", text).replace(" ", "")
    try:
        return str(read_whole_number(cleaned))
    except ValueError:
        return cleaned


def _complete_opensid(row: SheetRow) -> None:
    """OpenSID's "Peserta" is the NIK (individual programmes) or the KK (household programmes);
    RT and RW often sit inside its address ("RT 003 / RW 001, Dusun II")."""
    # A KK number has the NIK's shape: 16 digits.
    participant = normalise_nik(row.values.pop(_OPENSID_PARTICIPANT, ""))
    nik = strip_separators(row.values.get("nik", ""))
    if not row.values.get("kk") and participant is not None and participant != nik:
        row.values["kk"] = participant
    address = row.values.get("address", "")
    for name in ("rt", "rw"):
        match = re.search(rf"\b{name}\.?\s*:?\s*0*(\d{{1,3}})\b", address, flags=re.IGNORECASE)
        if match and not row.values.get(name):
            row.values[name] = match.group(1)


# --- Rejected rows --------------------------------------------------------------------------

def rejected_workbook(*, rows: Sequence[dict[str, str]], reasons: Sequence[str], occupations: Sequence[str],
                      data_sources: Sequence[str]) -> bytes:
    """The rows that were not saved, in the template's layout with an "Alasan" column, so the
    officer fixes them and uploads the same file again (the reader ignores "Alasan")."""
    return template_workbook(occupations=occupations, data_sources=data_sources, rows=rows, reasons=list(reasons))


def display_values(values: dict[str, str]) -> dict[str, str | dt.date]:
    """Row values as the officer should see them again in the rejected-rows workbook: the consent
    as "Ya", and a birth date the reader understood (kept as ISO text, `_date_text`) as a date cell,
    which the column's DD-MM-YYYY format shows as the template asks ("25-08-1991") and the reader
    takes back. A date it did not understand stays as the officer typed it, for them to correct."""
    shown: dict[str, str | dt.date] = dict(values)
    if shown.get("consent") == "on":
        shown["consent"] = CONSENT_YES
    birth_date = shown.get("birth_date")
    if birth_date and _ISO_DATE.fullmatch(birth_date):
        try:
            shown["birth_date"] = dt.date.fromisoformat(birth_date)
        except ValueError:
            pass  # "1991-02-30": not a date, shown as written
    return shown
