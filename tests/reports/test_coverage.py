"""reports/coverage/rules.py and figures.py: every rule with exact numbers (DOMAIN.md §3–§4), the
double-counting rule, programme figures, subdistrict and village figures, provinces, live figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.formatting import display_percent
from registrations import services as registration_services
from registrations.enums import NomineeStatus as S
from registrations.enums import QuotaRule
from registrations.models import VillageQuota
from registrations.quotas import programme_quota_total
from reports import coverage
from reports.models import CoverageSnapshot, CoverageTarget, OfficialFigure, RegionLevel, VillageDenominator
from villages.loader import load_regions
from villages.models import Province, Regency, Subdistrict, Village

from .conftest import AS_OF, ON, YEAR

# --- The formulas, without a database ----------------------------------------------------------


def test_ucj_percent_is_covered_over_denominator():
    assert coverage.ucj_percent(covered=38_450, denominator=100_000) == Decimal("38.45")


def test_contribution_points_is_addition_over_denominator():
    assert coverage.contribution_points(addition=1_250, denominator=100_000) == Decimal("1.25")


def test_serdang_bedagai_target_achievement():
    """DOMAIN §4 check: 38.45 % against a 46.80 % target is 82.16 % of target."""
    achievement = coverage.target_achievement_percent(ucj=Decimal("38.45"), target_percent=Decimal("46.80"))

    assert achievement == Decimal("82.16")
    assert coverage.stored_percent(achievement) == Decimal("82.1600")


def test_the_achievement_is_taken_from_the_ucj_as_published():
    """Field fit 16: the dashboard showed UCJ 38,45% and "82,17% dari target" for 46,80%: the
    achievement came from the unrounded 38.4537%. A reader dividing the two figures shown gets 82,16%."""
    ucj = coverage.ucj_percent(covered=384_537, denominator=1_000_000)  # 38.4537 %
    achievement = coverage.target_achievement_percent(ucj=ucj, target_percent=Decimal("46.80"))

    assert ucj == Decimal("38.45")
    assert achievement == Decimal("82.16") == display_percent(Decimal("38.45") * 100 / Decimal("46.80"))
    # Before: 38.4537 ÷ 46.80 = 82.1660… → 82.17.
    assert display_percent(Decimal("38.4537") * 100 / Decimal("46.80")) == Decimal("82.17")


def test_points_between_two_ucj_figures_are_the_difference_of_the_published_ones():
    # 38.454 → 38.45 and 39.126 → 39.13: the page says "naik 0,68 poin", as 39,13 − 38,45 reads,
    # not 0,672 → 0,67.
    assert coverage.ucj_points_between(before=Decimal("38.454"), after=Decimal("39.126")) == Decimal("0.68")


def test_target_achievement_of_a_zero_target_is_none():
    assert coverage.target_achievement_percent(ucj=Decimal("10"), target_percent=Decimal("0")) is None


@pytest.mark.parametrize(("target", "denominator", "covered", "needed"), [
    (Decimal("46.80"), 100_000, 38_450, 8_350),
    (Decimal("46.80"), 100_001, 38_450, 8_351),  # 46,800.468 rounds up to 46,801
    (Decimal("46.80"), 100_000, 46_800, 0),
    (Decimal("46.80"), 100_000, 50_000, 0),  # past the target: never negative
])
def test_workers_needed_for_target(target, denominator, covered, needed):
    assert coverage.workers_needed_for_target(target_percent=target, denominator=denominator,
                                              covered=covered) == needed




@pytest.mark.parametrize(("targets", "programmes", "year"), [
    ([2025], [], 2025),  # last year's target until this year's is entered
    ([2025, 2026], [2026], 2026),
    ([2027], [], 2026),  # next year's target is not this year's
    ([], [], 2026),
])
def test_default_year(targets, programmes, year):
    assert coverage.default_year(on=ON, targets=targets, programmes=programmes) == year


# --- A regency with an official figure, a target and programme workers -----------------------


@pytest.fixture
def official(seluma, regency_admin):
    """Seluma's official figure on 30-06-2026: 38,450 active (all four segments) of 100,000."""
    return OfficialFigure.objects.create(
        regency=seluma, as_of=AS_OF, active_pu=30_000, active_bpu=8_000, active_jakon=400, active_pmi=50,
        denominator=100_000, entered_by=regency_admin,
    )


@pytest.fixture
def target(seluma, regency_admin):
    return CoverageTarget.objects.create(regency=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                         working_population=99_000, entered_by=regency_admin)


@pytest.fixture
def workers(programme, niur, lubuk_sahung, add_nominees):
    """Niur and Lubuk Sahung's programme workers around the official as-of date (30-06-2026):
    counted in the addition only when registered after it, by ON, and still registered or active."""
    add_nominees(programme, niur, 3, S.ACTIVE, dt.date(2026, 6, 29))  # before: in the official figure
    add_nominees(programme, niur, 2, S.REGISTERED, AS_OF)  # on the date: in the official figure
    add_nominees(programme, niur, 4, S.ACTIVE, dt.date(2026, 7, 1))  # after: addition
    add_nominees(programme, lubuk_sahung, 1, S.REGISTERED, dt.date(2026, 8, 15))  # after: addition
    add_nominees(programme, lubuk_sahung, 2, S.LAPSED, dt.date(2026, 7, 1))  # lapsed: no longer covered
    add_nominees(programme, lubuk_sahung, 1, S.ENDED, dt.date(2026, 7, 1))  # ended: no longer covered
    add_nominees(programme, lubuk_sahung, 1, S.ACTIVE, dt.date(2026, 10, 1))  # after ON: not yet
    add_nominees(programme, niur, 2, S.APPROVED)
    add_nominees(programme, niur, 1, S.SENT_TO_BPJS)
    add_nominees(programme, lubuk_sahung, 3, S.SUBMITTED)
    add_nominees(programme, lubuk_sahung, 1, S.VERIFIED)
    add_nominees(programme, lubuk_sahung, 1, S.RETURNED)
    add_nominees(programme, lubuk_sahung, 2, S.DRAFT)
    add_nominees(programme, niur, 1, S.REJECTED)
    add_nominees(programme, niur, 1, S.REFUSED_BY_BPJS)


def test_regency_figures_on_top_of_the_official_figure(seluma, official, target, workers):
    figures = coverage.figures_for(seluma, year=YEAR, on=ON)

    assert figures.official_as_of == AS_OF
    assert figures.official_numerator == 38_450
    assert figures.programme_addition == 5  # 4 in Niur on 01-07, 1 in Lubuk Sahung on 15-08
    assert figures.covered == 38_455
    assert figures.denominator == 100_000  # the official figure's, not the target's 99,000
    # Published with 2 decimals, half up; the achievement is taken from the published UCJ.
    assert figures.ucj_percent == Decimal("38.46")  # 38.455
    assert figures.contribution_points == Decimal("0.01")  # 0.005
    assert figures.target_achievement_percent == Decimal("82.18")  # 38.46 ÷ 46.80 = 82.179…, not 82.1688… of 38.455
    assert figures.workers_needed_for_target == 46_800 - 38_455 == 8_345
    assert figures.premium_per_month_rp == 16_800
    assert figures.monthly_premium_for_needed_rp == 8_345 * 16_800 == 140_196_000
    assert figures.annual_premium_for_needed_rp == 140_196_000 * 12 == 1_682_352_000


def test_regency_json(seluma, official, target, workers):
    assert coverage.figures_for(seluma, year=YEAR, on=ON).as_json(add=1_000) == {
        "region": "17.05", "region_name": "Kabupaten Seluma", "region_level": "regency",
        "year": 2026, "on": "2026-09-30", "as_of": "2026-06-30",
        "working_population": 100_000, "official_numerator": 38_450, "programme_addition": 5, "covered": 38_455,
        "ucj_percent": 38.46,  # 38.455 half up
        "contribution_points": 0.01,  # 0.005 half up
        "target_percent": 46.8, "target_achievement_percent": 82.18,  # 38.46 ÷ 46.80, as a reader checks it
        "workers_needed_for_target": 8_345, "premium_per_month_rp": 16_800,
        "monthly_premium_for_needed_rp": 140_196_000, "annual_premium_for_needed_rp": 1_682_352_000,
        "programme": {"quota": 2_020, "nominated": 23, "submitted": 21, "approved": 16, "registered": 13,
                      "active": 11, "premium_committed_rp": 13 * 16_800 * 3},
        "add": 1_000, "projected_covered": 39_455, "projected_percent": 39.46,  # 39.455 half up
        "projected_monthly_premium_rp": 16_800_000, "projected_annual_premium_rp": 201_600_000,
    }


@pytest.mark.parametrize(("registered_on", "counted"), [
    (dt.date(2026, 6, 29), 0),  # before the as-of date: already in the official numerator
    (AS_OF, 0),  # on the as-of date: already in it too
    (dt.date(2026, 7, 1), 1),  # after: the programme's addition
    (ON, 1),  # on the day figures are computed for
    (dt.date(2026, 10, 1), 0),  # after that day: not yet
])
def test_a_worker_is_never_counted_twice(seluma, official, programme, niur, add_nominees, registered_on, counted):
    add_nominees(programme, niur, 1, S.ACTIVE, registered_on)

    figures = coverage.figures_for(seluma, year=YEAR, on=ON)

    assert (figures.programme_addition, figures.covered) == (counted, 38_450 + counted)


@pytest.mark.parametrize("status", [S.REGISTERED, S.ACTIVE])
def test_registered_and_active_workers_count(seluma, official, programme, niur, add_nominees, status):
    add_nominees(programme, niur, 2, status, dt.date(2026, 7, 1))

    assert coverage.figures_for(seluma, year=YEAR, on=ON).programme_addition == 2


@pytest.mark.parametrize("status", [S.LAPSED, S.ENDED, S.SENT_TO_BPJS, S.REFUSED_BY_BPJS])
def test_workers_no_longer_or_not_yet_covered_do_not_count(seluma, official, programme, niur, add_nominees,
                                                           status):
    add_nominees(programme, niur, 2, status, dt.date(2026, 7, 1))

    assert coverage.figures_for(seluma, year=YEAR, on=ON).programme_addition == 0


def test_the_latest_official_figure_on_or_before_the_date(seluma, regency_admin):
    for as_of, active in [(dt.date(2026, 3, 31), 30_000), (AS_OF, 31_000), (dt.date(2026, 12, 31), 35_000)]:
        OfficialFigure.objects.create(regency=seluma, as_of=as_of, active_bpu=active, denominator=100_000,
                                      entered_by=regency_admin)

    assert coverage.figures_for(seluma, year=YEAR, on=ON).official_numerator == 31_000
    assert coverage.figures_for(seluma, year=YEAR, on=AS_OF).official_numerator == 31_000
    assert coverage.figures_for(seluma, year=YEAR, on=dt.date(2026, 6, 29)).official_numerator == 30_000


def test_without_an_official_figure_the_target_population_is_the_denominator(seluma, target, workers):
    figures = coverage.figures_for(seluma, year=YEAR, on=ON)

    # Every covered worker registered by ON is an addition: 3 + 2 + 4 in Niur, 1 in Lubuk Sahung.
    assert (figures.official_as_of, figures.official_numerator, figures.programme_addition) == (None, 0, 10)
    assert (figures.covered, figures.denominator) == (10, 99_000)
    assert figures.ucj_percent == Decimal("0.01")  # 0.0101…
    assert figures.workers_needed_for_target == 46_332 - 10  # ceil(46.80 × 99,000 ÷ 100) = 46,332


def test_without_official_figure_or_target_there_is_no_ucj(seluma, programme, workers):
    figures = coverage.figures_for(seluma, year=YEAR, on=ON)
    data = figures.as_json()

    assert figures.has_ucj is False
    keys = ("working_population", "covered", "ucj_percent", "target_percent", "target_achievement_percent",
            "workers_needed_for_target", "monthly_premium_for_needed_rp", "annual_premium_for_needed_rp", "as_of")
    assert [data[key] for key in keys] == [None] * 9
    assert data["programme"]["registered"] == 13  # programme figures are there whatever the denominators


def test_a_target_without_official_figure_or_workers(seluma, target):
    figures = coverage.figures_for(seluma, year=YEAR, on=ON)

    assert (figures.covered, figures.ucj_percent, figures.workers_needed_for_target) == (0, Decimal(0), 46_332)
    assert figures.premium_per_month_rp == 16_800  # no programme yet: the default rate
    assert figures.programme == coverage.ProgrammeFigures()


# --- Programme figures -------------------------------------------------------------------------


def test_programme_figures_count_each_state_group(seluma, programme, workers):
    assert coverage.figures_for(seluma, year=YEAR, on=ON).programme == coverage.ProgrammeFigures(
        quota=2_020,
        nominated=23,  # every place-holding state: not ended, rejected or refused by BPJS
        submitted=21,  # all of those but the 2 drafts
        approved=16,  # the 13 registered below, 2 approved, 1 sent to BPJS
        registered=13,  # registered, active, lapsed: 3 + 2 + 4 in Niur; 1 + 2 lapsed + 1 (01-10) in Lubuk Sahung
        active=11,  # registered and active
        premium_committed_rp=13 * 16_800 * 3,
    )


def test_premium_committed_for_seluma_first_wave(seluma, programme, add_nominees):
    """DOMAIN §3 check: 2,020 workers × Rp16,800 × 3 months = Rp101,808,000."""
    for village in Village.objects.filter(subdistrict__regency=seluma):
        add_nominees(programme, village, 10, S.REGISTERED, dt.date(2026, 3, 1))

    programme_figures = coverage.figures_for(seluma, year=YEAR, on=ON).programme

    assert (programme_figures.quota, programme_figures.registered) == (2_020, 2_020)
    assert programme_figures.premium_committed_rp == 101_808_000


def test_premium_committed_uses_each_programmes_premium_and_months(seluma, programme, regency_admin, niur,
                                                                   add_nominees):
    with_jht = registration_services.programme_create(
        regency=seluma, created_by=regency_admin, name="Tahap II", year=YEAR, stage=2, includes_jht=True,
        months_paid=6, implementing_office="Disnakertrans", coverage_start=dt.date(2026, 7, 1),
        nomination_opens=dt.date(2026, 5, 1), nomination_closes=dt.date(2026, 5, 31), quota_rule=QuotaRule.NONE,
    )
    add_nominees(programme, niur, 2, S.ACTIVE, dt.date(2026, 3, 1))
    add_nominees(with_jht, niur, 1, S.LAPSED, dt.date(2026, 7, 1))

    figures = coverage.figures_for(seluma, year=YEAR, on=ON)

    assert with_jht.premium_per_month == 36_800  # JKK 1% + JHT 2% of Rp1,000,000 + JKM Rp6,800
    assert figures.programme.premium_committed_rp == 2 * 16_800 * 3 + 36_800 * 6
    assert figures.premium_per_month_rp == 36_800  # the latest stage's premium prices what is still needed


def test_only_the_years_programmes_count(seluma, programme, regency_admin, niur, add_nominees):
    last_year = registration_services.programme_create(
        regency=seluma, created_by=regency_admin, name="2025", year=2025, implementing_office="Disnakertrans",
        coverage_start=dt.date(2025, 3, 1), nomination_opens=dt.date(2025, 1, 5),
        nomination_closes=dt.date(2025, 2, 20),
    )
    add_nominees(last_year, niur, 4, S.ACTIVE, dt.date(2025, 3, 1))
    add_nominees(programme, niur, 1, S.ACTIVE, dt.date(2026, 3, 1))
    CoverageTarget.objects.create(regency=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                  working_population=100_000, entered_by=programme.created_by)

    figures = coverage.figures_for(seluma, year=YEAR, on=ON)

    assert (figures.programme.registered, figures.programme.quota) == (1, 2_020)
    # Last year's members who are still active are still covered: UCJ counts people, not stages.
    assert figures.programme_addition == 5


def test_quotas_per_village_with_overrides_and_regency_wide(seluma, programme, regency_admin, niur, sukaraja):
    VillageQuota.objects.create(programme=programme, village=niur, quota=15)
    regency_wide = registration_services.programme_create(
        regency=seluma, created_by=regency_admin, name="Tahap II", year=YEAR, stage=2,
        implementing_office="Disnakertrans", coverage_start=dt.date(2026, 7, 1),
        nomination_opens=dt.date(2026, 5, 1), nomination_closes=dt.date(2026, 5, 31),
        quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=500,
    )

    rows = {row.region_code: row for row in coverage.regency_figures(seluma, year=YEAR, on=ON)}

    assert rows["17.05"].programme.quota == 2_025 + 500 == programme_quota_total(programme) + 500
    assert rows["17.05.01"].programme.quota == 21 * 10 + 5  # the regency-wide 500 is not split
    assert rows[niur.code].programme.quota == 15
    assert regency_wide.quota_total == 500


def test_no_quota_is_none(seluma, regency_admin):
    registration_services.programme_create(
        regency=seluma, created_by=regency_admin, name="Tanpa kuota", year=YEAR, implementing_office="Disnakertrans",
        coverage_start=dt.date(2026, 7, 1), nomination_opens=dt.date(2026, 5, 1),
        nomination_closes=dt.date(2026, 5, 31), quota_rule=QuotaRule.NONE,
    )

    rows = coverage.regency_figures(seluma, year=YEAR, on=ON)

    assert {row.programme.quota for row in rows} == {None}


# --- Below the regency ---------------------------------------------------------------------------


def test_subdistricts_and_villages_always_have_programme_figures(seluma, programme, workers, niur, lubuk_sahung):
    rows = coverage.regency_figures(seluma, year=YEAR, on=ON)
    by_code = {row.region_code: row for row in rows}

    assert [row.level for row in rows[:2]] == [RegionLevel.REGENCY, RegionLevel.SUBDISTRICT]
    assert len(rows) == 1 + 14 + 202
    assert by_code["17.05.01"].programme.registered == 13
    assert (by_code[niur.code].programme.nominated, by_code[lubuk_sahung.code].programme.nominated) == (12, 11)
    assert by_code["17.05.02"].programme == coverage.ProgrammeFigures(quota=sum(
        10 for _ in Village.objects.filter(subdistrict__code="17.05.02")))
    assert not any(row.has_ucj for row in rows)


def test_subdistrict_ucj_where_it_has_an_official_figure(seluma, sukaraja, regency_admin, workers):
    OfficialFigure.objects.create(subdistrict=sukaraja, as_of=dt.date(2026, 5, 31), active_bpu=1_000,
                                  denominator=10_000, entered_by=regency_admin)

    rows = {row.region_code: row for row in coverage.regency_figures(seluma, year=YEAR, on=ON)}
    sukaraja_row = rows["17.05.01"]

    # Its own as-of date (31-05) counts all 10 covered workers of Niur and Lubuk Sahung as additions.
    assert (sukaraja_row.official_as_of, sukaraja_row.official_numerator) == (dt.date(2026, 5, 31), 1_000)
    assert (sukaraja_row.programme_addition, sukaraja_row.covered) == (10, 1_010)
    assert sukaraja_row.ucj_percent == Decimal("10.1")
    assert (sukaraja_row.target_percent, sukaraja_row.workers_needed_for_target) == (None, None)
    assert rows["17.05.02"].has_ucj is False
    assert coverage.figures_for(sukaraja, year=YEAR, on=ON) == sukaraja_row


def test_village_ucj_where_a_denominator_was_entered(seluma, niur, lubuk_sahung, regency_admin, official, workers):
    VillageDenominator.objects.create(village=niur, year=YEAR, working_residents=800, entered_by=regency_admin)
    VillageDenominator.objects.create(village=lubuk_sahung, year=2025, working_residents=500,
                                      entered_by=regency_admin)

    rows = {row.region_code: row for row in coverage.regency_figures(seluma, year=YEAR, on=ON)}
    niur_row = rows[niur.code]

    # A village has no official figure: all its covered programme workers over its working residents.
    assert (niur_row.covered, niur_row.denominator) == (9, 800)
    assert niur_row.ucj_percent == Decimal("1.13")  # 9 ÷ 800 = 1.125, published half up
    assert rows[lubuk_sahung.code].has_ucj is False  # only a 2025 denominator


def test_a_retired_village_stays_while_it_holds_programme_data(seluma, programme, niur, add_nominees):
    add_nominees(programme, niur, 2, S.ACTIVE, dt.date(2026, 3, 1))
    Village.objects.filter(pk=niur.pk).update(is_retired=True)
    Village.objects.filter(code="17.05.01.2003").update(is_retired=True)

    rows = {row.region_code: row for row in coverage.regency_figures(seluma, year=YEAR, on=ON)}

    assert rows[niur.code].programme == coverage.ProgrammeFigures(nominated=2, submitted=2, approved=2,
                                                                  registered=2, active=2,
                                                                  premium_committed_rp=2 * 16_800 * 3)
    assert "17.05.01.2003" not in rows
    assert rows["17.05"].programme.quota == 2_000 == programme_quota_total(programme)


# --- Provinces, other regencies, the live API -----------------------------------------------------


def test_province_figures_sum_its_regencies(seluma, other_regency, programme, workers, sysadmin, add_nominees):
    bengkulu = Province.objects.get(code="17")
    OfficialFigure.objects.create(province=bengkulu, as_of=AS_OF, active_pu=500_000, denominator=1_000_000,
                                  entered_by=sysadmin)
    CoverageTarget.objects.create(province=bengkulu, year=YEAR, target_percent=Decimal("55.00"),
                                  working_population=1_000_000, entered_by=sysadmin)
    other_programme = registration_services.programme_create(
        regency=other_regency, created_by=sysadmin, name="Bengkulu Selatan", year=YEAR,
        implementing_office="Disnakertrans", coverage_start=dt.date(2026, 3, 1),
        nomination_opens=dt.date(2026, 1, 5), nomination_closes=dt.date(2026, 2, 20), quota_per_village=5,
    )
    add_nominees(other_programme, Village.objects.filter(subdistrict__regency=other_regency).first(), 7,
                 S.ACTIVE, dt.date(2026, 8, 1))

    figures = coverage.figures_for(bengkulu, year=YEAR, on=ON)
    other_villages = Village.objects.filter(subdistrict__regency=other_regency).count()

    assert (figures.level, figures.region_code) == (RegionLevel.PROVINCE, "17")
    assert (figures.official_numerator, figures.programme_addition) == (500_000, 5 + 7)
    assert figures.programme.quota == 2_020 + other_villages * 5
    assert figures.programme.registered == 13 + 7
    assert figures.workers_needed_for_target == 550_000 - 500_012
    assert figures.premium_per_month_rp == 16_800


def test_stored_province_rows_match_the_live_figures_for_any_number_of_provinces(
        seluma, other_regency, programme, workers, sysadmin, add_nominees):
    """The recompute writes every province's row from its regencies' stored rows, all provinces
    in the same few statements; each row says what the live province figures say."""
    load_regions(["12.18"])
    serdang = Regency.objects.get(code="12.18")
    bengkulu, sumut = Province.objects.get(code="17"), Province.objects.get(code="12")
    OfficialFigure.objects.create(province=bengkulu, as_of=AS_OF, active_pu=500_000, denominator=1_000_000,
                                  entered_by=sysadmin)
    OfficialFigure.objects.create(province=sumut, as_of=dt.date(2026, 7, 15), active_pu=900_000,
                                  denominator=3_000_000, entered_by=sysadmin)
    CoverageTarget.objects.create(province=sumut, year=YEAR, target_percent=Decimal("40.00"),
                                  working_population=3_000_000, entered_by=sysadmin)
    serdang_programme = registration_services.programme_create(
        regency=serdang, created_by=sysadmin, name="Serdang Bedagai", year=YEAR, implementing_office="Dinsos",
        coverage_start=dt.date(2026, 3, 1), nomination_opens=dt.date(2026, 1, 5),
        nomination_closes=dt.date(2026, 2, 20), quota_per_village=3)
    village = Village.objects.filter(subdistrict__regency=serdang).order_by("code").first()
    add_nominees(serdang_programme, village, 2, S.ACTIVE, dt.date(2026, 7, 1))  # before Sumut's as-of date
    add_nominees(serdang_programme, village, 1, S.ACTIVE, dt.date(2026, 8, 1))

    coverage.recompute_regencies([seluma.pk, other_regency.pk, serdang.pk], on=ON)

    for province in (bengkulu, sumut):
        stored = CoverageSnapshot.objects.get(region_code=province.code, computed_on=ON)
        live = coverage.figures_for(province, on=ON).snapshot_fields()
        assert {name: getattr(stored, name) for name in live} == live
    assert CoverageSnapshot.objects.get(region_code="12", computed_on=ON).programme_addition == 1
    with CaptureQueriesContext(connection) as one:
        coverage.recompute_provinces([bengkulu.pk], on=ON)
    with CaptureQueriesContext(connection) as both:
        coverage.recompute_provinces([bengkulu.pk, sumut.pk], on=ON)
    assert len(both) == len(one)


def test_another_regencys_workers_do_not_count(seluma, other_regency, official, sysadmin, add_nominees):
    other_programme = registration_services.programme_create(
        regency=other_regency, created_by=sysadmin, name="Bengkulu Selatan", year=YEAR,
        implementing_office="Disnakertrans", coverage_start=dt.date(2026, 3, 1),
        nomination_opens=dt.date(2026, 1, 5), nomination_closes=dt.date(2026, 2, 20),
    )
    add_nominees(other_programme, Village.objects.filter(subdistrict__regency=other_regency).first(), 3,
                 S.ACTIVE, dt.date(2026, 8, 1))

    figures = coverage.figures_for(seluma, year=YEAR, on=ON)

    assert (figures.programme_addition, figures.programme.registered) == (0, 0)


def test_figures_for_defaults_to_the_latest_target_year(seluma, regency_admin, monkeypatch):
    monkeypatch.setattr("reports.coverage.rules.coverage_today", lambda: dt.date(2027, 1, 10))
    CoverageTarget.objects.create(regency=seluma, year=2026, target_percent=Decimal("40.00"),
                                  working_population=100_000, entered_by=regency_admin)

    figures = coverage.figures_for(seluma)

    assert (figures.year, figures.on, figures.target_percent) == (2026, dt.date(2027, 1, 10), Decimal("40.00"))


def test_a_past_year_is_answered_on_its_last_day(seluma, monkeypatch):
    monkeypatch.setattr("reports.coverage.rules.coverage_today", lambda: dt.date(2027, 1, 10))

    assert coverage.figures_for(seluma, year=2026).on == dt.date(2026, 12, 31)
    assert coverage.figures_for(seluma, year=2027).on == dt.date(2027, 1, 10)


def test_figures_for_refuses_a_village(niur):
    with pytest.raises(TypeError):
        coverage.figures_for(niur)


def test_subdistrict_model_is_what_figures_for_takes(sukaraja):
    assert isinstance(sukaraja, Subdistrict)
    assert coverage.figures_for(sukaraja, year=YEAR, on=ON).region_name == "Sukaraja"
