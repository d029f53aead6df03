"""reports/planner.py: pure functions on CoverageFigures, no database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from common.formatting import display_percent
from reports import planner
from reports.coverage import CoverageFigures, ProgrammeFigures

SERDANG_BEDAGAI = CoverageFigures(
    level="regency", region_code="12.18", region_name="Kabupaten Serdang Bedagai", year=2025,
    on=dt.date(2025, 12, 31), programme=ProgrammeFigures(), premium_per_month_rp=16_800, denominator=100_000,
    official_as_of=dt.date(2025, 8, 31), official_numerator=38_450, programme_addition=0,
    target_percent=Decimal("46.80"),
)
NO_DENOMINATOR = CoverageFigures(level="regency", region_code="17.05", region_name="Kabupaten Seluma", year=2026,
                                 on=dt.date(2026, 9, 30), programme=ProgrammeFigures(), premium_per_month_rp=16_800)


def test_fund_more_workers():
    projection = planner.fund_more_workers(SERDANG_BEDAGAI, 2_020)

    assert projection == planner.Projection(
        added_workers=2_020, covered=40_470, ucj_percent=Decimal("40.47"), points_gained=Decimal("2.02"),
        premium_per_month_rp=16_800, monthly_premium_rp=33_936_000, annual_premium_rp=407_232_000,
    )


def test_funding_nobody_changes_nothing():
    projection = planner.fund_more_workers(SERDANG_BEDAGAI, 0)

    assert (projection.covered, projection.ucj_percent, projection.annual_premium_rp) == (38_450, Decimal("38.45"), 0)


def test_cost_of_the_target():
    cost = planner.cost_of_target(SERDANG_BEDAGAI, "46.80")

    assert cost == planner.TargetCost(target_percent=Decimal("46.80"), workers_needed=8_350,
                                      premium_per_month_rp=16_800, monthly_premium_rp=140_280_000,
                                      annual_premium_rp=1_683_360_000)


def test_cost_of_a_target_already_reached_is_zero():
    cost = planner.cost_of_target(SERDANG_BEDAGAI, Decimal("30"))

    assert (cost.workers_needed, cost.monthly_premium_rp, cost.annual_premium_rp) == (0, 0, 0)


def test_a_target_written_with_a_decimal_comma():
    assert planner.cost_of_target(SERDANG_BEDAGAI, "50,5").workers_needed == 50_500 - 38_450


def test_the_projection_reaches_the_target_with_the_workers_needed():
    needed = planner.cost_of_target(SERDANG_BEDAGAI, "46.80").workers_needed

    projection = planner.fund_more_workers(SERDANG_BEDAGAI, needed)

    assert display_percent(projection.ucj_percent) == Decimal("46.80")


@pytest.mark.parametrize(("workers", "message"), [
    (-1, "Jumlah pekerja tidak boleh negatif."),
    ("sepuluh", "Jumlah pekerja 'sepuluh' harus bilangan bulat."),
    (1.5, "Jumlah pekerja '1.5' harus bilangan bulat."),
])
def test_invalid_number_of_workers(workers, message):
    with pytest.raises(ValidationError) as error:
        planner.fund_more_workers(SERDANG_BEDAGAI, workers)

    assert error.value.messages == [message]


@pytest.mark.parametrize(("target", "message"), [
    ("-0.01", "Target UCJ harus antara 0 dan 100 persen."),
    ("100.01", "Target UCJ harus antara 0 dan 100 persen."),
    ("NaN", "Target UCJ harus antara 0 dan 100 persen."),
    ("banyak", "Target UCJ 'banyak' harus berupa angka persen, mis. 46,80."),
])
def test_invalid_target(target, message):
    with pytest.raises(ValidationError) as error:
        planner.cost_of_target(SERDANG_BEDAGAI, target)

    assert error.value.messages == [message]


@pytest.mark.parametrize("target", ["0", "100"])
def test_the_bounds_of_a_target_are_allowed(target):
    assert planner.cost_of_target(SERDANG_BEDAGAI, target).target_percent == Decimal(target)


def test_a_region_without_denominator_cannot_be_planned():
    with pytest.raises(ValidationError) as error:
        planner.fund_more_workers(NO_DENOMINATOR, 10)

    assert error.value.messages == [
        "Kabupaten Seluma belum memiliki angka penduduk bekerja (angka resmi UCJ atau target tahun 2026), "
        "jadi UCJ belum dapat dihitung."
    ]
