"""Tables out of an HTML page saved as a spreadsheet: many village systems offer a "download as
Excel" that is an HTML report named .xls (OpenSID's "Unduh" of a programme's participants). Excel
opens it, so officers hand it on as a workbook.

Read with the standard library's html.parser, which runs nothing and fetches nothing: no scripts,
no entities beyond HTML's own character references, no external resources, no XML parser (so no
entity expansion). Limits keep a hostile page small: the caller's byte limit before parsing, then a
ceiling on cells, and colspan/rowspan clamped, since a span is how a few bytes become many cells.

A table comes back as a workbook sheet would: rows of cell texts, a cell spanning columns or rows
written in its first position only and the rest left "" (as Excel leaves a merged cell), so one
reader serves the HTML report and the same report saved again as .xlsx. Pure functions, no database.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .workbooks import DAMAGED, WorkbookError

# HTML's own ceilings are 1,000 columns and 65,534 rows per span; a report needs a handful.
MAX_COLSPAN = 50
MAX_ROWSPAN = 1000
_SKIPPED = frozenset({"script", "style", "template", "title"})
_LINE_BREAKS = frozenset({"br", "p", "div", "li"})
_START = re.compile(rb"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|table|style|div)\b",
                    re.IGNORECASE | re.DOTALL)
TOO_MANY_CELLS = ("Tabel di berkas ini terlalu besar untuk dibaca. Bagi menjadi beberapa berkas, atau simpan sebagai "
                  "\"Excel Workbook (.xlsx)\" lalu unggah lagi.")


def looks_like_html(content: bytes) -> bool:
    """Whether the upload is an HTML page (whatever its name says): it opens with a tag such a page
    opens with, after an optional byte-order mark, white space and comments."""
    head = content[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return bool(_START.match(head))


def html_tables(content: bytes, *, max_cells: int) -> list[list[list[str]]]:
    """Every table of the page, innermost tables whole and apart from the tables around them (a
    report's layout table holds its data table in a cell), in the order they close. Each table is a
    list of rows, each row a list of cell texts with white space tidied. Raises WorkbookError when
    the page holds more than `max_cells` cells (spans counted out) or cannot be read."""
    text = content.decode("utf-8-sig", errors="replace")
    parser = _TableParser(max_cells=max_cells)
    try:
        parser.feed(text)
        parser.close()
    except WorkbookError:
        raise
    except Exception as error:  # html.parser is lenient; anything it still raises means a broken page
        raise WorkbookError(DAMAGED) from error
    budget = [max_cells]
    return [_grid(rows, budget) for rows in parser.tables]


def _span(value: str | None, ceiling: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), ceiling)


class _Table:
    def __init__(self):
        self.rows: list[list[tuple[str, int, int]]] = []  # (text, colspan, rowspan) per cell
        self.row: list[tuple[str, int, int]] | None = None
        self.cell: tuple[list[str], int, int] | None = None

    def end_cell(self) -> None:
        if self.cell is not None:
            parts, colspan, rowspan = self.cell
            if self.row is None:
                self.row = []
            self.row.append((" ".join("".join(parts).split()), colspan, rowspan))
            self.cell = None

    def end_row(self) -> None:
        self.end_cell()
        if self.row is not None:
            self.rows.append(self.row)
            self.row = None


class _TableParser(HTMLParser):
    def __init__(self, *, max_cells: int):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.open: list[_Table] = []
        self.skipping: list[str] = []
        self.cells, self.max_cells = 0, max_cells

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping.append(tag)
            return
        if tag == "table":
            self.open.append(_Table())
            return
        if not self.open:
            return
        table = self.open[-1]
        if tag == "tr":
            table.end_row()
            table.row = []
        elif tag in ("td", "th"):
            table.end_cell()
            values = dict(attrs)
            colspan = _span(values.get("colspan"), MAX_COLSPAN)
            self.cells += colspan
            if self.cells > self.max_cells:
                raise WorkbookError(TOO_MANY_CELLS)
            table.cell = ([], colspan, _span(values.get("rowspan"), MAX_ROWSPAN))
        elif tag in _LINE_BREAKS and table.cell is not None:
            table.cell[0].append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag not in _SKIPPED and tag != "table":  # <br/>; a self-closed table holds nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            if tag in self.skipping:
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            return
        if not self.open:
            return
        table = self.open[-1]
        if tag == "table":
            table.end_row()
            self.tables.append(table.rows)
            self.open.pop()
        elif tag == "tr":
            table.end_row()
        elif tag in ("td", "th"):
            table.end_cell()

    def handle_data(self, data):
        if self.skipping or not self.open:
            return
        cell = self.open[-1].cell
        if cell is not None:  # text between cells (white space, stray words) belongs to no cell
            cell[0].append(data)

    def close(self):
        super().close()
        while self.open:  # a page cut short: keep what its tables held
            table = self.open.pop()
            table.end_row()
            self.tables.append(table.rows)


def _grid(rows: list[list[tuple[str, int, int]]], budget: list[int]) -> list[list[str]]:
    """Rows of cells with their spans laid out as a worksheet's merged cells: the text in the first
    position, "" in the others, a rowspan reserving its columns in the rows below."""
    grid, reserved = [], {}  # column → rows below still covered by a rowspan
    for cells in rows:
        out: list[str] = []

        def skip_reserved():
            while reserved.get(len(out), 0) > 0:
                reserved[len(out)] -= 1
                out.append("")

        for text, colspan, rowspan in cells:
            skip_reserved()
            start = len(out)
            out.append(text)
            out.extend([""] * (colspan - 1))
            if rowspan > 1:
                for column in range(start, start + colspan):
                    reserved[column] = rowspan - 1
        skip_reserved()
        budget[0] -= len(out)
        if budget[0] < 0:
            raise WorkbookError(TOO_MANY_CELLS)
        grid.append(out)
    return grid
