"""demo/scenario.py and the load_demo command: Seluma and one user per role, never in production."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.enums import Role
from accounts.models import RegionAssignment, User
from demo.scenario import DEMO_PASSWORD, DEMO_USERS, demo_load
from registrations.models import NomineeEvent
from villages.models import Regency, Village


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo stores its BPJS batch files (with NIKs) under MEDIA_ROOT: keep them out of the tree."""
    settings.MEDIA_ROOT = tmp_path


def demo_logins_that_work() -> list[str]:
    request = RequestFactory().post("/masuk/")
    return [demo.username for demo in DEMO_USERS
            if authenticate(request, username=demo.username, password=DEMO_PASSWORD) is not None]


def test_demo_refuses_to_run_in_production(db, settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(ImproperlyConfigured) as error:
        demo_load()

    assert "tidak boleh di produksi" in str(error.value)
    assert not User.objects.exists()
    assert not Regency.objects.exists()


def test_load_demo_command_refuses_in_production(db, settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError) as error:
        call_command("load_demo", stdout=StringIO())

    assert str(error.value) == "load_demo membuat akun dengan kata sandi umum: tidak boleh di produksi."
    assert not User.objects.exists()


def test_demo_loads_seluma_and_one_user_per_role(db):
    demo_load()

    assert Village.objects.filter(subdistrict__regency__code="17.05").count() == 202
    assert sorted(User.objects.values_list("role", flat=True).distinct()) == sorted(Role.values)
    assert demo_logins_that_work() == [demo.username for demo in DEMO_USERS]
    niur_officer = User.objects.get(username="op-1705012002")
    assert [a.region.code for a in niur_officer.region_assignments.all()] == ["17.05.01.2002"]
    assert Regency.objects.get(code="17.05").settings.head_name == "Drs. Kepala Dinas Contoh"


def test_demo_loads_again_without_duplicates_and_puts_the_passwords_back(db):
    demo_load()
    users_after_first = User.objects.count()
    assignments_after_first = RegionAssignment.objects.count()
    changed = User.objects.get(username="verifikator.seluma")
    changed.set_password("sudah-diganti-123")
    changed.is_active = False
    changed.save()

    demo_load()

    # The demo users, and the system account the daily membership update acts as (accounts.system).
    assert User.objects.count() == users_after_first == len(DEMO_USERS) + 1
    assert RegionAssignment.objects.count() == assignments_after_first == len(DEMO_USERS) - 1  # admin has none
    assert demo_logins_that_work() == [demo.username for demo in DEMO_USERS]


def test_load_demo_command_lists_the_accounts(db):
    out = StringIO()

    call_command("load_demo", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "Wilayah Kabupaten Seluma (17.05) dimuat.",
        f"Pengguna demo (kata sandi semuanya: {DEMO_PASSWORD}):",
    ]
    assert [line.split()[0] for line in lines[2:-1]] == [demo.username for demo in DEMO_USERS]


def test_demo_decisions_are_made_by_the_demo_user_whose_job_it_is(db):
    demo_load()

    actors = {}
    for to_status, username in NomineeEvent.objects.values_list("to_status", "actor__username"):
        actors.setdefault(to_status, set()).add(username)
    # The villages' officers, and the nominating body's (demo/bodies.py).
    village_officers = {demo.username for demo in DEMO_USERS
                        if demo.role in (Role.VILLAGE_OFFICER, Role.INSTITUTION_OFFICER)}
    assert actors == {
        "draft": village_officers,
        "submitted": village_officers,
        "verified": {"verifikator.seluma"},
        "returned": {"verifikator.seluma"},
        "rejected": {"verifikator.seluma"},
        "approved": {"penyetuju.seluma"},
        "sent_to_bpjs": {"admin.seluma"},
        "registered": {"bpjs.seluma"},
        "refused_by_bpjs": {"bpjs.seluma"},
        # Pasar Tais's officer confirmed the second stage (demo/continuation.py): the members who
        # continue start there in their state, the confirmed ones end in the first stage.
        "active": {"bpjs.seluma", "op-1705021010"},
        "arrears": {"sistem-otomatis"},  # the daily membership update: Ani Suryani's paid period ended
        "lapsed": {"bpjs.seluma", "op-1705021010"},
        "ended": {"admin.seluma", "op-1705021010"},
    }


def test_demo_gives_the_dashboard_a_trend_of_five_computed_days(db):
    """Four monthly official figures, each computed the day after it arrived, and today."""
    import datetime as dt

    from reports.coverage import coverage_today
    from reports.models import RegionLevel
    from reports.selectors import snapshot_trend

    demo_load()

    today = coverage_today()
    trend = [(row.computed_on, str(row.official_numerator)) for row in snapshot_trend("17.05")
             if row.level == RegionLevel.REGENCY]
    assert trend == [
        (today - dt.timedelta(days=119), "26525"), (today - dt.timedelta(days=89), "27375"),
        (today - dt.timedelta(days=59), "28115"), (today - dt.timedelta(days=29), "28785"), (today, "28785")]
