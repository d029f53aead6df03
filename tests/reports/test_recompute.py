"""reports/coverage/snapshots.py: recompute_regency writes one row per region and day,
in one transaction, under a lock, with a constant number of queries; recompute_all."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from registrations.enums import NomineeStatus as S
from registrations.models import Nominee
from reports import coverage
from reports.coverage import statement
from reports.models import CoverageSnapshot, CoverageTarget, OfficialFigure, RegionLevel
from villages.models import Regency, Village

from .conftest import AS_OF, ON, YEAR

ROWS = 1 + 14 + 202  # Seluma, its subdistricts, its villages
PROVINCE_ROW = 1  # Bengkulu's row of the day, written with its regency's
# SAVEPOINT; SELECT province FOR UPDATE; its programmes, targets and official figure; its regencies'
# latest rows summed; the count of workers added; the premium rate; the upsert; RELEASE SAVEPOINT:
# the same for any province size.
PROVINCE_QUERIES = 10


@pytest.fixture
def official(seluma, regency_admin):
    OfficialFigure.objects.create(regency=seluma, as_of=AS_OF, active_pu=38_450, denominator=100_000,
                                  entered_by=regency_admin)
    CoverageTarget.objects.create(regency=seluma, year=YEAR, target_percent=Decimal("46.80"),
                                  working_population=100_000, entered_by=regency_admin)


def regency_row(regency, day=ON) -> CoverageSnapshot:
    return CoverageSnapshot.objects.get(region_code=regency.code, computed_on=day)


def test_recompute_writes_every_region_of_the_regency(seluma, programme, official, niur, add_nominees):
    add_nominees(programme, niur, 4, S.ACTIVE, dt.date(2026, 7, 1))
    add_nominees(programme, niur, 6, S.REGISTERED, dt.date(2026, 6, 1))

    result = coverage.recompute_regency(seluma.pk, on=ON)

    assert (result.regency_code, result.computed_on, result.rows_written) == ("17.05", ON, ROWS)
    assert CoverageSnapshot.objects.filter(regency=seluma, computed_on=ON).count() == ROWS
    assert list(CoverageSnapshot.objects.order_by("level").values_list("level", flat=True).distinct()) == [
        RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.SUBDISTRICT, RegionLevel.VILLAGE]
    row = regency_row(seluma)
    assert {name: getattr(row, name) for name in (
        "level", "region_name", "year", "quota", "nominated", "submitted", "approved", "registered", "active",
        "premium_per_month_rp", "premium_committed_rp", "official_as_of", "official_numerator",
        "programme_addition", "covered", "denominator", "ucj_percent", "contribution_points", "target_percent",
        "target_achievement_percent", "workers_needed_for_target")} == {
        "level": "regency", "region_name": "Kabupaten Seluma", "year": 2026, "quota": 2_020, "nominated": 10,
        "submitted": 10, "approved": 10, "registered": 10, "active": 10, "premium_per_month_rp": 16_800,
        "premium_committed_rp": 10 * 16_800 * 3, "official_as_of": AS_OF, "official_numerator": 38_450,
        "programme_addition": 4, "covered": 38_454, "denominator": 100_000,
        # Stored as published: 38.454 → 38.45 and 38.45 ÷ 46.80 → 82.16, what the page shows
        # (before the rounding rule: 38.4540 and 82.1667, shown as 82,17% beside 38,45%).
        "ucj_percent": Decimal("38.4500"), "contribution_points": Decimal("0.0000"),
        "target_percent": Decimal("46.80"), "target_achievement_percent": Decimal("82.1600"),
        "workers_needed_for_target": 8_346,
    }
    niur_row = CoverageSnapshot.objects.get(region_code=niur.code, computed_on=ON)
    assert (niur_row.level, niur_row.registered, niur_row.quota, niur_row.ucj_percent) == ("village", 10, 10, None)


def test_the_same_day_twice_updates_the_days_row(seluma, programme, official, niur, add_nominees):
    first = coverage.recompute_regency(seluma.pk, on=ON)
    first_at = regency_row(seluma).computed_at
    add_nominees(programme, niur, 3, S.ACTIVE, dt.date(2026, 7, 1))

    second = coverage.recompute_regency(seluma.pk, on=ON)

    assert CoverageSnapshot.objects.filter(region_code="17.05").count() == 1
    assert CoverageSnapshot.objects.count() == ROWS + PROVINCE_ROW
    row = regency_row(seluma)
    assert (row.programme_addition, row.covered, row.computed_at > first_at) == (3, 38_453, True)
    assert first.changed == ["Kabupaten Seluma (17.05): dihitung pertama kali — UCJ 38,45%, terdaftar 0; "
                             "14 kecamatan, 202 desa/kelurahan"]
    assert second.changed == [
        "Kabupaten Seluma (17.05): tercakup 38.450 → 38.453; tambahan program 0 → 3; "
        "diusulkan 0 → 3; disetujui 0 → 3; terdaftar 0 → 3; aktif 0 → 3; "
        "kebutuhan pekerja untuk target 8.350 → 8.347",
        "Sukaraja (17.05.01): diusulkan 0 → 3; disetujui 0 → 3; terdaftar 0 → 3; aktif 0 → 3",
        "Desa/kelurahan yang berubah: 1",
    ]


def test_recompute_is_idempotent(seluma, programme, official, niur, add_nominees):
    add_nominees(programme, niur, 3, S.ACTIVE, dt.date(2026, 7, 1))
    coverage.recompute_regency(seluma.pk, on=ON)
    before = list(CoverageSnapshot.objects.order_by("region_code").values())

    again = coverage.recompute_regency(seluma.pk, on=ON)

    after = list(CoverageSnapshot.objects.order_by("region_code").values())
    strip = lambda rows: [{k: v for k, v in row.items() if k != "computed_at"} for row in rows]  # noqa: E731
    assert strip(after) == strip(before)
    assert again.changed == []


def test_two_days_give_two_rows_of_history(seluma, programme, official, niur, add_nominees):
    coverage.recompute_regency(seluma.pk, on=ON)
    add_nominees(programme, niur, 2, S.ACTIVE, dt.date(2026, 10, 1))

    coverage.recompute_regency(seluma.pk, on=dt.date(2026, 10, 1))

    trend = CoverageSnapshot.objects.filter(region_code="17.05").order_by("computed_on")
    assert [(row.computed_on, row.covered) for row in trend] == [(ON, 38_450), (dt.date(2026, 10, 1), 38_452)]
    assert CoverageSnapshot.objects.count() == 2 * (ROWS + PROVINCE_ROW)


def test_a_failure_half_way_leaves_nothing_written(seluma, programme, official, monkeypatch):
    """One transaction: an error after the rows were sent rolls all of them back."""
    def crash(**fields):
        raise RuntimeError("worker killed")

    # Built from the statement's answer, after the upsert ran, inside the transaction.
    monkeypatch.setattr(statement, "RegencyOutcome", crash)

    with pytest.raises(RuntimeError):
        coverage.recompute_regency(seluma.pk, on=ON)

    assert CoverageSnapshot.objects.count() == 0


def test_an_unknown_regency_raises_does_not_exist(db):
    with pytest.raises(Regency.DoesNotExist):
        coverage.recompute_regency(999_999, on=ON)


@pytest.mark.parametrize("villages_with_nominees", [1, 3])
def test_recompute_costs_the_same_queries_whatever_the_size(seluma, programme, official, add_nominees,
                                                            django_assert_num_queries, villages_with_nominees):
    for village in Village.objects.filter(subdistrict__regency=seluma).order_by("code")[:villages_with_nominees]:
        add_nominees(programme, village, 5, S.ACTIVE, dt.date(2026, 7, 1))
        add_nominees(programme, village, 2, S.SUBMITTED)

    # SAVEPOINT; SELECT regency FOR UPDATE; programmes; targets; regency official figures;
    # subdistrict official figures; SET LOCAL jit, work_mem; the statement (counts, rollup, upsert, stale
    # rows, what changed); the province's row (PROVINCE_QUERIES); RELEASE SAVEPOINT.
    with django_assert_num_queries(9 + PROVINCE_QUERIES):
        coverage.recompute_regency(seluma.pk, on=ON)

    assert regency_row(seluma).programme_addition == 5 * villages_with_nominees


def test_several_regencies_cost_the_same_queries_as_one(seluma, other_regency, programme, official, niur,
                                                        add_nominees, django_assert_num_queries):
    add_nominees(programme, niur, 3, S.ACTIVE, dt.date(2026, 7, 1))

    # As above, one statement for both, plus the premium rate in force (Bengkulu Selatan has no
    # programme); both are in Bengkulu: one province row.
    with django_assert_num_queries(10 + PROVINCE_QUERIES):
        results = coverage.recompute_regencies([seluma.pk, other_regency.pk], on=ON)

    assert [result.regency_code for result in results] == ["17.05", "17.01"]
    assert regency_row(seluma).programme_addition == 3
    assert CoverageSnapshot.objects.filter(regency=other_regency, computed_on=ON).count() == results[1].rows_written


def test_an_unchanged_row_is_not_rewritten(seluma, programme, official, niur, add_nominees):
    add_nominees(programme, niur, 3, S.ACTIVE, dt.date(2026, 7, 1))
    first = coverage.recompute_regency(seluma.pk, on=ON)
    stamps = dict(CoverageSnapshot.objects.values_list("region_code", "computed_at"))

    again = coverage.recompute_regency(seluma.pk, on=ON)

    after = dict(CoverageSnapshot.objects.values_list("region_code", "computed_at"))
    assert (first.rows_changed, again.rows_changed) == (ROWS, 1)  # the second time only the regency's own row
    # ... and the province's, which says when it was last computed as the regency's does.
    assert sorted(code for code in after if after[code] != stamps[code]) == ["17", "17.05"]


def test_recompute_all_covers_regencies_with_coverage_data(seluma, other_regency, official, sysadmin):
    result = coverage.recompute_all(on=ON)

    assert [item.regency_code for item in result] == ["17.05"]  # Bengkulu Selatan has nothing yet
    OfficialFigure.objects.create(subdistrict=other_regency.subdistricts.first(), as_of=AS_OF, active_bpu=10,
                                  denominator=100, entered_by=sysadmin)
    assert [item.regency_code for item in coverage.recompute_all(on=ON)] == ["17.01", "17.05"]


# --- Two recomputes at the same moment, on real PostgreSQL ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_second_run_waits_for_the_first_and_writes_the_same_values(seluma, programme, official, niur,
                                                                      add_nominees):
    """The regency row lock: while another transaction holds it, a recompute waits; once released it
    reads the committed data and writes the same figures."""
    add_nominees(programme, niur, 3, S.ACTIVE, dt.date(2026, 7, 1))
    finished = threading.Event()
    errors = []

    def recompute_in_thread():
        try:
            coverage.recompute_regency(seluma.pk, on=ON)
        except Exception as error:  # noqa: BLE001 - reported in the main thread
            errors.append(repr(error))
        finally:
            finished.set()
            connection.close()

    with transaction.atomic():
        Regency.objects.select_for_update().get(pk=seluma.pk)  # a first run holding the lock
        coverage_thread = threading.Thread(target=recompute_in_thread)
        coverage_thread.start()
        time.sleep(0.5)
        assert not finished.is_set()  # waiting on the lock
        # The first run writes (here: a registration it saw), then commits.
        Nominee.objects.filter(pk=Nominee.objects.filter(village=niur).order_by("pk").first().pk).update(
            status=S.LAPSED)
    coverage_thread.join(timeout=30)

    assert errors == []
    assert finished.is_set()
    row = regency_row(seluma)
    assert (row.programme_addition, row.covered) == (2, 38_452)  # what was committed before it read
    coverage.recompute_regency(seluma.pk, on=ON)
    assert CoverageSnapshot.objects.filter(region_code="17.05").count() == 1
    assert regency_row(seluma).covered == 38_452


def test_a_village_retired_since_the_morning_loses_its_row_of_the_day(seluma, programme, official, niur,
                                                                     lubuk_sahung, add_nominees):
    add_nominees(programme, niur, 2, S.ACTIVE, dt.date(2026, 7, 1))
    coverage.recompute_regency(seluma.pk, on=ON)
    Village.objects.filter(pk__in=[niur.pk, lubuk_sahung.pk]).update(is_retired=True)

    result = coverage.recompute_regency(seluma.pk, on=ON)

    codes = set(CoverageSnapshot.objects.filter(computed_on=ON, regency=seluma).values_list("region_code", flat=True))
    assert (niur.code in codes, lubuk_sahung.code in codes) == (True, False)  # Niur still holds nominees
    assert result.rows_written == len(codes) == ROWS - 1


# --- The province's row ---------------------------------------------------------------------------


def test_the_province_row_sums_its_regencies_with_the_provinces_own_target_and_figure(
        seluma, other_regency, programme, official, niur, add_nominees, sysadmin):
    from villages.models import Province

    bengkulu = Province.objects.get(code="17")
    OfficialFigure.objects.create(province=bengkulu, as_of=AS_OF, active_pu=400_000, denominator=1_000_000,
                                  entered_by=sysadmin)
    CoverageTarget.objects.create(province=bengkulu, year=YEAR, target_percent=Decimal("50.00"),
                                  working_population=1_000_000, entered_by=sysadmin)
    add_nominees(programme, niur, 4, S.ACTIVE, dt.date(2026, 7, 1))

    coverage.recompute_regencies([seluma.pk, other_regency.pk], on=ON)

    row = CoverageSnapshot.objects.get(region_code="17", computed_on=ON)
    assert (row.level, row.regency_id, row.region_name) == (RegionLevel.PROVINCE, None, bengkulu.name)
    assert (row.quota, row.registered, row.programme_addition, row.covered, row.denominator) == (
        2_020, 4, 4, 400_004, 1_000_000)
    assert (row.ucj_percent, row.target_percent, row.target_achievement_percent) == (
        Decimal("40.0000"), Decimal("50.00"), Decimal("80.0000"))  # 40.0004 published
    live = coverage.figures_for(bengkulu, on=ON).snapshot_fields()
    assert {name: getattr(row, name) for name in live} == live  # the row is the live figures, stored


def test_a_province_target_rewrites_the_provinces_row_after_commit(seluma, programme, official, sysadmin,
                                                                    django_capture_on_commit_callbacks):
    from reports.services import coverage_target_set
    from villages.models import Province

    coverage.recompute_regency(seluma.pk)
    before = CoverageSnapshot.objects.get(level=RegionLevel.PROVINCE, region_code="17")
    assert before.target_percent is None

    with django_capture_on_commit_callbacks(execute=True):
        coverage_target_set(region=Province.objects.get(code="17"), year=before.year, target_percent="45,5",
                            working_population=900_000, population_source="BPS", entered_by=sysadmin)

    after = CoverageSnapshot.objects.get(level=RegionLevel.PROVINCE, region_code="17")
    assert (after.pk, after.target_percent, after.denominator) == (before.pk, Decimal("45.50"), 900_000)


def test_a_province_row_belongs_to_no_regency_and_every_other_row_to_one(seluma):
    from django.db import IntegrityError

    AT = dt.datetime(2026, 9, 30, tzinfo=dt.UTC)  # noqa: N806

    with pytest.raises(IntegrityError), transaction.atomic():
        CoverageSnapshot.objects.create(level=RegionLevel.PROVINCE, region_code="17", region_name="Bengkulu",
                                        regency=seluma, computed_on=ON, computed_at=AT, year=YEAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoverageSnapshot.objects.create(level=RegionLevel.REGENCY, region_code="17.05", region_name="Seluma",
                                        computed_on=ON, computed_at=AT, year=YEAR)
