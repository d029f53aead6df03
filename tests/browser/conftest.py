"""Browser-test helpers on top of tests/conftest.py (browser, phone, desk, screenshot)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from registrations import services
from registrations.models import OccupationCategory
from registrations.validation import check_nominee

from ..conftest import PASSWORD

PEOPLE = [  # (name, NIK, birth date): NIKs of Kecamatan Sukaraja (17.05.01) with the birth date inside
    ("Budi Santoso", "1705011505900001", dt.date(1990, 5, 15)),
    ("Agus Salim", "1705010203850002", dt.date(1985, 3, 2)),
    ("Joko Widodo", "1705012107780003", dt.date(1978, 7, 21)),
]


@pytest.fixture
def seeded(db):
    """A transactional test starts from an empty database: put back the premium rate and the
    occupation categories that migration 0002 seeds."""
    importlib.import_module("registrations.migrations.0002_seed_rates_and_categories").seed(apps, None)


def log_in(page, user):
    """Log in through the login page, as a person does; the page lands where the role starts."""
    page.goto("/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def fill_nominee(page, *, nik, name, birth_date, sex, rt):
    """Types a nominee into the open nominee form, as the officer does from the KTP and the KK."""
    page.get_by_label("NIK", exact=True).fill(nik)
    page.get_by_label("No. KK").fill("1705010101200001")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill(name)
    page.get_by_label("Tempat lahir").fill("Tais")
    page.get_by_label("Tanggal lahir").fill(birth_date)
    page.get_by_label("Jenis kelamin").select_option(label=sex)
    page.get_by_label("Alamat", exact=True).fill("Jl. Raya Niur")
    page.get_by_label("RT", exact=True).fill(rt)
    page.get_by_label("Nomor HP").fill("0812 7788 9900")
    page.get_by_label("Pekerjaan").select_option(label="Petani")
    page.get_by_label("Calon peserta setuju").check()


def niur_list_submitted(*, regency, village, officer, regency_admin, year):
    """Desa Niur's three PEOPLE, entered and sent to the regency through the services, in a stage of
    `year` whose window is open; returns the programme."""
    today = timezone.localdate()
    programme = services.programme_create(
        regency=regency, created_by=regency_admin, name="Perlindungan Pekerja Rentan", year=year,
        stage=1, coverage_start=today + dt.timedelta(days=40), nomination_opens=today - dt.timedelta(days=1),
        nomination_closes=today + dt.timedelta(days=30), quota_per_village=10,
    )
    farmer = OccupationCategory.objects.get(name="Petani")
    for name, nik, birth_date in PEOPLE:
        check = check_nominee(programme=programme, village=village, nik=nik, kk="1705010101200001",
                              birth_date=birth_date, sex="L")
        services.nominee_create(programme=programme, village=village, created_by=officer, nik=check.nik,
                                nik_hash=check.nik_hash, kk=check.kk, full_name=name, birth_place="Tais",
                                birth_date=birth_date, sex="L", address="Jl. Raya Niur", rt="001",
                                occupation=farmer)
    services.village_list_submit(programme=programme, village=village, submitted_by=officer)
    return programme
