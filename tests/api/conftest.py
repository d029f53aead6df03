"""API fixtures on top of the personas in tests/conftest.py (Seluma 17.05, Bengkulu Selatan 17.01).

The Seluma scenario, computed ON 2026-09-30: target 46.80 % of 100,000 working people; BPJS
reported 38,450 active participants as of 30 June 2026; the programme registered 202 workers in
Desa Niur on 15 July, all still active, at Rp16,800 for 3 months.
  covered 38,652 → UCJ 38.65 %, 82.59 % of target (38.652 ÷ 46.80), contribution 0.20 points;
  needed 46,800 − 38,652 = 8,148 workers; premium committed 202 × 16,800 × 3 = Rp10,180,800.
"""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from bpjs.models import ExportBatch
from registrations import services as registration_services
from registrations.enums import NomineeStatus, QuotaRule
from reports import services as coverage_services
from reports.coverage import recompute_regency
from reports.models import CoverageSnapshot
from villages.enums import RegencyKind, VillageKind
from villages.models import Province, Regency, Subdistrict, Village

from ..conftest import ARRANGED_KK, ARRANGED_NAME, ARRANGED_NIK_PREFIX, ARRANGED_PHONE

YEAR = 2026
ON = dt.date(2026, 9, 30)
AS_OF = dt.date(2026, 6, 30)
COMPUTED_AT = dt.datetime(2026, 9, 30, 1, 15, tzinfo=dt.UTC)  # 08.15 WIB
# What the arranged nominees carry (tests/conftest.py add_nominees): no response may contain them.
NIK_PREFIX, KK, PHONE, NAME = ARRANGED_NIK_PREFIX, ARRANGED_KK, ARRANGED_PHONE, ARRANGED_NAME


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    # Throttle history lives in Redis across runs while user ids restart at 1 with each test
    # database: the throttle's own test turns it back on with keys it clears first.
    settings.API_THROTTLE_RATE = None


@pytest.fixture
def api():
    """api(user=None) → a DRF test client, logged in (session) as `user` when given."""
    def _client(user=None):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client
    return _client


@pytest.fixture
def other_programme(other_regency, other_admin):
    return registration_services.programme_create(
        regency=other_regency, created_by=other_admin, name="Pekerja Rentan Bengkulu Selatan 2026", year=YEAR,
        stage=1, implementing_office="Dinas Sosial", coverage_start=dt.date(2026, 3, 1),
        nomination_opens=dt.date(2026, 1, 5), nomination_closes=dt.date(2026, 2, 20),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10,
    )


def recompute(regency, on=ON):
    """recompute_regency on `on`, at a fixed time of day so that computed_at is exact."""
    recompute_regency(regency.pk, on=on)
    CoverageSnapshot.objects.filter(regency=regency, computed_on=on).update(computed_at=COMPUTED_AT)


@pytest.fixture
def seluma_coverage(seluma, regency_admin, programme, add_nominees, niur):
    """The scenario in the module docstring, recomputed ON."""
    coverage_services.coverage_target_set(
        region=seluma, year=YEAR, target_percent=Decimal("46.80"), working_population=100_000,
        population_source="BPS Sakernas Agustus 2025", entered_by=regency_admin)
    coverage_services.official_figure_record(
        region=seluma, as_of=AS_OF, active_pu=20_000, active_bpu=15_000, active_jakon=3_000, active_pmi=450,
        denominator=100_000, published_percent=Decimal("38.45"), source_document="Surat BPJS 12/2026",
        entered_by=regency_admin)
    add_nominees(programme, niur, 202, NomineeStatus.ACTIVE, dt.date(2026, 7, 15))
    recompute(seluma)
    return seluma


def make_batch(programme, created_by, number, *, add_nominees=None, nominees=(), created_at=None) -> ExportBatch:
    """A batch row as export_batch_create leaves it (the file name only: nothing here reads it), with
    `nominees` put in it: (village, count, status, registered_on) groups written by the add_nominees
    fixture. Its row_count is how many that makes, as the file has one row per nominee."""
    batch = ExportBatch.objects.create(regency=programme.regency, programme=programme, number=number,
                                       created_by=created_by, row_count=sum(group[1] for group in nominees),
                                       file=f"bpjs/2026/{number}.xlsx")
    for village, count, status, registered_on in nominees:
        add_nominees(programme, village, count, status, registered_on, batch=batch)
    if created_at is not None:
        ExportBatch.objects.filter(pk=batch.pk).update(created_at=created_at)
        batch.refresh_from_db()
    return batch


@pytest.fixture
def test_province(db):
    """Provinsi 99, invented, for lists whose length a test chooses."""
    return Province.objects.create(code="99", name="Provinsi Uji")


def make_regency(province, number: int, *, subdistricts: int = 0) -> Regency:
    """Regency 99.NN with `subdistricts` kecamatan of one desa each."""
    regency = Regency.objects.create(code=f"{province.code}.{number:02d}", name=f"Kabupaten Uji {number}",
                                     province=province, kind=RegencyKind.KABUPATEN)
    for index in range(1, subdistricts + 1):
        subdistrict = Subdistrict.objects.create(code=f"{regency.code}.{index:02d}", name=f"Kecamatan {index}",
                                                 regency=regency)
        Village.objects.create(code=f"{subdistrict.code}.2001", name=f"Desa {index}", subdistrict=subdistrict,
                               kind=VillageKind.DESA)
    return regency
