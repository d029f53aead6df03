"""common/workbooks.py cell_date: a date written as text reads the same, whichever way is taken
(dd-mm-yyyy without strptime, every other shape through the patterns)."""

import datetime as dt

import pytest

from common.workbooks import _DATE_PATTERNS, cell_date


def by_patterns(text):
    for pattern in _DATE_PATTERNS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


@pytest.mark.parametrize("text", [
    "15-05-1990", "15/05/1990", "15.05.1990", "1990-05-15", "1990/05/15", "5-5-1990", " 15-05-1990 ",
    "29-02-2000", "29-02-1900", "31-04-1990", "00-05-1990", "15-00-1990", "15-13-1990", "15-05-0000",
    "15-05-0001", "15-05/1990", "+1-05-1990", "15-+5-1990", "1 -05-1990", "١٥-05-1990", "15-٠5-1990",
    "15-05-199a", "1990-05-15 00:00:00", "", "kemarin",
])
def test_a_text_date_reads_as_the_patterns_read_it(text):
    assert cell_date(text) == by_patterns(text)


def test_every_day_of_a_leap_year_and_its_neighbours():
    texts = [f"{day:02d}{sep}{month:02d}{sep}{year}" for day in range(33) for month in range(14)
             for sep in "-/." for year in (1900, 2000, 2024, 2025)]

    assert [cell_date(text) for text in texts] == [by_patterns(text) for text in texts]
