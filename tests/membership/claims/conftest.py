"""Benefit claims fixtures on top of the nomination fixtures: members of Seluma registered with BPJS."""

import datetime as dt

import pytest

from registrations.enums import NomineeStatus
from registrations.models import Nominee
from tests.registrations.conftest import *  # noqa: F403  (fixtures and the NIK helpers)
from tests.registrations.conftest import nik_for

BORN = dt.date(1990, 5, 15)
REGISTERED_ON = dt.date(2026, 3, 1)


def member_nik(serial: int) -> str:
    return nik_for(BORN, serial=serial)


def kpj(serial: int) -> str:
    return f"0{serial:010d}"  # a leading zero, as the branch's numbers have


@pytest.fixture
def members(open_programme, make_nominee, niur, officer):
    """Serials 1-3: active members of Desa Niur (KPJ 00000000001…, members since 1 March 2026);
    serial 4: submitted, not a member."""
    made = {}
    for serial in (1, 2, 3, 4):
        nominee = make_nominee(open_programme, niur, officer, nik=member_nik(serial), full_name=f"Peserta {serial}")
        if serial == 4:
            Nominee.objects.filter(pk=nominee.pk).update(status=NomineeStatus.SUBMITTED)
        else:
            Nominee.objects.filter(pk=nominee.pk).update(status=NomineeStatus.ACTIVE, kpj_number=kpj(serial),
                                                         registered_on=REGISTERED_ON)
        made[serial] = Nominee.objects.select_related("village__subdistrict__regency").get(pk=nominee.pk)
    return made
