"""Properties of the nominee workbook reader (registrations/nominee_import/workbook.py) on small
workbooks hypothesis builds: it answers rows of text or refuses the file with WorkbookError and an
Indonesian message, never anything else; a number in an identifier column is refused, never
guessed; text is read back as typed, whitespace tidied; a date reads back as ISO; OpenSID's HTML
report reads back what OpenSID wrote."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from common.workbooks import WorkbookError
from registrations.nominee_import.workbook import (
    DATA_SHEET,
    IDENTIFIER_FIELDS,
    OPENSID,
    TEMPLATE,
    TEMPLATE_COLUMNS,
    _read_row,
    numeric_identifier_message,
    read_workbook,
)
from tests.registrations.workbooks import opensid_report_bytes
from tests.workbook_strategies import cell_text, cell_values, data_rows, workbook_bytes

HEADERS = [column.header for column in TEMPLATE_COLUMNS]
FIELDS = [column.field for column in TEMPLATE_COLUMNS]


@given(st.dictionaries(st.sampled_from(FIELDS), cell_values), st.sampled_from([TEMPLATE, OPENSID]))
def test_read_row_answers_text_for_every_cell_and_refuses_numeric_identifiers(raw, kind):
    row = _read_row(7, raw, kind)

    assert all(isinstance(value, str) for value in row.values.values())
    for name in IDENTIFIER_FIELDS:
        value = raw.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert row.values[name] == ""
            assert (name, numeric_identifier_message(name)) in [(p.field, p.message) for p in row.problems]


@given(data_rows(len(HEADERS)), st.sampled_from([DATA_SHEET, "Sheet1"]), st.booleans())
def test_read_workbook_answers_text_rows_or_refuses_in_indonesian(rows, sheet_name, with_header):
    content = workbook_bytes(([HEADERS] if with_header else []) + rows, sheet_name=sheet_name)

    try:
        sheet = read_workbook(content)
    except WorkbookError as error:
        assert any(word in str(error) for word in ("Kolom wajib", "kosong", "tidak berisi data")), str(error)
        return
    assert with_header and sheet.rows
    assert all(isinstance(value, str) for row in sheet.rows for value in row.values.values())


@given(st.lists(st.tuples(cell_text.filter(str.strip), st.dates(min_value=dt.date(1940, 1, 1),
                                                                max_value=dt.date(2010, 12, 31)),
                          st.sampled_from(["date", "text"])), min_size=1, max_size=4))
def test_names_and_birth_dates_read_back_as_written(people):
    rows = []
    for name, born, written in people:
        row = {field: "" for field in FIELDS}
        row.update(nik="1705011505900001", kk="1705010101200001", full_name=f"  {name} ",
                   birth_date=born if written == "date" else f"{born:%d-%m-%Y}")
        rows.append([row[field] for field in FIELDS])

    sheet = read_workbook(workbook_bytes([HEADERS, *rows], sheet_name=DATA_SHEET))

    assert [(row.values["full_name"], row.values["birth_date"]) for row in sheet.rows] == [
        (" ".join(name.split()), born.isoformat()) for name, born, _ in people]
    assert {row.values["nik"] for row in sheet.rows} == {"1705011505900001"}


@given(st.lists(st.tuples(cell_text.filter(str.strip), cell_text, st.dates(min_value=dt.date(1940, 1, 1),
                                                                           max_value=dt.date(2010, 12, 31)),
                          st.sampled_from(["L", "P"])), min_size=1, max_size=4),
       st.sampled_from([1, 2]))
def test_opensid_report_reads_back_what_opensid_wrote(people, sasaran):
    """OpenSID's "Unduh" report (HTML named .xls): whatever the names and addresses hold (markup
    characters included), the reader gives back the card's name, the NIK and KK as text, the date
    as ISO and the sex as L/P."""
    rows = [{"nik": f"17050{index}{born.day + (40 if sex == 'P' else 0):02d}{born:%m%y}000{index + 1}",
             "kk": f"170501010120000{index + 1}", "name": name, "birth_place": "Seluma", "address": address,
             "birth_date": born.isoformat(), "sex": sex, "head_nik": "1705011505900001"}
            for index, (name, address, born, sex) in enumerate(people)]

    sheet = read_workbook(opensid_report_bytes(rows, sasaran=sasaran), allow_html=True)

    assert [(row.values["full_name"], row.values["nik"], row.values["kk"], row.values["birth_date"],
             row.values["sex"]) for row in sheet.rows] == [
        (" ".join(person["name"].upper().split()), person["nik"], person["kk"], person["birth_date"], person["sex"])
        for person in rows]
