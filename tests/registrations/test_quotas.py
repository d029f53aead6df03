"""registrations/quotas.py and the quota lock in services.nominee_create, including many officers
saving at the same moment on real PostgreSQL."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from registrations import services
from registrations.crypto import keyed_hash
from registrations.enums import NomineeStatus, QuotaRule
from registrations.models import Nominee, OccupationCategory, Programme, VillageQuota
from registrations.quotas import places_taken, programme_quota_total, quota_full_message, village_quota
from villages.models import Village

from .conftest import KK, nik_for, nominee_fields


def test_village_quota_is_the_programme_number_unless_overridden(open_programme, niur, lubuk_sahung):
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=4)

    assert (village_quota(open_programme, niur), village_quota(open_programme, lubuk_sahung)) == (4, 10)


def test_seluma_total_is_202_villages_times_10(open_programme):
    assert programme_quota_total(open_programme) == 2_020


def test_total_counts_overrides(open_programme, niur, lubuk_sahung):
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=4)
    VillageQuota.objects.create(programme=open_programme, village=lubuk_sahung, quota=12)

    assert programme_quota_total(open_programme) == 200 * 10 + 4 + 12


def test_regency_total_and_no_quota(open_programme, regency_admin):
    services.programme_update(programme=open_programme, changed_by=regency_admin,
                              quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=500)
    assert programme_quota_total(open_programme) == 500

    services.programme_update(programme=open_programme, changed_by=regency_admin, quota_rule=QuotaRule.NONE)
    assert programme_quota_total(open_programme) is None


def test_only_active_nominees_take_a_place(open_programme, niur, officer, make_nominee):
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=1)
    nominee = make_nominee(open_programme, niur, officer)
    assert (places_taken(open_programme, niur), quota_full_message(open_programme, niur)) == (
        1, "Kuota desa sudah penuh (1 dari 1). Ganti calon yang ditolak atau berhenti, atau minta dinas menambah "
           "kuota.")

    Nominee.objects.filter(pk=nominee.pk).update(status=NomineeStatus.REJECTED)

    assert (places_taken(open_programme, niur), quota_full_message(open_programme, niur)) == (0, None)


def test_nominee_create_refuses_past_the_quota(open_programme, niur, officer, make_nominee):
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=1)
    make_nominee(open_programme, niur, officer)

    with pytest.raises(ValidationError) as error:
        make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1985, 1, 1), serial=2),
                     birth_date=dt.date(1985, 1, 1))
    assert error.value.messages == [
        "Kuota desa sudah penuh (1 dari 1). Ganti calon yang ditolak atau berhenti, atau minta dinas menambah kuota."]


# --- Concurrency on real PostgreSQL ----------------------------------------------------------

THREADS = 6


def _create_at_once(programme_pk, jobs):
    """Runs services.nominee_create for every (village_pk, officer_pk, serial) in its own thread and
    database connection, all released together; returns the ValidationError messages."""
    barrier = threading.Barrier(len(jobs))
    refusals, crashes = [], []

    def work(village_pk, officer_pk, serial):
        try:
            programme = Programme.objects.get(pk=programme_pk)
            village = Village.objects.select_related("subdistrict").get(pk=village_pk)
            officer = User.objects.get(pk=officer_pk)
            born = dt.date(1980, 1, serial)
            nik = nik_for(born, serial=serial)
            fields = nominee_fields(occupation=OccupationCategory.objects.get(name="Petani"), birth_date=born)
            for name in ("nik", "kk", "phone"):
                fields.pop(name)
            barrier.wait(timeout=10)
            services.nominee_create(programme=programme, village=village, created_by=officer, nik=nik,
                                    nik_hash=keyed_hash(nik), kk=KK, **fields)
        except ValidationError as error:
            refusals.extend(error.messages)
        except Exception as error:  # noqa: BLE001 - reported below, in the main thread
            crashes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert crashes == []
    return refusals


@pytest.mark.django_db(transaction=True)
def test_village_quota_holds_under_concurrent_entries(seluma, niur, officer, regency_admin):
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Uji serentak", year=2026,
        coverage_start=dt.date.today() + dt.timedelta(days=14),
        nomination_opens=dt.date.today() - dt.timedelta(days=1),
        nomination_closes=dt.date.today() + dt.timedelta(days=1),
        quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=3,
    )

    refusals = _create_at_once(programme.pk, [(niur.pk, officer.pk, serial) for serial in range(1, THREADS + 1)])

    assert Nominee.objects.filter(programme=programme, village=niur).count() == 3
    assert refusals == [
        "Kuota desa sudah penuh (3 dari 3). Ganti calon yang ditolak atau berhenti, atau minta dinas menambah kuota."
    ] * (THREADS - 3)


@pytest.mark.django_db(transaction=True)
def test_regency_total_quota_holds_under_concurrent_entries(seluma, niur, lubuk_sahung, officer, neighbour_officer,
                                                            regency_admin):
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Uji serentak", year=2026,
        coverage_start=dt.date.today() + dt.timedelta(days=14),
        nomination_opens=dt.date.today() - dt.timedelta(days=1),
        nomination_closes=dt.date.today() + dt.timedelta(days=1),
        quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=3,
    )
    jobs = [(niur.pk, officer.pk, serial) if serial % 2 else (lubuk_sahung.pk, neighbour_officer.pk, serial)
            for serial in range(1, THREADS + 1)]

    refusals = _create_at_once(programme.pk, jobs)

    assert Nominee.objects.filter(programme=programme).count() == 3
    assert refusals == ["Kuota kabupaten/kota sudah penuh (3 dari 3)."] * (THREADS - 3)
