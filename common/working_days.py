"""Indonesian working days between two dates: how long a nomination window has left, or how long
ago it closed. Pure functions, no database.

lokal-id knows the national holidays and cuti bersama only for the years whose joint decree (SKB
3 Menteri) is out — it is published around September of the year before. A programme may close in
a later year (a 2027 window running into January 2028, a typed 2062); for such a year Monday to
Friday are counted, an estimate that the next lokal-id release sharpens, instead of failing the
village's page and the submission tracking with a server error.
"""

from __future__ import annotations

import datetime as dt

from lokal import count_working_days
from lokal.holidays import HOLIDAY_YEARS


def _weekdays(start: dt.date, end: dt.date) -> int:
    days = (end - start).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    return weeks * 5 + sum((start.weekday() + offset) % 7 < 5 for offset in range(rest))


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days from `start` to `end`, both included (0 when `end` is before `start`):
    national holidays and cuti bersama off where lokal-id has the year, weekends off always."""
    total = 0
    for year in range(start.year, end.year + 1):
        first, last = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
        if first > last:
            continue
        total += count_working_days(first, last) if year in HOLIDAY_YEARS else _weekdays(first, last)
    return total
