"""The registration file a regency hands to its BPJS Ketenagakerjaan branch (DOMAIN.md §8).

Pure functions, no database: `registration_rows` turns nominees that come with their village,
subdistrict and occupation loaded into plain rows, and `registration_workbook` writes rows to xlsx
bytes. services.export_batch_create calls both and stores the bytes with the batch, so a download
is always the file that was handed over.

The layout is one list of column keys, `DEFAULT_LAYOUT`, in the order of DOMAIN.md §8. Branches
differ; a per-regency layout (a list of keys from `COLUMNS` on RegencySettings) is left for later,
which is why the columns are looked up by key rather than written in a fixed order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .exports import TEXT, safe_text

SHEET_TITLE = "Pendaftaran BPJS"
DATE_FORMAT = "dd-mm-yyyy"
NUMBER_FORMAT = "#,##0"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    # "text": what a person typed (formula-safe); "identifier": digits that must stay text
    # (Excel keeps 15 significant digits, so a numeric NIK cell has lost its last digit, and a
    # phone number its leading zero); "date"; "number".
    kind: str = "text"


COLUMNS: dict[str, Column] = {column.key: column for column in [
    Column("no", "No", 6, "number"),
    Column("nik", "NIK", 19, "identifier"),
    Column("kk", "No. KK", 19, "identifier"),
    Column("name", "Nama", 28),
    Column("birth_place", "Tempat lahir", 16),
    Column("birth_date", "Tanggal lahir", 13, "date"),
    Column("sex", "Jenis kelamin", 8),
    Column("address", "Alamat", 36),
    Column("postal_code", "Kode pos", 9, "identifier"),
    Column("village", "Desa/Kelurahan", 20),
    Column("subdistrict", "Kecamatan", 18),
    Column("phone", "No. HP", 15, "identifier"),
    Column("email", "Email", 24),
    Column("occupation", "Pekerjaan", 22),
    Column("income", "Penghasilan", 13, "number"),
    Column("programmes", "Program", 14),
    Column("premium", "Iuran per bulan", 13, "number"),
    Column("months", "Periode (bulan)", 9, "number"),
    Column("start", "Tanggal mulai", 13, "date"),
    Column("funding_code", "Kode wadah", 8),
    Column("mother_maiden_name", "Nama ibu kandung", 24),
]}

# DOMAIN.md §8's default: what most branches ask for.
DEFAULT_LAYOUT: list[str] = [
    "no", "nik", "name", "birth_place", "birth_date", "sex", "address", "postal_code", "village", "subdistrict",
    "phone", "email", "occupation", "income", "programmes", "premium", "months", "start", "funding_code",
]


def headers(layout: Sequence[str] = DEFAULT_LAYOUT) -> list[str]:
    return [COLUMNS[key].header for key in layout]


def programmes_label(programme) -> str:
    return "JKK, JKM, JHT" if programme.includes_jht else "JKK, JKM"


def _address(nominee) -> str:
    rt_rw = f"RT {nominee.rt}" + (f"/RW {nominee.rw}" if nominee.rw else "")
    return f"{nominee.address} {rt_rw}".strip()


def registration_rows(nominees: Iterable, programme) -> Iterator[dict[str, object]]:
    """One row per nominee, numbered from 1, keyed by column key. The income is the programme's
    reported income tier, the one the premium was computed from, so the two columns agree."""
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
            "address": _address(nominee),
            "postal_code": nominee.postal_code or village.postal_code,
            "village": village.name,
            "subdistrict": village.subdistrict.name,
            "phone": nominee.phone,
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


def _cell(sheet, column: Column, value):
    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if column.kind in ("text", "identifier"):
        cell = WriteOnlyCell(sheet, value=safe_text(str(value)))
        cell.number_format = TEXT
    elif column.kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    else:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMAT
    return cell


def registration_workbook(*, rows: Iterable[Mapping[str, object]], layout: Sequence[str] = DEFAULT_LAYOUT,
                          ) -> bytes:
    """The registration file: one sheet, the header row first (branches read it by machine, so
    no heading above it), then one row per nominee. Write-only mode keeps a 2,000-row batch to a
    few megabytes of memory. Text is formula-safe, NIK/KK/phone/postal code are text cells, dates
    are date cells."""
    columns = [COLUMNS[key] for key in layout]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    # Write-only sheets take widths and frozen panes before the first row.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, column, row.get(column.key)) for column in columns])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
