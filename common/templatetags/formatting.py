"""Template filters for numbers, dates and phone numbers written the Indonesian way, whatever
language the browser asks for: `{% load formatting %}` then

- `{{ value|number }}` ("2.020"), `{{ value|percent }}` ("46,80%"), `{{ value|decimal }}` ("2,02"),
  `{{ value|rupiah }}` ("Rp16.800");
- `{{ value|day }}` ("4 Desember 2026"), `{{ value|weekday_day }}` ("Jumat, 4 Desember 2026"),
  `{{ value|day_time }}` ("4 Desember 2026 pukul 10.02 WIB"), `{{ start|period:end }}`
  ("1 Januari – 31 Maret 2027");
- `{{ nominee.phone|phone }}` ("0812-3456-7890").

A missing value shows "—". A stored time is shown in the reader's zone (the active time zone,
accounts.middleware). Each calls common.formatting, the one home of these forms; a template
never writes a date with Django's own `date` filter, except as a machine-readable attribute
(`<time datetime="{{ value|date:'c' }}">`)."""

import datetime as dt

from django import template
from django.utils import timezone

from common import formatting

register = template.Library()


def _missing(value) -> bool:
    return value is None or value == ""  # "": a variable the context does not hold


def _local(value):
    """A stored (aware) time in the reader's zone; a date or a naive time as it is."""
    return timezone.localtime(value) if isinstance(value, dt.datetime) and timezone.is_aware(value) else value


@register.filter
def number(value) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_number(value)


@register.filter
def decimal(value, places: int = 2) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_decimal(value, int(places))


@register.filter
def percent(value) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_percent(value)


@register.filter
def rupiah(value) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_rupiah(value)


@register.filter
def day(value) -> str:
    """A date, or the local date of a stored time."""
    return formatting.EMPTY if _missing(value) else formatting.format_date(_local(value))


@register.filter
def weekday_day(value) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_weekday_date(_local(value))


@register.filter
def day_time(value) -> str:
    """A stored time in the reader's zone; a plain date is written as a date."""
    if _missing(value):
        return formatting.EMPTY
    if not isinstance(value, dt.datetime):
        return formatting.format_date(value)
    return formatting.format_datetime(_local(value))


@register.filter
def period(start, end) -> str:
    """`{{ programme.nomination_opens|period:programme.nomination_closes }}`."""
    if _missing(start) or _missing(end):
        return formatting.EMPTY
    return formatting.format_period(_local(start), _local(end))


@register.filter
def phone(value) -> str:
    return formatting.EMPTY if _missing(value) else formatting.format_phone(value)
