"""registrations/premiums.py: the premium rule and the programme budget (DOMAIN.md §3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from lokal import format_rupiah

from registrations.enums import NomineeStatus
from registrations.models import Nominee, PremiumRate
from registrations.premiums import (
    MONTHS_PER_YEAR,
    funded_premium,
    funded_premium_expression,
    premium_cost,
    premium_for_new_workers,
    premium_per_month,
    programme_budget,
    rate_on,
)


@pytest.fixture
def rate(db):
    return PremiumRate.objects.get(valid_from=dt.date(2019, 12, 2))


def test_lowest_tier_is_16800(rate):
    assert premium_per_month(rate=rate, income_tier=1_000_000, includes_jht=False) == 16_800


def test_with_jht_is_36800(rate):
    assert premium_per_month(rate=rate, income_tier=1_000_000, includes_jht=True) == 36_800


def test_a_higher_tier(rate):
    # JKK 1% of Rp2,500,000 = 25,000 + JKM 6,800.
    assert premium_per_month(rate=rate, income_tier=2_500_000, includes_jht=False) == 31_800


def test_rate_on_picks_the_rate_in_force(rate):
    newer = PremiumRate.objects.create(valid_from=dt.date(2030, 1, 1), jkk_percent=Decimal("1.00"), jkm_amount=7_000,
                                       jht_percent=Decimal("2.00"), legal_basis="contoh")

    assert (rate_on(dt.date(2029, 12, 31)), rate_on(dt.date(2030, 1, 1))) == (rate, newer)


def test_no_rate_before_the_first_one(rate):
    with pytest.raises(ValidationError) as error:
        rate_on(dt.date(2019, 12, 1))
    assert error.value.messages == ["Belum ada tarif iuran BPU yang berlaku pada 1 Desember 2019."]


def test_seluma_budget_202_villages_times_10_for_3_months(open_programme):
    budget = programme_budget(open_programme)

    assert budget == 202 * 10 * 16_800 * 3 == 101_808_000
    assert format_rupiah(budget) == "Rp101.808.000"


def test_no_budget_without_quota(open_programme, regency_admin):
    from registrations import services
    from registrations.enums import QuotaRule

    services.programme_update(programme=open_programme, changed_by=regency_admin, quota_rule=QuotaRule.NONE)

    assert programme_budget(open_programme) is None


# --- What members cost: one rule for the budget, a BPJS batch, the coverage figures and the planner --

def test_premium_cost_members_times_premium_times_months():
    assert premium_cost(members=2_020, premium_per_month=16_800, months=3) == 101_808_000
    assert premium_cost(members=8_350, premium_per_month=16_800) == 140_280_000
    assert premium_cost(members=8_350, premium_per_month=16_800, months=MONTHS_PER_YEAR) == 1_683_360_000
    # A monthly bill already summed over members, for a year (the dashboard).
    assert premium_cost(premium_per_month=33_600, months=MONTHS_PER_YEAR) == 403_200


def test_funded_premium_is_the_seluma_check(open_programme):
    assert (open_programme.premium_per_month, open_programme.months_paid) == (16_800, 3)
    assert funded_premium(open_programme, members=2_020) == 2_020 * 16_800 * 3 == 101_808_000


def test_funded_premium_expression_agrees_with_funded_premium(open_programme, niur, officer, make_nominee):
    """The SQL form summed over nominees gives what funded_premium gives for as many members."""
    make_nominee(open_programme, niur, officer)
    Nominee.objects.update(status=NomineeStatus.REGISTERED)

    total = Nominee.objects.aggregate(total=Sum(funded_premium_expression()))["total"]

    assert total == funded_premium(open_programme, members=1) == 50_400


def test_premium_for_new_workers_is_the_latest_programme_else_the_default_rate(open_programme, rate,
                                                                             regency_admin):
    from registrations import services

    assert premium_for_new_workers([], dt.date(2026, 1, 1)) == 16_800
    services.programme_update(programme=open_programme, changed_by=regency_admin, includes_jht=True)

    assert premium_for_new_workers([open_programme], dt.date(2026, 1, 1)) == 36_800
