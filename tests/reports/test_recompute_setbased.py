"""The set-based recompute (reports/coverage/statement.py) gives the same CoverageSnapshot rows as
the live figures (reports/coverage/figures.py, the Python computation the pages use before a first
recompute), on a data set that runs every branch: two regencies, regency and subdistrict official
figures, targets, village denominators, programmes of several stages and years with every quota
rule and overrides, nominees in every state (registered and active ones with paid-until dates,
before and after the official figures' dates), and retired villages with and without data."""

import datetime as dt
from decimal import Decimal

import pytest

from registrations import services as registration_services
from registrations.enums import NomineeStatus as S
from registrations.enums import QuotaRule
from registrations.models import Nominee, VillageQuota
from reports import coverage
from reports.models import CoverageSnapshot, CoverageTarget, OfficialFigure, VillageDenominator
from villages.models import Village

from .conftest import AS_OF, ON, YEAR

COLUMNS = ["level", "region_code", "region_name", "year", *coverage.statement.FIGURE_COLUMNS[3:]]


def programme_of(regency, admin, *, year, stage, **options):
    return registration_services.programme_create(
        regency=regency, created_by=admin, name=f"Program {year} tahap {stage}", year=year, stage=stage,
        implementing_office="Disnakertrans", coverage_start=dt.date(year, 3, 1) + dt.timedelta(days=30 * stage),
        nomination_opens=dt.date(year, 1, 5), nomination_closes=dt.date(year, 2, 20), **options)


@pytest.fixture
def mixed(seluma, other_regency, sysadmin, add_nominees):
    """Two regencies with everything the figures read, in every combination."""
    stage_1 = programme_of(seluma, sysadmin, year=YEAR, stage=1, quota_per_village=10)
    stage_2 = programme_of(seluma, sysadmin, year=YEAR, stage=2, quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=300,
                           includes_jht=True, months_paid=6)
    stage_3 = programme_of(seluma, sysadmin, year=YEAR, stage=3, quota_rule=QuotaRule.NONE)
    last_year = programme_of(seluma, sysadmin, year=YEAR - 1, stage=1, quota_per_village=5)
    other = programme_of(other_regency, sysadmin, year=YEAR, stage=1, quota_per_village=7, months_paid=12)

    villages = list(Village.objects.filter(subdistrict__regency=seluma).order_by("code"))
    other_villages = list(Village.objects.filter(subdistrict__regency=other_regency).order_by("code"))
    dates = [AS_OF - dt.timedelta(days=40), AS_OF, AS_OF + dt.timedelta(days=1), ON, ON + dt.timedelta(days=1)]
    for index, village in enumerate(villages[:40] + other_villages[:15]):
        programme = other if village in other_villages else [stage_1, stage_2, stage_3, last_year][index % 4]
        for offset, status in enumerate(S):
            registered_on = dates[(index + offset) % len(dates)] if status in (
                S.REGISTERED, S.ACTIVE, S.ARREARS, S.LAPSED, S.ENDED) else None
            added = add_nominees(programme, village, 1 + (index + offset) % 3, status, registered_on)
            if status in (S.REGISTERED, S.ACTIVE):
                # Paid 3 months or a year: some members still paid on each date, some no longer.
                paid_days = 90 if (index + offset) % 2 else 365
                Nominee.objects.filter(pk__in=[nominee.pk for nominee in added]).update(
                    paid_until=registered_on + dt.timedelta(days=paid_days))
    VillageQuota.objects.bulk_create([VillageQuota(programme=stage_1, village=villages[1], quota=15),
                                      VillageQuota(programme=stage_1, village=villages[50], quota=0),
                                      VillageQuota(programme=other, village=other_villages[2], quota=3)])
    # Retired: one holding nominees (kept, without quota), one empty (left out).
    Village.objects.filter(pk__in=[villages[3].pk, villages[60].pk]).update(is_retired=True)
    OfficialFigure.objects.create(regency=seluma, as_of=AS_OF - dt.timedelta(days=90), active_pu=30_000,
                                  denominator=90_000, entered_by=sysadmin)
    OfficialFigure.objects.create(regency=seluma, as_of=AS_OF, active_pu=38_450, active_bpu=120, active_jakon=7,
                                  active_pmi=3, denominator=100_000, entered_by=sysadmin)
    OfficialFigure.objects.create(regency=seluma, as_of=ON + dt.timedelta(days=10), active_pu=1,
                                  denominator=5, entered_by=sysadmin)  # after the day: not read
    CoverageTarget.objects.create(regency=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                  working_population=100_000, entered_by=sysadmin)
    CoverageTarget.objects.create(regency=seluma, year=YEAR - 1, target_percent=Decimal("40.00"),
                                  working_population=95_000, entered_by=sysadmin)
    # The other regency: a target only (its working population is the denominator), a zero one.
    CoverageTarget.objects.create(regency=other_regency, year=YEAR, target_percent=Decimal("0.00"),
                                  working_population=70_001, entered_by=sysadmin)
    subdistricts = list(seluma.subdistricts.order_by("code"))
    OfficialFigure.objects.create(subdistrict=subdistricts[0], as_of=AS_OF - dt.timedelta(days=1), active_bpu=2_000,
                                  denominator=15_000, entered_by=sysadmin)
    OfficialFigure.objects.create(subdistrict=subdistricts[0], as_of=AS_OF - dt.timedelta(days=30), active_bpu=1_000,
                                  denominator=14_000, entered_by=sysadmin)
    OfficialFigure.objects.create(subdistrict=subdistricts[1], as_of=AS_OF + dt.timedelta(days=2), active_bpu=3,
                                  denominator=7, entered_by=sysadmin)
    OfficialFigure.objects.create(subdistrict=other_regency.subdistricts.order_by("code").first(), as_of=AS_OF,
                                  active_pu=500, denominator=3_333, entered_by=sysadmin)
    VillageDenominator.objects.bulk_create(
        [VillageDenominator(village=village, year=YEAR, working_residents=3 + 997 * index, entered_by=sysadmin)
         for index, village in enumerate(villages[:12:2] + other_villages[:3])]
        + [VillageDenominator(village=villages[1], year=YEAR - 1, working_residents=11, entered_by=sysadmin)])
    return seluma, other_regency


def live_rows(regency, on):
    return [{name: row.snapshot_fields()[name] for name in COLUMNS} for row in coverage.regency_figures(regency, on=on)]


def stored_rows(regency, on):
    rows = CoverageSnapshot.objects.filter(regency=regency, computed_on=on).values(*COLUMNS)
    order = {row["region_code"]: index for index, row in enumerate(live_rows(regency, on))}
    return sorted(rows, key=lambda row: order.get(row["region_code"], len(order)))


@pytest.mark.parametrize("on", [ON, AS_OF, dt.date(YEAR - 1, 12, 31)], ids=["after", "as-of", "last-year"])
def test_the_set_based_recompute_stores_the_live_figures(mixed, on):
    seluma, other_regency = mixed

    coverage.recompute_regencies([seluma.pk, other_regency.pk], on=on)

    for regency in (seluma, other_regency):
        assert stored_rows(regency, on) == live_rows(regency, on)
    if on == ON:  # the data set reaches every branch
        rows = {row["region_code"]: row for row in stored_rows(seluma, ON) + stored_rows(other_regency, ON)}
        assert rows["17.05"]["target_achievement_percent"] and rows["17.05"]["programme_addition"]
        assert rows["17.01"]["ucj_percent"] and rows["17.01"]["target_achievement_percent"] is None
        assert sum(1 for row in rows.values() if row["level"] == "subdistrict" and row["ucj_percent"]) == 3
        assert sum(1 for row in rows.values() if row["level"] == "village" and row["ucj_percent"] is not None) >= 5
        retired = Village.objects.filter(is_retired=True).values_list("code", flat=True)
        assert [(code in rows, rows.get(code, {}).get("quota")) for code in sorted(retired)] == [(True, None),
                                                                                              (False, None)]


def test_after_a_change_the_stored_rows_are_the_live_figures_again(mixed, add_nominees):
    seluma, other_regency = mixed
    coverage.recompute_regencies([seluma.pk, other_regency.pk], on=ON)
    village = Village.objects.filter(subdistrict__regency=seluma, is_retired=False).order_by("code")[5]
    Nominee.objects.filter(village=village, status=S.ACTIVE).update(status=S.LAPSED)
    Village.objects.filter(pk=Village.objects.filter(subdistrict__regency=seluma).order_by("code")[3].pk).update(
        is_retired=False)

    result = coverage.recompute_regency(seluma.pk, on=ON)

    assert stored_rows(seluma, ON) == live_rows(seluma, ON)
    assert 1 <= result.rows_changed < result.rows_written
