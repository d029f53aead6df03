"""Coverage fixtures on top of the personas in tests/conftest.py (Seluma 17.05, Bengkulu Selatan
17.01).

Dates are fixed (the 2026 programme year, figures computed ON 2026-09-30) so every number in the
tests is exact whatever day they run; services that refuse future dates get past ones.
"""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache

from jamsostek_portal.celery import app
from registrations.enums import NomineeStatus
from registrations.models import Nominee, OccupationCategory
from reports import triggers

YEAR = 2026
ON = dt.date(2026, 9, 30)
AS_OF = dt.date(2026, 6, 30)  # the official figure's date in most tests


@pytest.fixture
def add_nominees(regency_admin):
    """add_nominees(programme, village, count, status, registered_on=None) → the nominees, written
    with bulk_create (arbitrary NIK hashes): arrangement for counting tests, not the workflow's."""
    occupation = OccupationCategory.objects.get(name="Petani")

    def _add(programme, village, count, status=NomineeStatus.DRAFT, registered_on=None):
        rows = [
            Nominee(
                programme=programme, village=village, status=status, registered_on=registered_on,
                kpj_number=f"{index:011d}" if registered_on else "",
                nik=f"1705010101900{index % 1000:03d}", nik_hash=uuid.uuid4().hex, nik_masked="1705********0001",
                kk="1705010101200001", full_name=f"Pekerja {index}", birth_place="Tais",
                birth_date=dt.date(1990, 1, 1), sex="L", address="Jalan Desa", rt="001", occupation=occupation,
                consent_at=dt.datetime(2026, 1, 10, tzinfo=dt.UTC), consent_by=regency_admin,
                created_by=regency_admin,
            )
            for index in range(count)
        ]
        return Nominee.objects.bulk_create(rows)

    return _add


# --- Recompute triggers (test_triggers.py inline, test_tasks.py on the worker) -------------------

@pytest.fixture
def eager():
    """Tasks run inline the moment they are enqueued, as with no broker (the embedded demo)."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def no_recompute_marks(seluma, other_regency):
    """Seluma and the other regency start with no pending mark and no run count: each run of the
    suite creates a new test database whose ids start again at 1, while the cache (Redis) keeps its
    keys for hours. Returns the clearing function, for a fixture that must clear again later."""

    def clear():
        for regency in (seluma, other_regency):
            cache.delete_many([triggers.pending_key(regency.pk), triggers.runs_key(regency.pk)])

    clear()
    return clear
