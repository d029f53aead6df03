"""common.database.update_rows: many rows, each with its own values, in one statement."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.database import update_rows
from reports.models import CoverageTarget
from villages.models import Village


def test_each_row_gets_its_own_values_in_one_statement(seluma):
    villages = list(Village.objects.filter(subdistrict__regency=seluma).order_by("code")[:3])
    for index, village in enumerate(villages):
        village.name, village.postal_code = f"Desa Uji {index}", "" if index == 1 else f"3887{index}"

    with CaptureQueriesContext(connection) as queries:
        update_rows(Village, villages, ["name", "postal_code"])

    assert len(queries) == 1
    stored = dict(Village.objects.filter(pk__in=[v.pk for v in villages]).values_list("name", "postal_code"))
    assert stored == {"Desa Uji 0": "38870", "Desa Uji 1": "", "Desa Uji 2": "38872"}
    others = Village.objects.filter(subdistrict__regency=seluma).exclude(pk__in=[v.pk for v in villages])
    assert not others.filter(name__startswith="Desa Uji").exists()


def test_numbers_keep_their_types(seluma, regency_admin):
    """Each value is cast to its column's type (a decimal, an integer): no rounding, no text."""
    targets = [CoverageTarget.objects.create(regency=seluma, year=year, target_percent=Decimal("40.00"),
                                             working_population=1000, entered_by=regency_admin)
               for year in (2026, 2027)]
    targets[0].target_percent, targets[0].working_population = Decimal("45.55"), 120_500
    targets[1].target_percent, targets[1].working_population = Decimal("12.25"), 7

    update_rows(CoverageTarget, targets, ["target_percent", "working_population"])

    assert list(CoverageTarget.objects.order_by("year").values_list("target_percent", "working_population")) == [
        (Decimal("45.55"), 120_500), (Decimal("12.25"), 7)]


def test_nothing_to_write_runs_no_statement(db):
    with CaptureQueriesContext(connection) as queries:
        update_rows(Village, [], ["name"])

    assert len(queries) == 0
