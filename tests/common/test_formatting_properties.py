"""Properties of the Indonesian number and date readers (common/formatting.py) and of the cell
date reader every upload uses (common/workbooks.cell_date), on any input hypothesis makes: only
the documented error, what the portal writes reads back as itself, thousands and whitespace as
people type them."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from common.formatting import (
    format_number,
    format_percent,
    parse_percent,
    read_percent_number,
    read_whole_number,
)
from common.workbooks import cell_date

cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True), st.text(), st.text(alphabet="0123456789.,- %Rp", max_size=20),
    st.dates(), st.datetimes(),
)
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


# --- Whole numbers ---------------------------------------------------------------------------------

@given(cell_values)
def test_read_whole_number_answers_an_int_or_raises_value_error(value):
    try:
        number = read_whole_number(value)
    except ValueError:
        return
    assert type(number) is int


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_a_number_as_the_portal_writes_it_reads_back(number):
    assert read_whole_number(format_number(number)) == number


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([",", " "]))
def test_thousands_grouped_the_english_way_or_with_spaces_read_the_same(number, separator):
    written = f"{number:,}".replace(",", separator)

    assert read_whole_number(f"  {written} ") == number


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda value: not value.is_integer()))
def test_a_fraction_is_no_whole_number(value):
    with pytest.raises(ValueError):
        read_whole_number(value)


# --- Percentages -----------------------------------------------------------------------------------

@given(cell_values)
def test_read_percent_number_answers_a_decimal_or_raises_value_error(value):
    try:
        number = read_percent_number(value)
    except ValueError:
        return
    assert isinstance(number, Decimal)


@given(cell_values)
def test_parse_percent_refuses_only_with_the_indonesian_message(value):
    try:
        percent = parse_percent(value, label="UCJ")
    except ValidationError as error:
        assert error.messages[0].startswith("UCJ")
        assert any(word in error.messages[0] for word in ("harus", "paling banyak"))
        return
    assert 0 <= percent <= 100 and percent == percent.quantize(Decimal("0.01"))


@given(percents)
def test_a_percentage_as_the_portal_writes_it_reads_back(percent):
    written = format_percent(percent)

    assert parse_percent(written, label="UCJ") == percent
    assert parse_percent(written.replace(",", "."), label="UCJ") == percent
    assert parse_percent(f" {written[:-1]} %", label="UCJ") == percent


@given(st.decimals(min_value=0, max_value=100, places=4, allow_nan=False).filter(
    lambda value: value != value.quantize(Decimal("0.01"))))
def test_more_than_two_decimals_are_refused_unless_rounding_is_asked(percent):
    with pytest.raises(ValidationError, match="paling banyak dua angka di belakang koma"):
        parse_percent(str(percent), label="UCJ")
    # Half up, as every percentage of the portal (not Decimal's half to even: 0.025 → 0.03).
    assert parse_percent(str(percent), label="UCJ", rounded=True) == percent.quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- Dates in cells --------------------------------------------------------------------------------

@given(cell_values)
def test_cell_date_answers_a_date_or_none_and_never_raises(value):
    day = cell_date(value)

    assert day is None or type(day) is dt.date


@given(days, st.sampled_from(["{d:%d}-{d:%m}-{y}", "{d:%d}/{d:%m}/{y}", "{d:%d}.{d:%m}.{y}", "{y}-{d:%m}-{d:%d}"]),
       st.sampled_from(["", " ", "  "]))
def test_a_date_written_as_documented_reads_back(day, pattern, padding):
    written = pattern.format(d=day, y=f"{day.year:04d}")

    assert cell_date(padding + written + padding) == day


@given(days)
def test_a_date_as_the_portal_writes_it_in_a_cell_reads_back(day):
    assert cell_date(dt.datetime.combine(day, dt.time(13, 5))) == day


@given(st.integers(min_value=1, max_value=79999))
def test_an_excel_date_serial_is_a_date(serial):
    day = cell_date(serial)

    assert day == dt.date(1899, 12, 30) + dt.timedelta(days=serial) or serial < 61
