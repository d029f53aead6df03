"""Fixtures of the continuation tests: 2026 stage I's three members in Niur, and the 2027 stage
that continues them."""

import datetime as dt

import pytest

from registrations import services
from registrations.enums import QuotaRule
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

from ..conftest import TODAY

REGISTERED_ON = dt.date(2026, 3, 1)


@pytest.fixture
def next_stage(seluma, regency_admin, programme):
    """Seluma's 2027 stage, continuing 2026 stage I: 3 per village, its window open today."""
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2027", year=2027, stage=1,
        implementing_office="Dinas Tenaga Kerja Kabupaten Seluma", coverage_start=dt.date(2027, 1, 1),
        nomination_opens=TODAY - dt.timedelta(days=3), nomination_closes=TODAY + dt.timedelta(days=30),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=3, continues_from=programme,
    )


@pytest.fixture
def members(programme, niur, add_nominees):
    """Three members of 2026 stage I in Niur: registered, active and in arrears (lapsed)."""
    rows = add_nominees(programme, niur, 3, status=S.ACTIVE, registered_on=REGISTERED_ON)
    statuses = [S.REGISTERED, S.ACTIVE, S.ARREARS]
    for nominee, status in zip(rows, statuses, strict=True):
        nominee.status = status
        nominee.paid_until = dt.date(2026, 5, 31)
    Nominee.objects.bulk_update(rows, ["status", "paid_until"])
    return rows
