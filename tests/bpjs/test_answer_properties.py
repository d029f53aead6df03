"""Properties of the BPJS answer reader (bpjs/answers.py) on any cells and on small workbooks
hypothesis builds: every row is read as matched or malformed with an Indonesian reason, never an
exception; a file is refused only with WorkbookError; a well-formed row reads back as written."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bpjs.answers import COLUMNS, MALFORMED, MATCHED, REFUSE, REGISTER, _parse, read_rows
from common.workbooks import WorkbookError
from tests.workbook_strategies import cell_values, data_rows, workbook_bytes

FIELDS = list(COLUMNS)
HEADERS = list(COLUMNS.values())


@given(st.dictionaries(st.sampled_from(FIELDS), cell_values))
def test_any_row_is_matched_or_malformed_with_a_reason(values):
    row = _parse(5, values)

    assert row.outcome in (MATCHED, MALFORMED)
    if row.outcome == MALFORMED:
        assert row.message
    else:
        assert len(row.nik) == 16 and row.action in (REGISTER, REFUSE)


@given(st.text(alphabet="0123456789", min_size=16, max_size=16), st.text(alphabet="0123456789", min_size=1,
                                                                           max_size=11),
       st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)), st.sampled_from([" ", "-", "."]))
def test_an_active_row_reads_back_with_separators_tolerated(nik, kpj, registered_on, separator):
    typed_nik = separator.join([nik[:6], nik[6:12], nik[12:]])

    row = _parse(2, {"nik": typed_nik, "kpj_number": f" {kpj} ", "bpjs_status": " Aktif ",
                     "registered_on": f"{registered_on:%d-%m-%Y}"})

    assert (row.outcome, row.message) == (MATCHED, "")
    assert (row.nik, row.kpj_number, row.action, row.registered_on) == (nik, kpj, REGISTER, registered_on)


@given(data_rows(len(HEADERS)), st.booleans())
def test_read_rows_answers_rows_or_refuses_the_file_in_indonesian(rows, with_header):
    content = workbook_bytes(([HEADERS] if with_header else []) + rows)

    try:
        read = read_rows(content)
    except WorkbookError as error:
        assert any(word in str(error) for word in ("Baris judul", "tidak berisi baris data")), str(error)
        return
    assert with_header and read
    assert all(set(values) == set(FIELDS) for _, values in read)
