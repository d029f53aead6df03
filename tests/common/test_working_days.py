"""common/working_days.py: Indonesian working days, and a year lokal-id has no holidays for yet."""

import datetime as dt

from lokal import count_working_days
from lokal.holidays import HOLIDAY_YEARS

from common.working_days import working_days


def test_a_year_with_holiday_data_counts_as_lokal_id_does():
    year = HOLIDAY_YEARS[0]

    assert working_days(dt.date(year, 1, 1), dt.date(year, 12, 31)) == count_working_days(
        dt.date(year, 1, 1), dt.date(year, 12, 31))


def test_a_year_without_holiday_data_counts_monday_to_friday():
    year = max(HOLIDAY_YEARS) + 1
    monday = dt.date(year, 1, 1) + dt.timedelta(days=(7 - dt.date(year, 1, 1).weekday()) % 7)

    # Two full weeks and the Monday after: 11 weekdays, whatever holidays that year turns out to have.
    assert working_days(monday, monday + dt.timedelta(days=14)) == 11


def test_a_window_across_the_last_known_year_adds_both_parts():
    last = max(HOLIDAY_YEARS)
    known = count_working_days(dt.date(last, 12, 1), dt.date(last, 12, 31))

    assert working_days(dt.date(last, 12, 1), dt.date(last + 1, 1, 7)) == known + working_days(
        dt.date(last + 1, 1, 1), dt.date(last + 1, 1, 7))


def test_an_end_before_the_start_is_no_day():
    assert working_days(dt.date(2026, 5, 2), dt.date(2026, 5, 1)) == 0
