"""common/tables.py: formula-safe text cells and the plain table workbook, pure, no
database. Opened again from the file's bytes."""

import datetime as dt
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from common import tables as exports

FORMULA_LIKE = ['=HYPERLINK("http://x","klik")', "+62 812 7000 0008", "-abc", "@x", "=1+1"]


def saved(workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("typed", FORMULA_LIKE)
def test_text_starting_like_a_formula_is_stored_exactly_as_typed_as_a_string(typed):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lembar")
    sheet.append([exports.text_cell(sheet, typed)])
    content = saved(workbook)

    cell = load_workbook(BytesIO(content)).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (typed, "s", True)
    assert "<f>" not in sheet_xml(content)


@pytest.mark.parametrize("typed", ["Budi Santoso", "081270000008", "#N/A"])
def test_ordinary_text_is_a_string_cell_without_the_quote_prefix(typed):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lembar")
    sheet.append([exports.text_cell(sheet, typed)])

    cell = load_workbook(BytesIO(saved(workbook))).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (typed, "s", False)


def test_an_identifier_column_is_text_formatted_text():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lembar")
    phone = exports.ExportColumn("phone", "No. HP", 15, "identifier")
    sheet.append([exports.typed_cell(sheet, phone, ""), exports.typed_cell(sheet, phone, "081270000008")])

    empty, filled = load_workbook(BytesIO(saved(workbook))).active[1]
    assert empty.value is None
    assert (filled.value, filled.data_type, filled.number_format, filled.quotePrefix) == (
        "081270000008", "s", "@", False)


def test_a_table_workbook_keeps_typed_text_and_types_the_rest():
    content = exports.table_workbook(sheet_title="Riwayat", heading=["Judul"], headers=["Nama", "Jumlah", "Tanggal"],
                                     rows=[["=1+1", 3, dt.date(2026, 7, 1)], ["Budi", None, None]])

    sheet = load_workbook(BytesIO(content)).active
    name, count, day = sheet[4]
    assert (name.value, name.data_type, name.quotePrefix, name.number_format) == ("=1+1", "s", True, "@")
    assert (count.value, count.data_type) == (3, "n")
    assert (day.value.date(), day.number_format) == (dt.date(2026, 7, 1), exports.DATE_FORMAT)
    assert (sheet["A5"].value, sheet["A5"].quotePrefix) == ("Budi", False)
    assert "<f>" not in sheet_xml(content)
