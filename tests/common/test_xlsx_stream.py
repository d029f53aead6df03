"""common/xlsx_stream.py: the streamed one-sheet workbook, pure, no database. Opened again with
openpyxl (what a reader sees) and read as XML (what the file stores)."""

import datetime as dt
import re
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from common.xlsx_stream import Cell, CellStyle, SheetStream, TableColumn, column_letter

FORMULA_LIKE = ['=HYPERLINK("http://contoh.test","klik")', "+62 812 7000 0008", "-abc", "@x", "=1+1", "\tTab"]


def written(rows, *, numeric=(), **options) -> bytes:
    buffer = BytesIO()
    with SheetStream(buffer, title="Lembar", **options) as sheet:
        style = sheet.style(CellStyle(border=True, number_format="@"))
        number = sheet.style(CellStyle(border=True, number_format="#,##0"))
        width = max((len(row) for row in rows), default=0)
        sheet.table(rows, [TableColumn(number, numeric=True) if index in numeric else TableColumn(style)
                           for index in range(width)])
    return buffer.getvalue()


def part(content: bytes, name: str) -> str:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return archive.read(name).decode()


def opened(content: bytes):
    return load_workbook(BytesIO(content))["Lembar"]


@pytest.mark.parametrize("typed", FORMULA_LIKE)
def test_text_that_starts_like_a_formula_is_a_string_cell_with_the_quote_prefix_and_no_apostrophe(typed):
    content = written([[typed, "Budi"]])

    cell, ordinary = opened(content)["A1"], opened(content)["B1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (typed, "s", True)
    assert (ordinary.value, ordinary.quotePrefix) == ("Budi", False)
    sheet_xml = part(content, "xl/worksheets/sheet1.xml")
    assert "<f>" not in sheet_xml and "'" not in sheet_xml  # never a formula, nothing added to the text
    style = int(re.search(r'<c r="A1" s="(\d+)" t="inlineStr">', sheet_xml).group(1))
    assert 'quotePrefix="1"' in re.findall(r"<xf [^>]*>", part(content, "xl/styles.xml").split("<cellXfs")[1])[style]


@pytest.mark.parametrize("typed", ["Budi & Ani <kader>", "  spasi di depan", "spasi di belakang ", "baris\nkedua",
                                   "#N/A", "Ñoño Ëla"])
def test_text_comes_back_exactly_as_typed(typed):
    cell = opened(written([["biasa", typed]]))["B1"]

    assert (cell.value, cell.data_type) == (typed, "s")


@pytest.mark.parametrize(("typed", "stored"), [("kendali\x01di tengah", "kendali_x0001_di tengah"),
                                                ("_x0041_ apa adanya", "_x005F_x0041_ apa adanya")])
def test_characters_xml_cannot_carry_are_stored_in_excels_escape(typed, stored):
    # Excel reads _xHHHH_ back as the character (openpyxl does not), so a control character does
    # not break the file, and text that looks like the escape is escaped itself.
    sheet_xml = part(written([[typed]]), "xl/worksheets/sheet1.xml")

    assert f"<t>{stored}</t>" in sheet_xml


def test_numbers_dates_and_empty_cells_keep_their_type_and_the_columns_style():
    content = written([[1, "1705011505900001", None, ""], [Decimal("23.46"), "0001", 0, "x"]], numeric={0, 2})

    sheet = opened(content)
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        [1, "1705011505900001", None, None], [23.46, "0001", 0, "x"]]
    assert (sheet["B1"].number_format, sheet["A1"].number_format) == ("@", "#,##0")
    assert sheet["C1"].border.left.style == "thin" and sheet["D1"].border.left.style == "thin"  # the border runs on


def test_rows_cells_merges_and_the_print_setup():
    buffer = BytesIO()
    with SheetStream(buffer, title="Daftar nominatif", widths=[5, 19], freeze_rows=3, print_title_row=3,
                     printable=True) as sheet:
        sheet.row([Cell("JUDUL", sheet.style(CellStyle(bold=True, size=12, horizontal="center")))])
        sheet.merge("A1:B1")
        sheet.skip()
        sheet.row([Cell("No", 0), Cell(dt.date(2026, 9, 30), sheet.style(CellStyle(number_format="DD-MM-YYYY")))])
        sheet.row([Cell("Nama", sheet.style(CellStyle(bold=True, underline=True)))], start_column=2)

    sheet = opened_as(buffer.getvalue(), "Daftar nominatif")
    assert (sheet["A1"].value, sheet["A1"].font.b, sheet["A1"].font.sz, sheet["A1"].alignment.horizontal) == (
        "JUDUL", True, 12, "center")
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:B1"}
    assert (sheet["B3"].value, sheet["B3"].number_format) == (dt.datetime(2026, 9, 30), "DD-MM-YYYY")
    assert (sheet["A4"].value, sheet["B4"].value, sheet["B4"].font.u) == (None, "Nama", "single")
    assert (sheet.freeze_panes, sheet.print_title_rows) == ("A4", "$3:$3")
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (5, 19)


def opened_as(content: bytes, title: str):
    return load_workbook(BytesIO(content))[title]


def test_a_large_table_is_streamed_with_its_progress():
    calls = []
    buffer = BytesIO()
    with SheetStream(buffer, title="Lembar") as sheet:
        written_rows = sheet.table(([index, f"Pekerja {index}"] for index in range(1, 1201)),
                                   [TableColumn(0, numeric=True), TableColumn(0)], progress=calls.append,
                                   progress_every=500)

    sheet = opened(buffer.getvalue())
    assert (written_rows, calls, sheet.max_row) == (1200, [500, 1000, 1200], 1200)
    assert (sheet["A1200"].value, sheet["B1200"].value) == (1200, "Pekerja 1200")


@pytest.mark.parametrize("room", [0, 20_000])
def test_a_failing_output_fails_the_export(room):
    class Full(BytesIO):
        def write(self, data):
            if self.tell() + len(data) > room:
                raise OSError(28, "No space left on device")
            return super().write(data)

    with pytest.raises(OSError, match="No space left"), SheetStream(Full(), title="Lembar") as sheet:
        sheet.table(([f"baris {index} {index * 7919 % 10007}"] for index in range(50_000)), [TableColumn(0)])


def test_column_letters():
    assert [column_letter(number) for number in (1, 12, 26, 27, 52, 703)] == ["A", "L", "Z", "AA", "AZ", "AAA"]
