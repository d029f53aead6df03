"""Properties of the official-figures workbook reader (reports/excel.py) on small workbooks
hypothesis builds: typed values or a problem per cell in Indonesian, WorkbookError for the file,
nothing else; counts and percentages written as the portal writes them read back."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from common.formatting import format_number, format_percent
from common.workbooks import WorkbookError
from reports.excel import COLUMNS, DATA_SHEET, HEADERS, read_workbook
from tests.workbook_strategies import data_rows, workbook_bytes

FIELDS = [column.field for column in COLUMNS]


@given(data_rows(len(HEADERS)), st.booleans())
def test_read_workbook_answers_typed_rows_or_refuses_in_indonesian(rows, with_header):
    content = workbook_bytes(([HEADERS] if with_header else []) + rows, sheet_name=DATA_SHEET)

    try:
        read = read_workbook(content)
    except WorkbookError as error:
        assert any(word in str(error) for word in ("Kolom wajib", "tidak berisi data")), str(error)
        return
    for row in read:
        assert set(row.values) == set(FIELDS)
        problem_headers = {header for header, _ in row.problems}
        for column in COLUMNS:
            if row.values[column.field] is None and column.header in problem_headers:
                continue
            assert column.header not in problem_headers
        assert all(isinstance(message, str) and message for _, message in row.problems)


@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=10**9),
                          st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
                          st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))),
                min_size=1, max_size=5))
def test_figures_written_the_indonesian_way_read_back(figures):
    rows = []
    for active, denominator, percent, as_of in figures:
        values = {field: "" for field in FIELDS}
        values.update(code="17.05", as_of=f"{as_of:%d-%m-%Y}", active_pu=format_number(active),
                      denominator=format_number(denominator), published_percent=format_percent(percent))
        rows.append([values[field] for field in FIELDS])

    read = read_workbook(workbook_bytes([HEADERS, *rows], sheet_name=DATA_SHEET))

    assert [(row.values["active_pu"], row.values["denominator"], row.values["published_percent"],
             row.values["as_of"], row.problems) for row in read] == [
        (active, denominator, Decimal(percent), as_of, []) for active, denominator, percent, as_of in figures]
