"""common/formatting.py, the one home of Indonesian numbers, Rupiah, percentages and dates: exact
text for each form, the rounding (half up, never to even), missing values, and reading back what
people type. Pure, no database; the template filters are rendered with English active to show
they do not follow the browser's language."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone, translation

from common import formatting

# --- Numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"),
    (999, "999"),
    (2_020, "2.020"),
    (101_808_000, "101.808.000"),
    (-1_234_567, "-1.234.567"),
    (Decimal("2019.5"), "2.020"),  # half up
    (None, "—"),
])
def test_format_number(value, text):
    assert formatting.format_number(value) == text


@pytest.mark.parametrize(("value", "places", "text"), [
    (Decimal("1234.567"), 2, "1.234,57"),
    (Decimal("2.025"), 2, "2,03"),  # half up, where rounding to even would give 2,02
    (Decimal("0.004"), 2, "0,00"),
    (Decimal("-0.004"), 2, "0,00"),  # no "-0,00"
    (Decimal("-0.5"), 2, "-0,50"),
    (Decimal("-1234.5"), 2, "-1.234,50"),
    (0.25, 1, "0,3"),
    (2.5, 1, "2,5"),
    (19.41, 2, "19,41"),  # a float as written, not its binary expansion
    (7, 2, "7,00"),
    (None, 2, "—"),
])
def test_format_decimal(value, places, text):
    assert formatting.format_decimal(value, places) == text


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("46.8"), "46,80%"),
    (Decimal("82.1581"), "82,16%"),
    (Decimal("1.125"), "1,13%"),  # half up, not to even
    (Decimal("100"), "100,00%"),
    (Decimal("-2.5"), "-2,50%"),
    (0, "0,00%"),
    (None, "—"),
])
def test_format_percent(value, text):
    assert formatting.format_percent(value) == text


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("1.125"), Decimal("1.13")),  # half up, not to even
    (Decimal("82.1581"), Decimal("82.16")),
    (Decimal("0.004"), Decimal("0.00")),
    (None, None),
])
def test_display_percent_rounds_half_up_to_two_places(value, shown):
    assert formatting.display_percent(value) == shown


@pytest.mark.parametrize(("value", "text"), [
    (16_800, "Rp16.800"),
    (101_808_000, "Rp101.808.000"),
    (0, "Rp0"),
    (-1_500, "-Rp1.500"),
    (Decimal("1500.5"), "Rp1.501"),
    (None, "—"),
])
def test_format_rupiah(value, text):
    assert formatting.format_rupiah(value) == text


@pytest.mark.parametrize(("size", "text"), [
    (5 * 1024 * 1024 + 1, "5,0"),
    (5_300_000, "5,1"),
    (1024 * 1024 // 2, "0,5"),
])
def test_format_megabytes(size, text):
    assert formatting.format_megabytes(size) == text


# --- Dates --------------------------------------------------------------------------------------


def test_one_written_form_per_kind_of_date():
    wib, wita = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar")

    assert formatting.format_date(dt.date(2026, 12, 4)) == "4 Desember 2026"
    assert formatting.format_date(dt.datetime(2026, 12, 4, 23, 59)) == "4 Desember 2026"
    assert formatting.format_weekday_date(dt.date(2026, 12, 4)) == "Jumat, 4 Desember 2026"
    assert formatting.format_datetime(dt.datetime(2026, 11, 25, 3, 5, tzinfo=wib)) == "25 November 2026 pukul 03.05 WIB"
    assert formatting.format_datetime(dt.datetime(2026, 11, 25, 10, 2, tzinfo=wita)) == (
        "25 November 2026 pukul 10.02 WITA")
    assert formatting.format_datetime(dt.datetime(2026, 11, 25, 10, 2)) == "25 November 2026 pukul 10.02"


@pytest.mark.parametrize(("start", "end", "text"), [
    (dt.date(2027, 1, 1), dt.date(2027, 3, 31), "1 Januari – 31 Maret 2027"),  # one year, written once
    (dt.date(2027, 1, 1), dt.date(2027, 1, 15), "1–15 Januari 2027"),  # one month
    (dt.date(2026, 12, 1), dt.date(2027, 1, 31), "1 Desember 2026 – 31 Januari 2027"),  # across years
    (dt.date(2026, 12, 4), dt.date(2026, 12, 4), "4 Desember 2026"),  # one day
])
def test_a_period_is_written_once_per_shared_part(start, end, text):
    assert formatting.format_period(start, end) == text


def test_dates_are_written_in_indonesian_whatever_the_language():
    days = [dt.date(2026, month, day) for month, day in ((1, 1), (8, 17), (12, 4))]

    with translation.override("en"):
        written = [formatting.format_date(day) for day in days]
        abbreviated = [formatting.format_axis_date(day) for day in days]
        weekdays = [formatting.format_weekday_date(dt.date(2026, 11, day)).split(",")[0] for day in range(2, 9)]

    assert written == ["1 Januari 2026", "17 Agustus 2026", "4 Desember 2026"]
    assert abbreviated == ["1 Jan 2026", "17 Agu 2026", "4 Des 2026"]
    assert weekdays == ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
    assert [formatting.format_date(dt.date(2026, month, 1)).split()[1] for month in range(1, 13)] == [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
        "November", "Desember"]
    assert [formatting.format_axis_date(dt.date(2026, month, 1)).split()[1] for month in range(1, 13)] == [
        "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


# --- Phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("stored", "shown"), [
    ("+6281270000008", "0812-7000-0008"),
    ("+6281234567890", "0812-3456-7890"),
    ("+62215551234", "(021) 5551234"),  # a landline, with its area code
    ("bukan nomor", "bukan nomor"),  # no Indonesian number (the admin could type one): unchanged
    ("", "—"),
])
def test_a_phone_number_is_shown_as_people_dial_it(stored, shown):
    assert formatting.format_phone(stored) == shown


# --- Reading whole numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "number"), [
    ("25400", 25_400),
    ("25.400", 25_400),
    ("25,400", 25_400),
    (" 1.500.000 ", 1_500_000),
    ("25 400", 25_400),
    ("-5", -5),
    (25_400, 25_400),
    (25_400.0, 25_400),
    (Decimal("7"), 7),
])
def test_read_whole_number(typed, number):
    assert formatting.read_whole_number(typed) == number


@pytest.mark.parametrize("typed", ["1,5", "100.5", "1.50", "12.3456", "seribu", "", 1.5, True, None])
def test_read_whole_number_refuses_what_is_not_a_whole_number(typed):
    with pytest.raises(ValueError):
        formatting.read_whole_number(typed)


# --- Reading percentages ------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "percent"), [
    ("46,80", Decimal("46.80")),
    ("46.80", Decimal("46.80")),
    ("46,8 %", Decimal("46.8")),
    (" 19,41% ", Decimal("19.41")),
    ("0", Decimal("0")),
    ("100", Decimal("100")),
    (Decimal("38.45"), Decimal("38.45")),
    (19.41, Decimal("19.41")),
    (50, Decimal("50")),
])
def test_parse_percent_reads_what_people_type(typed, percent):
    assert formatting.parse_percent(typed, label="Target UCJ") == percent


@pytest.mark.parametrize(("typed", "message"), [
    ("empat puluh", "Target UCJ 'empat puluh' harus berupa angka persen, mis. 46,80."),
    ("46,80,1", "Target UCJ '46,80,1' harus berupa angka persen, mis. 46,80."),
    ("", "Target UCJ '' harus berupa angka persen, mis. 46,80."),
    (True, "Target UCJ 'True' harus berupa angka persen, mis. 46,80."),
    ("100,01", "Target UCJ harus antara 0 dan 100 persen."),
    ("-0.01", "Target UCJ harus antara 0 dan 100 persen."),
    ("NaN", "Target UCJ harus antara 0 dan 100 persen."),
    ("Infinity", "Target UCJ harus antara 0 dan 100 persen."),
    ("46,805", "Target UCJ paling banyak dua angka di belakang koma."),
])
def test_parse_percent_refuses_in_indonesian(typed, message):
    with pytest.raises(ValidationError) as error:
        formatting.parse_percent(typed, label="Target UCJ")

    assert error.value.messages == [message]


@pytest.mark.parametrize(("typed", "percent"), [
    ("19,415", Decimal("19.42")),  # half up
    (Decimal("19.4123"), Decimal("19.41")),
    ("46,8", Decimal("46.80")),
])
def test_parse_percent_rounded_rounds_extra_places_instead_of_refusing(typed, percent):
    assert formatting.parse_percent(typed, label="UCJ", rounded=True) == percent


def test_read_percent_number_leaves_range_and_places_to_the_caller():
    assert formatting.read_percent_number("146,805 %") == Decimal("146.805")
    with pytest.raises(ValueError):
        formatting.read_percent_number("empat puluh")


# --- Template filters ---------------------------------------------------------------------------


def test_template_filters_write_the_indonesian_way_even_in_english():
    template = Template("{% load formatting %}{{ n|number }} | {{ p|percent }} | {{ d|decimal }} | "
                        "{{ d|decimal:1 }} | {{ r|rupiah }} | {{ missing|percent }} | {{ none|number }}")
    context = Context({"n": 1_234_567, "p": Decimal("46.805"), "d": Decimal("2.025"), "r": 16_800, "none": None})

    with translation.override("en"):
        rendered = template.render(context)

    assert rendered == "1.234.567 | 46,81% | 2,03 | 2,0 | Rp16.800 | — | —"


def test_date_and_phone_filters_write_the_one_form_in_the_readers_zone_even_in_english():
    template = Template("{% load formatting %}{{ d|day }} | {{ d|weekday_day }} | {{ t|day }} | {{ t|day_time }} | "
                        "{{ d|day_time }} | {{ opens|period:closes }} | {{ phone|phone }} | {{ none|day }} | "
                        "{{ none|day_time }} | {{ missing|phone }}")
    context = Context({"d": dt.date(2026, 12, 4), "opens": dt.date(2027, 1, 1), "closes": dt.date(2027, 3, 31),
                       # 18:45 UTC is 03:45 the next morning in Jayapura (WIT)
                       "t": dt.datetime(2026, 12, 3, 18, 45, tzinfo=dt.UTC), "phone": "+6281270000008",
                       "none": None})

    with translation.override("en"), timezone.override(ZoneInfo("Asia/Jayapura")):
        rendered = template.render(context)

    assert rendered == ("4 Desember 2026 | Jumat, 4 Desember 2026 | 4 Desember 2026 | "
                        "4 Desember 2026 pukul 03.45 WIT | 4 Desember 2026 | 1 Januari – 31 Maret 2027 | "
                        "0812-7000-0008 | — | — | —")
