"""Hypothesis strategies for the workbook readers' property tests: what a cell of an uploaded
.xlsx can hold, and a small workbook built from rows of such cells."""

import datetime as dt
from io import BytesIO

from hypothesis import strategies as st
from openpyxl import Workbook

# Text openpyxl can store (no control characters, no lone surrogates), a little of it digit-shaped.
cell_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.text(alphabet="0123456789 .-/", max_size=20),
)
cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**15, max_value=10**15),
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False), cell_text,
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)),
)


def workbook_bytes(rows, *, sheet_name: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if sheet_name:
        sheet.title = sheet_name
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def data_rows(width: int, *, max_rows: int = 4):
    return st.lists(st.lists(cell_values, min_size=width, max_size=width), min_size=0, max_size=max_rows)
