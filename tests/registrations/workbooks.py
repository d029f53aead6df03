"""Builds the workbooks an officer would upload, for the Excel and import tests."""

from io import BytesIO

from openpyxl import Workbook

from registrations.nominee_import import workbook as excel

TEMPLATE_HEADERS = [column.header for column in excel.TEMPLATE_COLUMNS]


def workbook_bytes(rows, *, headers=TEMPLATE_HEADERS, title="Calon peserta", extra_sheets=()):
    """A header row, then one row per dict (missing keys left blank)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for name in extra_sheets:
        workbook.create_sheet(name, 0)
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header) for header in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
