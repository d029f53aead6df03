"""A one-sheet .xlsx written as it goes: the printable exports' writer (reports.exports: the
nominative list, the coverage recap). Pure, no database, no openpyxl.

Why its own writer: a regency's list can hold 100,000 people, and a general library builds a cell
object (or a call, a style lookup, a type test) per cell; here a table row becomes its XML in one
pass, with one shared style per column given up front, and the sheet's XML is compressed by a
second thread as it is written (zlib works without the interpreter lock), so the other core
compresses while this one writes. Memory stays flat: rows go out in chunks of a few hundred.

What the file holds, kept to what Excel, LibreOffice and openpyxl read:
- cells as inline strings (`t="inlineStr"`: a string cell, never a formula, whatever the text) or
  numbers; a text that Excel would read as a formula once someone edits the cell
  (common.tables.looks_like_formula) gets its style's quote-prefix twin, the flag Excel sets
  itself when someone types an apostrophe before "=…": the cell shows exactly the text, with no
  apostrophe, and stays text;
- styles (font, thin border, alignment, number format, quote prefix), column widths, merged
  cells, frozen rows, the print setup (A4 landscape fitted to the width, a header row repeated on
  every page, centred horizontally).

Use: `SheetStream(output, title=…, widths=…, …)`, `style(CellStyle(…))` for style ids, `row()` for
a row of `Cell`s, `table()` for many rows of values with one style per column, `merge()`, then
`close()` (or a `with` block).
"""

from __future__ import annotations

import datetime as dt
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import BinaryIO

from .tables import FORMULA_STARTS, looks_like_formula

__all__ = ["Cell", "CellStyle", "SheetStream", "TableColumn", "column_letter"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Excel's built-in number formats (ECMA-376 §18.8.30); others get ids from 164 up.
_BUILTIN_FORMATS = {"General": 0, "0.00": 2, "#,##0": 3, "@": 49}
# Characters XML cannot carry or must escape, whitespace Excel would trim at either end, and
# Excel's own escape (_x0041_), which must itself be escaped to come back as typed.
_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]|^\s|\s$|_x[0-9A-Fa-f]{4}_")
_UNSAFE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")
_WHITESPACE = frozenset(chr(code) for code in range(0x3001) if chr(code).isspace())
_FIRST_CARE = frozenset(FORMULA_STARTS) | _WHITESPACE
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_CHUNK_ROWS = 500
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def column_letter(number: int) -> str:
    """1 → "A", 12 → "L", 27 → "AA"."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _text_xml(reference: str, style: int, text: str) -> str:
    """An inline string cell; text that needs escaping or keeps outer spaces takes the long way."""
    if _NEEDS_CARE.search(text):
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'
    return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t>{text}</t></is></c>'


def _number(value) -> str:
    if isinstance(value, bool):
        raise TypeError("a workbook cell takes text, a number or a date, not a bool")
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, dt.datetime):
        raise TypeError("a workbook cell takes a date, not a datetime")
    if isinstance(value, dt.date):
        return str((value - _EXCEL_EPOCH).days)
    raise TypeError(f"a workbook cell cannot hold {type(value).__name__}")


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks: font (bold, size, single underline), a thin border all round, alignment
    (horizontal, vertical, wrapped), number format ("@" text, "#,##0", "0.00", a date format),
    and the quote prefix (set by the writer itself for text that looks like a formula)."""

    bold: bool = False
    size: float | None = None
    underline: bool = False
    border: bool = False
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    number_format: str | None = None
    quote_prefix: bool = False


@dataclass(frozen=True)
class Cell:
    """One cell of `SheetStream.row`: a value (text, number, date or None) in a style id."""

    value: object
    style: int = 0


@dataclass(frozen=True)
class TableColumn:
    """A column of `SheetStream.table`: its style id for every cell (empty ones too, so the
    border runs on) and whether it holds numbers (the rest hold text)."""

    style: int
    numeric: bool = False


class SheetStream:
    """One worksheet, `title`, written into `output` (a binary file object) row by row.

    `widths`: the columns' widths in characters; `freeze_rows`: rows kept in view above the
    scrolled part; `print_title_row`: the row (1-based) repeated on every printed page;
    `printable`: A4 landscape, fitted to one page wide, centred horizontally."""

    def __init__(self, output: BinaryIO, *, title: str, widths: Sequence[float] = (), freeze_rows: int = 0,
                 print_title_row: int | None = None, printable: bool = False, compresslevel: int = 6):
        self.title = title[:31]
        self.print_title_row = print_title_row
        self.printable = printable
        self.rows_written = 0  # the last row number used
        self._merges: list[str] = []
        self._styles: dict[CellStyle, int] = {CellStyle(): 0}
        self._quoted: dict[int, int] = {}
        self._archive = zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        try:
            self._sheet = self._archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        except BaseException:
            self._archive.fp = None  # unusable output: nothing more to write into it, not even on collection
            raise
        self._chunks: queue.Queue = queue.Queue(maxsize=8)
        self._failure: BaseException | None = None
        self._compressor = threading.Thread(target=self._compress, name="xlsx-deflate", daemon=True)
        self._compressor.start()
        self._closed = False
        self._write(self._sheet_start(widths, freeze_rows))
        self._write("<sheetData>")

    # --- Styles ------------------------------------------------------------------------------

    def style(self, style: CellStyle) -> int:
        """The id of `style` in this workbook (registered on first use)."""
        number = self._styles.get(style)
        if number is None:
            number = self._styles[style] = len(self._styles)
        return number

    def _quoted_style(self, number: int) -> int:
        """The quote-prefix twin of style `number`."""
        quoted = self._quoted.get(number)
        if quoted is None:
            base = next(style for style, index in self._styles.items() if index == number)
            quoted = self._quoted[number] = self.style(replace(base, quote_prefix=True))
        return quoted

    # --- Rows --------------------------------------------------------------------------------

    def skip(self, rows: int = 1) -> None:
        """Leaves `rows` empty rows."""
        self.rows_written += rows

    def row(self, cells: Sequence[Cell | None], *, start_column: int = 1) -> None:
        """The next row: `cells` from column `start_column` on; None (or a None value in the default
        style) leaves a cell out."""
        self.rows_written += 1
        number = self.rows_written
        parts = [f'<row r="{number}">']
        for offset, cell in enumerate(cells):
            if cell is None or (cell.value is None and cell.style == 0):
                continue
            parts.append(self._cell_xml(f"{column_letter(start_column + offset)}{number}", cell.value, cell.style))
        parts.append("</row>")
        self._write("".join(parts))

    def _cell_xml(self, reference: str, value, style: int) -> str:
        if value is None or value == "":
            return f'<c r="{reference}" s="{style}"/>'
        if isinstance(value, str):
            if looks_like_formula(value):
                style = self._quoted_style(style)
            return _text_xml(reference, style, value)
        return f'<c r="{reference}" s="{style}"><v>{_number(value)}</v></c>'

    def table(self, rows: Iterable[Sequence], columns: Sequence[TableColumn], *,
              progress: Callable[[int], None] | None = None, progress_every: int = 250) -> int:
        """Writes each of `rows` (values in the order of `columns`) as the next row; calls
        `progress` with the rows written so far every `progress_every` rows and once at the end.
        Returns how many rows it wrote.

        The hot loop of a 100,000-row export: a row of ordinary text is written without a test per
        character; a row with anything that needs care (a character to escape, spaces at either
        end of a text, text that starts like a formula) is written again cell by cell
        (`_cell_xml`), which is rare."""
        plan = []
        for index, column in enumerate(columns, start=1):
            letter = column_letter(index)
            plan.append((f'<c r="{letter}', f'" s="{column.style}"/>', f'" s="{column.style}"><v>',
                         f'" s="{column.style}" t="inlineStr"><is><t>', column.numeric, letter, column.style))
        chunk: list[str] = []
        number = self.rows_written
        written = 0
        for values in rows:
            number += 1
            parts = [f'<row r="{number}">']
            texts = []
            careful = False
            for (opening, empty, numeric_middle, text_middle, numeric, _, _), value in zip(plan, values):
                if value is None or value == "":
                    parts.append(f"{opening}{number}{empty}")
                elif numeric:
                    parts.append(f"{opening}{number}{numeric_middle}{_number(value)}</v></c>")
                else:
                    if value.__class__ is not str:
                        value = str(value)
                    if value[0] in _FIRST_CARE or value[-1] in _WHITESPACE:
                        careful = True
                    texts.append(value)
                    parts.append(f"{opening}{number}{text_middle}{value}</t></is></c>")
            if careful or _UNSAFE.search(joined := "".join(texts)) or "_x" in joined:
                parts = [f'<row r="{number}">']
                parts.extend(self._cell_xml(f"{letter}{number}", value, style)
                             for (*_, letter, style), value in zip(plan, values))
            parts.append("</row>")
            chunk.append("".join(parts))
            written += 1
            if written % _CHUNK_ROWS == 0:
                self._write("".join(chunk))
                chunk.clear()
            if progress is not None and written % progress_every == 0:
                progress(written)
        self._write("".join(chunk))
        self.rows_written = number
        if progress is not None:
            progress(written)
        return written

    def merge(self, reference: str) -> None:
        """Merges the cells of `reference` ("A1:L1")."""
        self._merges.append(reference)

    # --- The file ------------------------------------------------------------------------------

    def _write(self, text: str) -> None:
        if self._failure is not None:
            raise self._failure
        self._chunks.put(text.encode())

    def _compress(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._failure is None:
                try:
                    self._sheet.write(chunk)
                except BaseException as error:  # noqa: BLE001 - handed to the writing thread
                    self._failure = error

    def close(self) -> None:
        """Ends the sheet and writes the rest of the package. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self._write("</sheetData>" + self._sheet_end())
        finally:
            self._chunks.put(None)
            self._compressor.join()
        if self._failure is not None:
            raise self._failure
        self._sheet.close()
        archive = self._archive
        archive.writestr("[Content_Types].xml", self._content_types())
        archive.writestr("_rels/.rels", self._package_relationships())
        archive.writestr("xl/workbook.xml", self._workbook())
        archive.writestr("xl/_rels/workbook.xml.rels", self._workbook_relationships())
        archive.writestr("xl/styles.xml", self._styles_xml())
        archive.close()

    def abandon(self) -> None:
        """Stops the compressing thread after a failure and lets go of `output`, unfinished."""
        if self._closed:
            return
        self._closed = True
        self._chunks.put(None)
        self._compressor.join()
        for part in (self._sheet, self._archive):
            try:
                part.close()
            except Exception:  # noqa: BLE001 - already failing: the first error is the one to report
                pass

    def __enter__(self) -> SheetStream:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abandon()

    # --- The parts' XML ------------------------------------------------------------------------

    def _sheet_start(self, widths: Sequence[float], freeze_rows: int) -> str:
        parts = [_HEAD, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">']
        if self.printable:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        parts.append('<sheetViews><sheetView workbookViewId="0">')
        if freeze_rows:
            top_left = f"A{freeze_rows + 1}"
            parts.append(f'<pane ySplit="{freeze_rows}" topLeftCell="{top_left}" activePane="bottomLeft" '
                         f'state="frozen"/><selection pane="bottomLeft" activeCell="{top_left}" sqref="{top_left}"/>')
        parts.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        if widths:
            parts.append("<cols>")
            parts.extend(f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
                         for index, width in enumerate(widths, start=1))
            parts.append("</cols>")
        return "".join(parts)

    def _sheet_end(self) -> str:
        parts = []
        if self._merges:
            parts.append(f'<mergeCells count="{len(self._merges)}">')
            parts.extend(f'<mergeCell ref="{reference}"/>' for reference in self._merges)
            parts.append("</mergeCells>")
        if self.printable:
            parts.append('<printOptions horizontalCentered="1"/>')
        parts.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>')
        if self.printable:
            parts.append('<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
        parts.append("</worksheet>")
        return "".join(parts)

    def _content_types(self) -> str:
        main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        return (f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{main}.worksheet+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>'
                "</Types>")

    def _package_relationships(self) -> str:
        return (f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
                f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
                "</Relationships>")

    def _workbook(self) -> str:
        names = ""
        if self.print_title_row is not None:
            quoted = self.title.replace("'", "''")
            row = self.print_title_row
            rows = _escape(f"'{quoted}'!${row}:${row}")
            names = ('<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
                     f"{rows}</definedName></definedNames>")
        return (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
                '<bookViews><workbookView/></bookViews>'
                f'<sheets><sheet name="{_attribute(self.title)}" sheetId="1" r:id="rId1"/></sheets>'
                f"{names}</workbook>")

    def _workbook_relationships(self) -> str:
        return (f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
                f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
                "</Relationships>")

    def _styles_xml(self) -> str:
        formats: dict[str, int] = {}
        fonts: dict[tuple, int] = {(False, None, False): 0}
        xfs = []
        for style in sorted(self._styles, key=self._styles.__getitem__):
            format_id = 0
            if style.number_format is not None:
                format_id = _BUILTIN_FORMATS.get(style.number_format)
                if format_id is None:
                    format_id = formats.setdefault(style.number_format, 164 + len(formats))
            font_id = fonts.setdefault((style.bold, style.size, style.underline), len(fonts))
            attributes = (f'numFmtId="{format_id}" fontId="{font_id}" fillId="0" borderId="{int(style.border)}" '
                          'xfId="0"')
            if format_id:
                attributes += ' applyNumberFormat="1"'
            if font_id:
                attributes += ' applyFont="1"'
            if style.border:
                attributes += ' applyBorder="1"'
            if style.quote_prefix:
                attributes += ' quotePrefix="1"'
            alignment = "".join([f' horizontal="{style.horizontal}"' if style.horizontal else "",
                                 f' vertical="{style.vertical}"' if style.vertical else "",
                                 ' wrapText="1"' if style.wrap else ""])
            if alignment:
                xfs.append(f'<xf {attributes} applyAlignment="1"><alignment{alignment}/></xf>')
            else:
                xfs.append(f"<xf {attributes}/>")
        font_xml = []
        for bold, size, underline in fonts:
            font_xml.append("<font>" + ("<b/>" if bold else "") + ('<u val="single"/>' if underline else "")
                            + f'<sz val="{size or 11}"/><name val="Calibri"/><family val="2"/></font>')
        number_formats = "".join(f'<numFmt numFmtId="{number}" formatCode="{_attribute(code)}"/>'
                                 for code, number in formats.items())
        thin = '<color indexed="64"/>'
        return (f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
                + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
                + f'<fonts count="{len(font_xml)}">{"".join(font_xml)}</fonts>'
                '<fills count="2"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill></fills>'
                '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
                f'<border><left style="thin">{thin}</left><right style="thin">{thin}</right>'
                f'<top style="thin">{thin}</top><bottom style="thin">{thin}</bottom><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                "</styleSheet>")
