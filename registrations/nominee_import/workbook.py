"""The nominee workbook: the template villages fill in offline, reading an uploaded workbook into
rows of strings, and the rejected-rows workbook. Pure functions on bytes and plain values, no
database: imports.py binds each row to NomineeForm and decides what is saved.

Three layouts are read (SheetData.layout):
- our template (sheet "Calon peserta", headers from TEMPLATE_COLUMNS in the first row);
- OpenSID's "Program Bantuan" participants export, the "Expor" icon of a programme's row (sheet
  "Peserta": Peserta, No. Peserta, NIK, Nama, Tempat Lahir, Tanggal Lahir, Alamat; see OpenSID's
  Program_bantuan::expor);
- OpenSID's participants report, the "Unduh" button of a programme's participant list: an HTML
  page named .xls (read by common.html_tables, only for the village's import), with title rows, a
  two-row header (the card's NIK, name, birth, sex and address under "Identitas di Kartu
  Peserta"), the KK beside the NIK of a per-person programme, and dates written dd-mm-yyyy. The
  same report saved again as .xlsx is recognised by its header too.
OpenSID's files lack some of our fields (occupation and consent always, sex and the KK in the
export): the village import's preview fills them (choices.py); what is still missing comes back
as errors the officer completes in the rejected-rows workbook, which has our template's layout
and so can be uploaded again as it is.

What every upload workbook of the portal does the same way (the file checks, the header row, the
"Petunjuk" sheet, dates in cells) is in workbooks.py, shared with the official-figures workbook.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common import html_tables, workbooks
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
# What was uploaded (SheetData.layout): our template, OpenSID's "Expor" workbook, OpenSID's "Unduh"
# report (an HTML page named .xls, or the same saved again as .xlsx).
OPENSID_EXPORT, OPENSID_REPORT = "opensid_export", "opensid_report"
LAYOUT_NAMES = {TEMPLATE: "template portal", OPENSID_EXPORT: "ekspor OpenSID (ikon Expor, lembar Peserta)",
                OPENSID_REPORT: "laporan OpenSID (tombol Unduh di daftar peserta)"}
REPORT_SHEET = "Laporan OpenSID"  # how the preview and its messages name the report's table
HEADER_SEARCH_ROWS = 12  # the header may sit below a few title rows (OpenSID's report has five)
_OLD_EXCEL_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # a real .xls (Excel 97–2003), not a report
OLD_EXCEL = ("Berkas ini Excel lama (.xls). Buka di Excel atau LibreOffice, simpan sebagai \"Excel Workbook "
             "(.xlsx)\", lalu unggah lagi. Dari OpenSID, pakai Bantuan › Program Bantuan › ikon Expor di baris "
             "program: berkasnya sudah .xlsx.")
NO_REPORT_TABLE = ("Berkas ini halaman laporan (HTML yang dinamai .xls), tetapi tidak berisi tabel peserta dengan "
                   "kolom NIK. Dari OpenSID, unduh lewat Bantuan › Program Bantuan › ikon Expor di baris program "
                   "(.xlsx), atau tombol Unduh di daftar peserta program.")
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
    Column("decile", "Desil", False, "Desil kesejahteraan keluarga di DTSEN/DTKS, 1 sampai 10 (1 = paling miskin). "
           "Boleh kosong.", "2", 7),
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
# OpenSID's report: the fields under its "Identitas di Kartu Peserta" header (normalise_header).
_CARD_GROUP = "identitas di kartu peserta"
_CARD_FIELDS = {"nik": "nik", "nama": "full_name", "tempat lahir": "birth_place", "tanggal lahir": "birth_date",
                "jenis kelamin": "sex", "alamat": "address"}

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
    layout: str = TEMPLATE  # TEMPLATE, OPENSID_EXPORT or OPENSID_REPORT

    @property
    def layout_name(self) -> str:
        return LAYOUT_NAMES[self.layout]


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
                  max_unpacked_mb: int | None = None, allow_html: bool = False) -> SheetData:
    """Reads the nominee rows of an uploaded workbook, every value as text. Raises WorkbookError
    (wrong type, too large, refused by the archive check, missing columns, no data, more than
    `max_rows` rows) with a message for the officer. With `allow_html` (the village's import), an
    HTML report saved as .xls is read too: OpenSID's "Unduh" of a programme's participants."""
    if allow_html:
        if content[:8] == _OLD_EXCEL_MAGIC:
            raise WorkbookError(OLD_EXCEL)
        if html_tables.looks_like_html(content):
            return _read_html(content, max_rows=max_rows, max_bytes=max_bytes)
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
    return _read_table(workbooks.sheet_rows(workbook, sheet_name), kind=kind, sheet_name=sheet_name,
                       max_rows=max_rows)


def _read_html(content: bytes, *, max_rows: int, max_bytes: int) -> SheetData:
    """OpenSID's "Unduh" report (an HTML page named .xls): the table whose header names NIK."""
    workbooks.check_file(name=".xls", size=len(content), max_bytes=max_bytes, extensions=(".xls",))
    # A participant row has a dozen cells; room for the title rows and the layout table around it.
    tables = html_tables.html_tables(content, max_cells=(max_rows + 50) * 40)
    for rows in tables:
        if _find_header(rows[:HEADER_SEARCH_ROWS + 1]) is not None:
            return _read_table(iter(rows), kind=OPENSID, sheet_name=REPORT_SHEET, max_rows=max_rows,
                               layout=OPENSID_REPORT)
    raise WorkbookError(NO_REPORT_TABLE)


@dataclass(frozen=True)
class _Header:
    number: int  # the row number of the (last) header row
    columns: dict[int, str]  # column index → field
    report: bool = False  # OpenSID's "Unduh" layout: two header rows, "Identitas di Kartu Peserta"
    plus_column: int | None = None  # its second identifier column, whose cell OpenSID leaves out when empty
    width: int = 0


def _find_header(head: list) -> _Header | None:
    """The header is the first row naming NIK; a title or a few above it are fine. OpenSID's
    report has two header rows: the card's fields sit below "Identitas di Kartu Peserta"."""
    for index, cells in enumerate(head[:HEADER_SEARCH_ROWS]):
        if index + 1 < len(head) and (header := _report_header(cells, head[index + 1], index + 2)):
            return header
        mapped = workbooks.map_header(cells, _HEADER_TO_FIELD)
        if "nik" in mapped.values():
            return _Header(index + 1, mapped)
    return None


def _report_header(top, below, number: int) -> _Header | None:
    headers = [workbooks.normalise_header(value) for value in top or ()]
    if _CARD_GROUP not in headers:
        return None
    group = headers.index(_CARD_GROUP)
    columns = {}
    for index in range(group, len(below or ())):
        name = _CARD_FIELDS.get(workbooks.normalise_header(below[index]))
        if name and name not in columns.values():
            columns[index] = name
    if "nik" not in columns.values():
        return None
    # Before the card: "No", then the participant (the NIK, or the KK of a household programme),
    # then for those two kinds a second identifier ("No. KK" beside a NIK; the head's NIK beside a KK).
    identifiers = [index for index, header in enumerate(headers[:group]) if header and header != "no"][:-1]
    plus_column = None
    if identifiers:
        columns[identifiers[0]] = _OPENSID_PARTICIPANT
        if len(identifiers) > 1:
            plus_column = identifiers[1]
            if headers[plus_column] in _ALIASES["kk"]:
                columns[plus_column] = "kk"
    return _Header(number, columns, report=True, plus_column=plus_column, width=len(below))


def _read_table(rows, *, kind: str, sheet_name: str, max_rows: int, layout: str | None = None) -> SheetData:
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS + 1))
    header = _find_header(head)
    if not any(workbooks.filled(value) for cells in head for value in cells or ()):
        raise WorkbookError(f"Lembar \"{sheet_name}\" kosong. Isi data calon peserta di bawah judul kolom, "
                            "lalu unggah lagi.")
    if header is not None and header.report:
        kind, layout = OPENSID, layout or OPENSID_REPORT
    layout = layout or (OPENSID_EXPORT if kind == OPENSID else TEMPLATE)
    required = OPENSID_REQUIRED if kind == OPENSID else TEMPLATE_REQUIRED
    columns = header.columns if header is not None else max(
        (workbooks.map_header(cells, _HEADER_TO_FIELD) for cells in head[:HEADER_SEARCH_ROWS]), key=len, default={})
    missing = [HEADERS[name] for name in required if name not in columns.values()]
    if header is None or missing:
        raise WorkbookError(
            f"Kolom wajib tidak ditemukan di lembar \"{sheet_name}\": {', '.join(missing)}. "
            "Pakai template dari portal dan jangan ubah judul kolom di baris pertama."
        )

    result, blank_run = [], 0
    for number, cells in enumerate(itertools.chain(head[header.number:], rows), start=header.number + 1):
        if kind == OPENSID and cells and str(cells[0] or "").strip() == "###":
            break  # OpenSID's end-of-data marker
        if header.plus_column is not None and cells and len(cells) == header.width - 1:
            # OpenSID leaves the cell out when that identifier is empty: put the gap back.
            cells = [*cells[:header.plus_column], "", *cells[header.plus_column:]]
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
            f"Lembar \"{sheet_name}\" tidak berisi data calon peserta. Isi mulai baris {header.number + 1}, "
            "di bawah judul kolom, lalu unggah lagi."
        )
    present = frozenset(columns.values()) - {_OPENSID_PARTICIPANT}
    if kind == OPENSID and any(row.values.get("kk") for row in result):
        present |= {"kk"}  # a household programme's "Peserta" is the KK
    return SheetData(kind=kind, sheet_name=sheet_name, columns=present, rows=result, layout=layout)


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
    """A date as ISO; anything else as written (the form then says the date is invalid, naming
    it: a whole number as the officer sees it in the cell, 99999 and not 99999.0)."""
    date = workbooks.cell_date(value)
    if date:
        return date.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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
    if "kk" in row.values and not strip_separators(row.values["kk"]):
        row.values["kk"] = ""  # the report's "-" for a resident without a family card on file
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
