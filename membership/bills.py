"""The rules of premium bills against the budget (DOMAIN.md §9), each in one place:

- `members_counted_for_period`: the members the app counts for a period (the one rule; a bill is
  checked against it, the committed premium and the months left are priced with it);
- `months_in`, `period_end`, `month_start`: a bill's period of whole months;
- `bill_expected_amount`: members × premium × months (registrations.premiums.premium_cost, the one
  home of premium arithmetic, at the programme's snapshot premium);
- `bill_problems`: what makes a bill unacceptable, for the form and the import alike;
- `members_counted`: the rule counted for many periods in one query (set-based: one aggregate with
  one FILTER per period, whatever the number of members).

Pure functions apart from `members_counted`, which reads the nominees.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from common.formatting import MONTHS, format_date, format_number, format_rupiah
from registrations.enums import NomineeStatus
from registrations.models import Nominee, Programme
from registrations.premiums import premium_cost


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def period_end(last_month: dt.date) -> dt.date:
    """The last day of the month `last_month` falls in."""
    return last_month.replace(day=calendar.monthrange(last_month.year, last_month.month)[1])


def period_label(first_month: dt.date, last_month: dt.date) -> str:
    """"Maret 2026", "Maret – Mei 2026", "Desember 2026 – Februari 2027": a bill's months."""
    last = f"{MONTHS[last_month.month - 1]} {last_month.year}"
    if first_month == last_month:
        return last
    if first_month.year == last_month.year:
        return f"{MONTHS[first_month.month - 1]} – {last}"
    return f"{MONTHS[first_month.month - 1]} {first_month.year} – {last}"


def months_in(first_month: dt.date, last_month: dt.date) -> int:
    """Whole months from `first_month` to `last_month`, both included (March–May: 3)."""
    return (last_month.year - first_month.year) * 12 + last_month.month - first_month.month + 1


def add_months(first_month: dt.date, months: int) -> dt.date:
    index = first_month.year * 12 + first_month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def members_counted_for_period(*, start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """The members the app counts for the period `start`–`end` (days included), as a Q on nominees
    (`prefix` is the path to the nominee): registered with BPJS (a KPJ number), a member since
    `end` at the latest, and not ended before `start`. A member ended during the period still
    counts for it (BPJS bills whole months). Lapsed members count: a bill is what they owe."""
    ended_before = Q(**{f"{prefix}status": NomineeStatus.ENDED, f"{prefix}status_changed_at__lt": _start_of_day(start)})
    return (Q(**{f"{prefix}registered_on__isnull": False, f"{prefix}registered_on__lte": end})
            & ~Q(**{f"{prefix}kpj_number": ""}) & ~ended_before)


@dataclass(frozen=True)
class CountedPeriod:
    """A period to count members for: `key` names the answer."""

    key: str
    programme_id: int
    start: dt.date
    end: dt.date


def members_counted(periods: Sequence[CountedPeriod]) -> dict[str, int]:
    """Members counted (`members_counted_for_period`) for each of `periods`, keyed by `key`: one
    query whatever the number of periods and members (no query at all without periods)."""
    if not periods:
        return {}
    counts = {
        period.key: Count("pk", filter=Q(programme_id=period.programme_id)
                          & members_counted_for_period(start=period.start, end=period.end))
        for period in periods
    }
    return Nominee.objects.filter(programme_id__in={period.programme_id for period in periods}).aggregate(**counts)


def members_counted_by_village(programme: Programme, *, start: dt.date, end: dt.date) -> list[dict]:
    """The members counted for the period per village (name, subdistrict, count), in code order:
    one query."""
    return list(
        Nominee.objects.filter(programme=programme).filter(members_counted_for_period(start=start, end=end))
        .values("village_id", "village__code", "village__name", "village__subdistrict__name")
        .annotate(members=Count("pk")).order_by("village__code")
    )


def funded_period(programme: Programme) -> tuple[dt.date, dt.date]:
    """The months the programme's budget pays for: from its coverage start's month, for its months paid."""
    first = month_start(programme.coverage_start)
    return first, period_end(add_months(first, programme.months_paid - 1))


def bill_expected_amount(programme: Programme, *, members: int, months: int) -> int:
    """What BPJS should bill for `members` over `months`: members × the programme's premium × months."""
    return premium_cost(premium_per_month=programme.premium_per_month, members=members, months=months)


@dataclass(frozen=True)
class BillValues:
    """A bill as typed in the form or read from a row of the branch's spreadsheet."""

    first_month: dt.date
    last_month: dt.date
    members: int
    amount: int
    due_on: dt.date
    paid_on: dt.date | None = None
    payment_document: str = ""


# The fields a problem may be about (the form's fields; the import maps them to its columns).
FIRST_MONTH, LAST_MONTH, MEMBERS, AMOUNT, DUE_ON, PAID_ON, PAYMENT_DOCUMENT = (
    "first_month", "last_month", "members", "amount", "due_on", "paid_on", "payment_document")


def bill_problems(values: BillValues, *, programme: Programme, other_periods: Iterable[tuple[dt.date, dt.date]],
                  today: dt.date) -> list[tuple[str, str]]:
    """What makes the bill unacceptable, as (field, message) pairs; none means it may be saved.
    `other_periods`: (first, last month) of the programme's other bills (not the one with this
    first month, which this bill replaces). The amount is not refused when it differs from
    members × premium × months: the bill is BPJS's, and the budget page flags the difference."""
    problems = []
    if values.last_month < values.first_month:
        problems.append((LAST_MONTH, "Periode sampai tidak boleh sebelum periode mulai."))
    elif values.first_month < month_start(programme.coverage_start):
        starts = format_date(programme.coverage_start)
        problems.append((FIRST_MONTH, f"Periode mulai sebelum program mulai ({starts})."))
    else:
        for first, last in other_periods:
            if first != values.first_month and first <= values.last_month and values.first_month <= last:
                problems.append((FIRST_MONTH, f"Periode bertumpang tindih dengan tagihan {period_label(first, last)}; "
                                              "satu bulan hanya ditagih sekali."))
                break
    if values.members <= 0:
        problems.append((MEMBERS, "Jumlah peserta harus lebih dari 0."))
    if values.amount <= 0:
        problems.append((AMOUNT, "Jumlah tagihan harus lebih dari 0."))
    if values.paid_on is not None and not values.payment_document:
        problems.append((PAYMENT_DOCUMENT, "Tagihan yang sudah dibayar perlu nomor SP2D."))
    if values.payment_document and values.paid_on is None:
        problems.append((PAID_ON, "Isi tanggal bayar sesuai SP2D, atau kosongkan nomor SP2D."))
    if values.paid_on is not None and values.paid_on > today:
        problems.append((PAID_ON, f"Tanggal bayar {format_date(values.paid_on)} sesudah hari ini."))
    return problems


@dataclass(frozen=True)
class BillCheck:
    """A bill against the members the app counts for its period."""

    months: int
    counted: int
    member_difference: int  # billed − counted
    expected_amount: int  # the bill's members × premium × months
    amount_difference: int  # billed amount − expected

    @property
    def flagged(self) -> bool:
        return bool(self.member_difference or self.amount_difference)

    @property
    def summary(self) -> str:
        parts = []
        if self.member_difference > 0:
            parts.append(f"ditagih {format_number(self.member_difference)} peserta lebih banyak dari yang tercatat")
        elif self.member_difference < 0:
            parts.append(f"ditagih {format_number(-self.member_difference)} peserta lebih sedikit dari yang tercatat")
        if self.amount_difference:
            parts.append(f"jumlah tagihan berbeda {format_rupiah(self.amount_difference)} dari peserta × iuran × bulan")
        return "; ".join(parts)


def bill_check(bill, *, programme: Programme, counted: int) -> BillCheck:
    months = months_in(bill.first_month, bill.last_month)
    expected = bill_expected_amount(programme, members=bill.members, months=months)
    return BillCheck(months=months, counted=counted, member_difference=bill.members - counted,
                     expected_amount=expected, amount_difference=bill.amount - expected)
