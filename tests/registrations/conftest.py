"""Registrations fixtures on top of the personas in tests/conftest.py.

Fixture names are specific (open_programme, occupation_petani, make_nominee) because several
test modules of this package share them.
"""

import datetime as dt

import pytest

from registrations import services
from registrations.enums import QuotaRule
from registrations.models import OccupationCategory
from registrations.validation import check_nominee

TODAY = dt.date.today()
# A valid Seluma NIK: a man born 15-05-1990 (the serial 0001); women add 40 to the day.
NIK_MAN = "1705011505900001"
NIK_WOMAN = "1705015505900002"
KK = "1705011503200001"


@pytest.fixture
def open_programme(seluma, regency_admin):
    """Seluma's stage I: 10 per village, JKK + JKM on the lowest tier (Rp16,800), 3 months, its
    nomination window open today, coverage starting in a fortnight."""
    return services.programme_create(
        regency=seluma, created_by=regency_admin, name="Perlindungan Pekerja Rentan 2026", year=2026, stage=1,
        implementing_office="Dinas Tenaga Kerja Kabupaten Seluma", coverage_start=TODAY + dt.timedelta(days=14),
        nomination_opens=TODAY - dt.timedelta(days=7), nomination_closes=TODAY + dt.timedelta(days=7),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10,
    )


@pytest.fixture
def occupation_petani(db):
    return OccupationCategory.objects.get(name="Petani")


def nominee_fields(*, nik=NIK_MAN, kk=KK, birth_date=dt.date(1990, 5, 15), sex="L", phone="", occupation,
                   full_name="Budi Santoso"):
    """Everything NomineeForm would hand on, apart from the programme, village and officer."""
    return {"nik": nik, "kk": kk, "birth_date": birth_date, "sex": sex, "phone": phone, "occupation": occupation,
            "full_name": full_name, "birth_place": "Seluma", "address": "Jalan Desa No. 1", "rt": "001",
            "rw": "002"}


@pytest.fixture
def make_nominee(occupation_petani):
    """make_nominee(programme, village, officer, nik=…, …) → a draft nominee created the way the
    form does it: check_nominee first (must be clean), then services.nominee_create."""
    def _make(programme, village, officer, **overrides):
        fields = nominee_fields(occupation=occupation_petani, **overrides)
        check = check_nominee(programme=programme, village=village, nik=fields.pop("nik"), kk=fields.pop("kk"),
                              birth_date=fields["birth_date"], sex=fields["sex"], phone=fields.pop("phone"))
        assert check.errors == []
        return services.nominee_create(programme=programme, village=village, created_by=officer, nik=check.nik,
                                       nik_hash=check.nik_hash, kk=check.kk, phone=check.phone,
                                       confirmed_warnings=check.warning_codes, **fields)
    return _make


def nik_for(birth_date: dt.date, sex: str = "L", serial: int = 1, subdistrict: str = "01",
            regency: str = "1705") -> str:
    """A structurally valid NIK for that birth date and sex (women: day + 40)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{regency}{subdistrict}{day:02d}{birth_date:%m%y}{serial:04d}"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
