"""reports/selectors.py: the stored snapshots the dashboards read."""

import datetime as dt

import pytest

from reports import coverage, selectors
from reports.models import CoverageSnapshot, RegionLevel

from .conftest import ON

NEXT_DAY = ON + dt.timedelta(days=1)


@pytest.fixture
def two_days(seluma, other_regency, programme):
    coverage.recompute_regency(seluma.pk, on=ON)
    coverage.recompute_regency(seluma.pk, on=NEXT_DAY)
    coverage.recompute_regency(other_regency.pk, on=NEXT_DAY + dt.timedelta(days=1))


def test_latest_snapshots_are_the_regencys_latest_day(seluma, two_days, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(selectors.latest_snapshots(seluma))

    assert len(rows) == 1 + 14 + 202
    assert {row.computed_on for row in rows} == {NEXT_DAY}
    assert {row.regency_id for row in rows} == {seluma.pk}
    assert [row.region_code for row in rows[:3]] == ["17.05", "17.05.01", "17.05.02"]


def test_latest_snapshots_of_one_level(seluma, two_days):
    rows = selectors.latest_snapshots(seluma, level=RegionLevel.SUBDISTRICT)

    assert [row.region_code for row in rows] == [f"17.05.{number:02d}" for number in range(1, 15)]
    with pytest.raises(ValueError):
        selectors.latest_snapshots(seluma, level="desa")


def test_a_regency_never_computed_has_no_snapshots(seluma):
    assert list(selectors.latest_snapshots(seluma)) == []


def test_snapshot_trend_is_one_row_per_day(seluma, two_days):
    assert [row.computed_on for row in selectors.snapshot_trend("17.05.01")] == [ON, NEXT_DAY]
