"""Numbers, Rupiah, percentages, dates and phone numbers the Indonesian way: how every page,
message, command, export and chart of the portal writes them, and how the entry forms, the
commands and the spreadsheet imports read numbers and percentages back.

Writing numbers: a dot groups thousands and a comma marks decimals ("2.020", "1.234,57",
"46,80%", "Rp16.800"), percentages always with the comma and two decimals; rounding is half up,
never to even; a missing value is "—".

Writing dates: one written form per kind, on every page, message, document and export heading:
- a date:          "4 Desember 2026" (`format_date`); with its weekday where a document or a
                   deadline names the day: "Jumat, 4 Desember 2026" (`format_weekday_date`);
- a date and time: "4 Desember 2026 pukul 10.02 WIB" (`format_datetime`): the time with a dot, as
                   Indonesian writes it, and the zone (WIB, WITA or WIT) the reader's clock shows;
- a period:        "1 Januari – 31 Maret 2027" (`format_period`): the first year left out when both
                   ends are in the same year, "1–15 Januari 2027" within one month, and
                   "1 Desember 2026 – 31 Januari 2027" across years.
Two places write a date otherwise, for a reason: a chart axis, short of room, writes "4 Des 2026"
(`format_axis_date`), and a spreadsheet cell someone may fill in or upload again (an upload
template, the rejected-rows file, the BPJS file) holds a date cell with the templates' number
format DD-MM-YYYY (common.workbooks.DATE: "04-12-2026"), which the imports read back. Month and
day names are written out here, not taken from the active language, so a printed document is
dated in Indonesian whatever the reader's browser asks for.

Writing phone numbers: "0812-3456-7890", as people read and dial them (`format_phone`, on
lokal-id's parser); they are stored as +6281234567890.

Reading: people type "46,80", "46.80" or "46,8 %", and "25.400", "25,400" or "25 400" for a whole
number; a spreadsheet cell may hold a number instead of text.

Pure functions, no database; templates reach them through the `formatting` template library
(common/templatetags/formatting.py).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from lokal import format_rupiah as _lokal_rupiah
from lokal import parse_phone as _lokal_parse_phone

EMPTY = "—"  # what a table or a message shows for a missing value
PERCENT_DECIMAL_PLACES = 2  # percentages shown, in JSON and as typed (DOMAIN §4)
PERCENT_PLACES = Decimal(1).scaleb(-PERCENT_DECIMAL_PLACES)  # Decimal("0.01"), for quantize
PERCENT_ROUNDING = ROUND_HALF_UP

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
MONTHS_ABBREVIATED = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # date.weekday(): Monday is 0

_GROUPED = re.compile(r"-?\d{1,3}([.,]\d{3})+")
_WHOLE = re.compile(r"-?\d+")


# --- Writing numbers ---------------------------------------------------------------------------------

def _decimal(value) -> Decimal:
    # A float goes through its shortest text: a cell's 19.41 is 19.41, not the binary 19.4099999999999994…
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def display_percent(value) -> Decimal | None:
    """A percentage as people and the API see it: 2 decimals, half up (Decimal("1.125") → 1.13;
    reports.coverage.rules.published_percent rounds every coverage percentage with it). None stays None."""
    return None if value is None else _decimal(value).quantize(PERCENT_PLACES, rounding=PERCENT_ROUNDING)


def format_decimal(value, places: int = 2) -> str:
    """Decimal("1234.567") → "1.234,57"; `places` decimals, half up; None → "—"."""
    if value is None:
        return EMPTY
    if type(value) is int:  # a count: nothing to round (a coverage table writes ~1,300 per page)
        grouped = f"{abs(value):,}".replace(",", ".")
        return f"{'-' if value < 0 else ''}{grouped}{',' + '0' * places if places > 0 else ''}"
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    sign = "-" if rounded < 0 else ""  # -0.004 rounds to 0,00, not to "-0,00"
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_number(value) -> str:
    """2020 → "2.020" (a count: rounded half up to a whole number); None → "—"."""
    return format_decimal(value, places=0)


def format_percent(value, places: int = PERCENT_DECIMAL_PLACES) -> str:
    """Decimal("82.158") → "82,16%"; None → "—"."""
    return EMPTY if value is None else f"{format_decimal(value, places)}%"


def format_rupiah(value) -> str:
    """16800 → "Rp16.800" (lokal-id: no space, no sen, half up; -1500 → "-Rp1.500"); None → "—"."""
    return EMPTY if value is None else _lokal_rupiah(value)


def format_megabytes(size_in_bytes: int) -> str:
    """5_300_000 bytes → "5,1" (MB of 1024 × 1024 bytes, one decimal): the size in a refusal."""
    return format_decimal(Decimal(size_in_bytes) / (1024 * 1024), places=1)


# --- Writing dates -----------------------------------------------------------------------------------

def format_date(day: dt.date) -> str:
    """2026-12-04 → "4 Desember 2026": a date on a page, in a message, a document or an export's
    heading. A datetime is written as its date."""
    # Not strftime: the nominative list writes a birth date per row, 100,000 rows in one export.
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_weekday_date(day: dt.date) -> str:
    """"Jumat, 4 Desember 2026": a date with its weekday, where a document or a deadline names the day."""
    return f"{WEEKDAYS[day.weekday()]}, {format_date(day)}"


def format_datetime(moment: dt.datetime) -> str:
    """"4 Desember 2026 pukul 10.02 WIB", in the zone `moment` is in (pass timezone.localtime(...)
    for the reader's; the template filter does). The zone is named as the tz database names it
    (WIB, WITA, WIT; UTC for a time not made local); a naive moment is written without one."""
    zone = moment.tzname()
    return f"{format_date(moment)} pukul {moment.hour:02}.{moment.minute:02}{' ' + zone if zone else ''}"


def format_period(start: dt.date, end: dt.date) -> str:
    """The days from `start` to `end`, both included: "1 Januari – 31 Maret 2027" (one year written
    once), "1–15 Januari 2027" (within one month), "1 Desember 2026 – 31 Januari 2027" (across
    years), "4 Desember 2026" (one day)."""
    if start == end:
        return format_date(start)
    if start.year != end.year:
        return f"{format_date(start)} – {format_date(end)}"
    if start.month != end.month:
        return f"{start.day} {MONTHS[start.month - 1]} – {format_date(end)}"
    return f"{start.day}–{format_date(end)}"


def format_axis_date(day: dt.date) -> str:
    """"4 Des 2026": a date under a chart's axis, where a written-out month does not fit."""
    return f"{day.day} {MONTHS_ABBREVIATED[day.month - 1]} {day.year}"


# --- Writing phone numbers ---------------------------------------------------------------------------

def format_phone(phone: str) -> str:
    """"+6281270000008" (as stored) → "0812-7000-0008"; a landline "+62215551234" → "(021) 5551234"
    (lokal-id's national form). Text that is no Indonesian number comes back unchanged; "" → "—"."""
    if not phone:
        return EMPTY
    info = _lokal_parse_phone(phone)
    return info.national if info.valid and info.national else phone


# --- Reading numbers ---------------------------------------------------------------------------------

def read_whole_number(value) -> int:
    """"25400", "25.400", "25,400", "25 400", "-5", 25400 or 25400.0 → 25400: thousands grouped
    Indonesian or English style, or a number cell holding a whole number. Raises ValueError for
    anything else ("1,5", "100.5", 1.5, "seribu", True); the caller words the refusal, since only
    it knows the field."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        number = _decimal(value)
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(f"{value!r} is not a whole number")
        return int(number)
    text = str(value).strip().replace(" ", "")
    if _GROUPED.fullmatch(text):
        text = re.sub(r"[.,]", "", text)
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"{value!r} is not a whole number")
    return int(text)


def read_percent_number(value) -> Decimal:
    """The number in "46,80", "46.80", "46,8 %", "19,41%" or a number cell; comma or dot as the
    decimal mark. Raises ValueError when there is none; NaN and infinity are returned for the
    caller's range check. No range or places check here: parse_percent does those."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float | Decimal):
        return _decimal(value)
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None


def parse_percent(value, *, label: str, rounded: bool = False) -> Decimal:
    """A percentage from 0 to 100 with at most two decimals, as typed or as a cell holds it
    (read_percent_number). `rounded`: more decimals are rounded half up instead of refused (a
    spreadsheet's computed cell). Raises ValidationError with the Indonesian message, naming
    `label`: the services, the planner and the official-figures import all refuse alike."""
    try:
        percent = read_percent_number(value)
    except ValueError:
        raise ValidationError(f"{label} '{value}' harus berupa angka persen, mis. 46,80.") from None
    if not percent.is_finite() or not 0 <= percent <= 100:
        raise ValidationError(f"{label} harus antara 0 dan 100 persen.")
    if rounded:
        return display_percent(percent)
    if percent != percent.quantize(PERCENT_PLACES):
        raise ValidationError(f"{label} paling banyak dua angka di belakang koma.")
    return percent
