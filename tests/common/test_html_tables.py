"""common/html_tables.py: tables out of an HTML page saved as .xls, laid out as a worksheet would
hold them, within limits, running nothing. Pure functions: no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.html_tables import TOO_MANY_CELLS, html_tables, looks_like_html
from common.workbooks import WorkbookError


@pytest.mark.parametrize("start", [b"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0\">", b"\xef\xbb\xbf\n  <html>",
                                   b"<!-- laporan -->\n<table>", b"<meta charset=utf-8><table>"])
def test_an_html_page_is_recognised_whatever_its_name(start):
    assert looks_like_html(start + b"<body></body>")


@pytest.mark.parametrize("content", [b"PK\x03\x04rest of an xlsx", bytes.fromhex("d0cf11e0a1b11ae1"), b"NIK;Nama\n1;2",
                                     b""])
def test_other_files_are_not_taken_for_html(content):
    assert not looks_like_html(content)


def test_spans_are_laid_out_as_merged_cells():
    page = b"""<table>
      <tr><th rowspan="2">No</th><th rowspan=2>NIK</th><th colspan="3">Kartu</th></tr>
      <tr><th>Nama</th><th>Lahir</th><th>Alamat</th></tr>
      <tr><td>1</td><td>'1705</td><td>A</td><td>15-05-1990</td><td>Dusun&nbsp;II &amp; III</td></tr>
    </table>"""

    assert html_tables(page, max_cells=100) == [[
        ["No", "NIK", "Kartu", "", ""],
        ["", "", "Nama", "Lahir", "Alamat"],
        ["1", "'1705", "A", "15-05-1990", "Dusun II & III"],
    ]]


def test_a_table_inside_a_layout_cell_comes_apart_from_it():
    page = b"""<table><tr><td><h1>PEMERINTAH<br>KABUPATEN</h1></td></tr>
      <tr><td>sebelum <table><tr><th>NIK</th></tr><tr><td>1705</td></tr></table> sesudah</td></tr></table>"""

    inner, outer = html_tables(page, max_cells=100)

    assert inner == [["NIK"], ["1705"]]
    assert outer == [["PEMERINTAH KABUPATEN"], ["sebelum sesudah"]]


def test_scripts_styles_and_titles_are_not_read_and_cells_may_be_left_open():
    page = b"""<html><head><title>Laporan</title><style>td { mso-number-format:"\\@"; }</style></head>
      <body><script>var t = '<table><tr><td>x</td></tr></table>';</script>
      <table><tr><td>1<td>Budi<tr><td>2<td>Siti</table>"""

    assert html_tables(page, max_cells=100) == [[["1", "Budi"], ["2", "Siti"]]]


def test_a_page_cut_short_keeps_what_it_held():
    assert html_tables(b"<table><tr><td>1</td><td>Budi", max_cells=100) == [[["1", "Budi"]]]


@pytest.mark.parametrize("page", [
    b'<table><tr><td colspan="1000000">x</td></tr></table>' * 3,  # spans are clamped, then counted
    b"<table>" + b"<tr><td>x</td></tr>" * 101 + b"</table>",
    b'<table><tr><td rowspan="900">a</td><td>b</td></tr>' + b"<tr><td>c</td></tr>" * 60 + b"</table>",
])
def test_more_cells_than_allowed_is_refused(page):
    with pytest.raises(WorkbookError) as refused:
        html_tables(page, max_cells=100)

    assert str(refused.value) == TOO_MANY_CELLS


@given(st.binary(max_size=400)
       | st.text(alphabet="<>/=\"' tdrhablecolspwn0123456789&;#x", max_size=300).map(str.encode))
def test_any_bytes_give_tables_of_text_or_an_indonesian_refusal(content):
    try:
        tables = html_tables(content, max_cells=500)
    except WorkbookError as error:
        assert "berkas" in str(error).lower()
        return
    assert all(isinstance(cell, str) for table in tables for row in table for cell in row)
    assert sum(len(row) for table in tables for row in table) <= 500
