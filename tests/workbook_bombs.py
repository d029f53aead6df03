"""Hostile workbooks for the upload tests, built in the test with zipfile: a real openpyxl workbook
whose first sheet is replaced by sheet XML streamed into the zip, so a sheet of hundreds of
megabytes costs a few seconds to build and a few kilobytes to keep."""

import struct
import zipfile
from collections.abc import Iterable, Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
# With the <dimension> Excel writes: without it, openpyxl reads the whole sheet once to size it.
_OPEN = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b'<dimension ref="A1:G2"/><sheetData>')
_CLOSE = b"</sheetData></worksheet>"


def row_xml(values: Sequence[str]) -> bytes:
    """One row of inline-string cells (no row or cell references: openpyxl counts them)."""
    return b"<row>" + b"".join(f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>'.encode() for value in values) + b"</row>"


def workbook_with_sheet(*, title: str, header: Sequence[str], body: Iterable[bytes], extra_parts: int = 0) -> bytes:
    """An .xlsx whose sheet `title` holds `header` then the rows of `body` (row_xml chunks, streamed),
    plus `extra_parts` small parts of no use."""
    template = Workbook()
    template.active.title = title
    buffer = BytesIO()
    template.save(buffer)
    out = BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != SHEET:
                target.writestr(item, source.read(item.filename))
        with target.open(SHEET, "w") as sheet:
            sheet.write(_OPEN + row_xml(header))
            for chunk in body:
                sheet.write(chunk)
            sheet.write(_CLOSE)
        for number in range(extra_parts):
            target.writestr(f"customXml/item{number}.xml", "<a/>")
    return out.getvalue()


def repeated(row: bytes, count: int, *, per_chunk: int = 10_000) -> Iterable[bytes]:
    """`count` copies of `row`, in chunks."""
    chunk = row * per_chunk
    for _ in range(count // per_chunk):
        yield chunk
    yield row * (count % per_chunk)


def bomb(*, title: str, header: Sequence[str], row: Sequence[str], unpacked_mb: int = 300) -> bytes:
    """A sheet of about `unpacked_mb` MB of the same row, which deflate packs a thousand to one."""
    one = row_xml(row)
    return workbook_with_sheet(title=title, header=header, body=repeated(one, unpacked_mb * 1024 * 1024 // len(one)))


def lying_about_size(content: bytes, part: str = SHEET, declared: int = 1000) -> bytes:
    """The workbook with `part`'s unpacked size declared as `declared` bytes, in its local header and
    in the central directory, while its data stays as large as it is."""
    data = bytearray(content)
    name = part.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30:local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)
