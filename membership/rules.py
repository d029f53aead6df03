"""The rules of membership after registration (DOMAIN.md §3, §9), each in one named function:
when the paid period is over (arrears), when an unpaid membership lapses (the dated grace period),
how many months are unpaid, and the status a member's payment calls for on a date. The daily update
(services.memberships_update), BPJS's participant file (participants.py) and the pages all ask
these; the coverage count of active members (reports.coverage.rules.covered_workers_q) applies
the same "paid up to the date" test in SQL."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from registrations.enums import NomineeStatus as S

from .models import GracePeriod

# DOMAIN.md §3, when no GracePeriod row is in force yet (the migration adds the one of today's rule).
DEFAULT_GRACE_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), kept inside a shorter month: 31-01 + 1 → 28/29-02."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def grace_months_on(on: dt.date) -> int:
    """The grace period in force on `on` (the latest GracePeriod from on or before it), in months."""
    row = GracePeriod.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return row.months if row else DEFAULT_GRACE_MONTHS


def is_paid_on(paid_until: dt.date | None, on: dt.date) -> bool:
    """Is the member protected on `on`: premiums paid up to that day or later."""
    return paid_until is not None and paid_until >= on


def lapses_after(paid_until: dt.date, grace_months: int) -> dt.date:
    """The last day in arrears: the membership lapses the day after, "more than N months unpaid"."""
    return add_months(paid_until, grace_months)


def months_unpaid(paid_until: dt.date | None, on: dt.date) -> int:
    """The months begun since the paid period ended (0 when paid up): paid to 31-01, on 01-02 → 1,
    on 01-03 → 2."""
    if paid_until is None or paid_until >= on:
        return 0
    months = (on.year - paid_until.year) * 12 + on.month - paid_until.month
    return months + (1 if add_months(paid_until, months) < on else 0)


def status_for_payment(*, status: str, paid_until: dt.date | None, on: dt.date, grace_months: int,
                       registration_means_active: bool) -> str:
    """The status a member's payment calls for on `on` (the same status when nothing changes):
    paid up → active (a registered member only when the regency counts registration as active);
    paid period over → arrears; unpaid beyond the grace period → lapsed. A member without a paid-up
    date (BPJS has not given one) is left as is."""
    if paid_until is None or status not in (S.REGISTERED, S.ACTIVE, S.ARREARS, S.LAPSED):
        return status
    if paid_until >= on:
        if status == S.REGISTERED and not registration_means_active:
            return status
        return S.ACTIVE
    if on > lapses_after(paid_until, grace_months):
        return S.LAPSED
    # Still within the grace period: arrears; a lapsed member stays lapsed until paid again.
    return S.LAPSED if status == S.LAPSED else S.ARREARS


def membership_today() -> dt.date:
    """The day the daily update judges payment on: today in the regencies' default time zone
    (settings.DEFAULT_REGENCY_TIME_ZONE), as the coverage figures are dated."""
    return timezone.localdate(timezone=ZoneInfo(settings.DEFAULT_REGENCY_TIME_ZONE))


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)
