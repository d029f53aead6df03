"""The registration file a regency hands to its BPJS Ketenagakerjaan branch (DOMAIN.md §8).

Pure functions, no database: `registration_rows` turns nominees that come with their village,
subdistrict and occupation loaded into plain rows, and `registration_workbook` writes rows to xlsx
bytes. services.export_batch_create calls both and stores the bytes with the batch, so a download
is always the file that was handed over.

The columns the app can fill are one catalogue, `COLUMNS`, and the default order is
`DEFAULT_LAYOUT` (DOMAIN.md §8). Branches differ, so a regency may keep its own layout on
RegistrationFileLayout.columns: a list of {"key": …, "header": …} entries (the header only when
the branch names the column differently), empty for the default. The settings page edits it as text,
one column per line (`layout_parse`, `layout_text`); `layout_columns` turns it into columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from common.tables import ExportColumn, address_line, text_cell, typed_cell
from common.phones import phone_national

SHEET_TITLE = "Pendaftaran BPJS"


COLUMNS: dict[str, ExportColumn] = {column.key: column for column in [
    ExportColumn("no", "No", 6, "number"),
    ExportColumn("nik", "NIK", 19, "identifier"),
    ExportColumn("kk", "No. KK", 19, "identifier"),
    ExportColumn("name", "Nama", 28),
    ExportColumn("birth_place", "Tempat lahir", 16),
    ExportColumn("birth_date", "Tanggal lahir", 13, "date"),
    ExportColumn("sex", "Jenis kelamin", 8),
    ExportColumn("address", "Alamat", 36),
    ExportColumn("postal_code", "Kode pos", 9, "identifier"),
    ExportColumn("village", "Desa/Kelurahan", 20),
    ExportColumn("subdistrict", "Kecamatan", 18),
    ExportColumn("phone", "No. HP", 15, "identifier"),
    ExportColumn("email", "Email", 24),
    ExportColumn("occupation", "Pekerjaan", 22),
    ExportColumn("income", "Penghasilan", 13, "number"),
    ExportColumn("programmes", "Program", 14),
    ExportColumn("premium", "Iuran per bulan", 13, "number"),
    ExportColumn("months", "Periode (bulan)", 9, "number"),
    ExportColumn("start", "Tanggal mulai", 13, "date"),
    ExportColumn("funding_code", "Kode wadah", 8),
    ExportColumn("mother_maiden_name", "Nama ibu kandung", 24),
]}

# DOMAIN.md §8's default: what most branches ask for.
DEFAULT_LAYOUT: list[str] = [
    "no", "nik", "name", "birth_place", "birth_date", "sex", "address", "postal_code", "village", "subdistrict",
    "phone", "email", "occupation", "income", "programmes", "premium", "months", "start", "funding_code",
]


MAX_HEADER_LENGTH = 60
RESET_LABEL = "Kembalikan ke susunan bawaan"


class LayoutError(ValueError):
    """The layout typed on the settings page is unusable; `messages` says why, line by line."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def layout_columns(layout: Sequence[Mapping[str, str]] = ()) -> list[ExportColumn]:
    """The columns of a stored layout, in order, each with the branch's header where one is given;
    the default layout when it is empty. An entry this version cannot read (a column dropped from
    the catalogue, or JSON typed into the admin) is left out rather than failing the batch."""
    entries = [entry for entry in layout or () if isinstance(entry, Mapping) and entry.get("key") in COLUMNS]
    columns = [replace(COLUMNS[entry["key"]], header=str(entry.get("header") or "") or COLUMNS[entry["key"]].header)
               for entry in entries]
    return columns or [COLUMNS[key] for key in DEFAULT_LAYOUT]


def headers(layout: Sequence[Mapping[str, str]] = ()) -> list[str]:
    return [column.header for column in layout_columns(layout)]


def layout_text(layout: Sequence[Mapping[str, str]] = ()) -> str:
    """The stored layout as the settings page shows it: one `key` or `key: Judul` per line."""
    lines = []
    for column in layout_columns(layout):
        custom = column.header != COLUMNS[column.key].header
        lines.append(f"{column.key}: {column.header}" if custom else column.key)
    return "\n".join(lines)


def layout_parse(text: str) -> list[dict[str, str]]:
    """The layout typed on the settings page, one column per line, `key` or `key: Judul kolom`
    (blank lines ignored), as the list RegencySettings stores. Returns [] when it is the default
    layout as it stands, so a regency that only saved the page keeps following the default. Raises
    LayoutError with every problem found, in Indonesian, by line number."""
    keys_by_header = {_normalised(column.header): column.key for column in COLUMNS.values()}
    layout: list[dict[str, str]] = []
    problems: list[str] = []
    line_of_key: dict[str, int] = {}
    line_of_header: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, _colon, header = line.partition(":")
        key, header = key.strip().lower(), " ".join(header.split())
        if key not in COLUMNS:
            guess = keys_by_header.get(_normalised(key))  # the header typed instead of the key
            hint = f"Maksud Anda \"{guess}\"?" if guess else "Pakai kode dari daftar kolom yang tersedia."
            problems.append(f"Baris {number}: kolom \"{key}\" tidak dikenal. {hint}")
            continue
        if key in line_of_key:
            problems.append(f"Baris {number}: kolom \"{key}\" sudah ada di baris {line_of_key[key]}; "
                            "setiap kolom hanya sekali.")
            continue
        line_of_key[key] = number
        if len(header) > MAX_HEADER_LENGTH:
            problems.append(f"Baris {number}: judul kolom paling panjang {MAX_HEADER_LENGTH} karakter.")
            continue
        shown = header or COLUMNS[key].header
        if _normalised(shown) in line_of_header:
            # Branches read the file by its header row: two columns with one name cannot be told apart.
            problems.append(f"Baris {number}: judul \"{shown}\" sudah dipakai di baris "
                            f"{line_of_header[_normalised(shown)]}; judul kolom harus berbeda.")
            continue
        line_of_header[_normalised(shown)] = number
        layout.append({"key": key, "header": header} if header and header != COLUMNS[key].header else {"key": key})
    if not problems and not layout:
        problems.append(f"Susunan kolom kosong. Tulis satu kolom per baris, atau pilih \"{RESET_LABEL}\".")
    if not problems and "nik" not in line_of_key:
        problems.append("Kolom \"nik\" wajib ada: BPJS mencocokkan setiap calon peserta dengan NIK-nya.")
    if problems:
        raise LayoutError(problems)
    return [] if layout == [{"key": key} for key in DEFAULT_LAYOUT] else layout


def _normalised(header: str) -> str:
    return " ".join(header.lower().split())


def programmes_label(programme) -> str:
    return "JKK, JKM, JHT" if programme.includes_jht else "JKK, JKM"


def registration_rows(nominees: Iterable, programme) -> Iterator[dict[str, object]]:
    """One row per nominee, numbered from 1, keyed by column key. The income is the programme's
    reported income tier, the one the premium was computed from, so the two columns agree. The
    phone is written as the branch types it, 081234567890 (phones.phone_national), not as stored."""
    for number, nominee in enumerate(nominees, start=1):
        village = nominee.village
        yield {
            "no": number,
            "nik": nominee.nik,
            "kk": nominee.kk,
            "name": nominee.full_name,
            "birth_place": nominee.birth_place,
            "birth_date": nominee.birth_date,
            "sex": nominee.sex,
            "address": address_line(nominee),
            "postal_code": nominee.postal_code or village.postal_code,
            "village": village.name,
            "subdistrict": village.subdistrict.name,
            "phone": phone_national(nominee.phone),
            "email": nominee.email,
            "occupation": nominee.occupation.name,
            "income": programme.income_tier,
            "programmes": programmes_label(programme),
            "premium": programme.premium_per_month,
            "months": programme.months_paid,
            "start": programme.coverage_start,
            "funding_code": programme.bpjs_funding_code,
            "mother_maiden_name": nominee.mother_maiden_name,
        }


def registration_workbook(*, rows: Iterable[Mapping[str, object]], layout: Sequence[Mapping[str, str]] = (),
                          ) -> bytes:
    """The registration file in `layout` (a stored layout; empty for the default): one sheet, the
    header row first (branches read it by machine, so no heading above it), then one row per
    nominee. Write-only mode keeps a 2,000-row batch to a few megabytes of memory. Text and headers
    are formula-safe text cells holding exactly what was typed (exports.safe_text), NIK/KK/phone/
    postal code are text cells, dates are date cells."""
    columns = layout_columns(layout)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    # Write-only sheets take widths and frozen panes before the first row.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for column in columns:
        cell = text_cell(sheet, column.header)  # a branch's header is typed text
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([typed_cell(sheet, column, row.get(column.key)) for column in columns])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
