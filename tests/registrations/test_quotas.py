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
from registrations.quotas import (
    QuotaStanding,
    per_village_quota,
    places_taken,
    places_taken_by_village,
    programme_quota_total,
    quota_overrides,
    quota_rule_label,
    quota_standing,
    regency_wide_quota,
    villages_quota,
)
from villages.models import Village

from .conftest import KK, nik_for, nominee_fields

VILLAGE_FULL = ("Kuota desa sudah penuh ({taken} dari {quota}). Hapus calon draf yang batal diusulkan, "
                "atau minta dinas menambah kuota.")


def _second_person(make_nominee, programme, village, officer, serial=2):
    born = dt.date(1985, 1, serial)
    return make_nominee(programme, village, officer, nik=nik_for(born, serial=serial), birth_date=born)


# --- Quota standing, one village: each rule -------------------------------------------------------

def test_standing_per_village_uses_the_programme_number(open_programme, niur, officer, make_nominee,
                                                        django_assert_num_queries):
    make_nominee(open_programme, niur, officer)

    with django_assert_num_queries(2):  # the village's override; its places
        standing = quota_standing(open_programme, niur)

    assert standing == QuotaStanding(rule=QuotaRule.PER_VILLAGE, village_taken=1, village_quota=10)
    assert (standing.quota, standing.taken, standing.left, standing.is_full, standing.full_message) == (
        10, 1, 9, False, None)


def test_standing_per_village_overridden_and_full(open_programme, niur, lubuk_sahung, officer, make_nominee):
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=2)
    make_nominee(open_programme, niur, officer)
    _second_person(make_nominee, open_programme, niur, officer)

    standing = quota_standing(open_programme, niur)

    assert (standing.quota, standing.taken, standing.left, standing.is_full) == (2, 2, 0, True)
    assert standing.full_message == VILLAGE_FULL.format(taken=2, quota=2)
    # The neighbour keeps the programme's number and its own count.
    assert (quota_standing(open_programme, lubuk_sahung).quota, quota_standing(open_programme, lubuk_sahung).taken) \
        == (10, 0)


def test_standing_regency_wide_counts_the_whole_regency(open_programme, niur, lubuk_sahung, officer,
                                                        neighbour_officer, regency_admin, make_nominee,
                                                        django_assert_num_queries):
    services.programme_update(programme=open_programme, changed_by=regency_admin,
                              quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=2)
    make_nominee(open_programme, lubuk_sahung, neighbour_officer)
    # An override left from the per-village rule does not count under a regency-wide total.
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=7)
    make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1985, 1, 2), serial=2),
                 birth_date=dt.date(1985, 1, 2))

    with django_assert_num_queries(1):  # the regency's and the village's places in one count
        standing = quota_standing(open_programme, niur)

    assert standing == QuotaStanding(rule=QuotaRule.REGENCY_TOTAL, village_taken=1, regency_quota=2,
                                     regency_taken=2)
    assert (standing.quota, standing.taken, standing.left, standing.is_full, standing.full_message) == (
        2, 2, 0, True, "Kuota kabupaten/kota sudah penuh (2 dari 2).")


def test_standing_without_quota_is_never_full(open_programme, niur, officer, regency_admin, make_nominee):
    services.programme_update(programme=open_programme, changed_by=regency_admin, quota_rule=QuotaRule.NONE)
    make_nominee(open_programme, niur, officer)

    standing = quota_standing(open_programme, niur)

    assert standing == QuotaStanding(rule=QuotaRule.NONE, village_taken=1)
    assert (standing.quota, standing.taken, standing.left, standing.is_full, standing.full_message) == (
        None, 1, None, False, None)


def test_only_active_nominees_take_a_place(open_programme, niur, officer, make_nominee):
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=1)
    nominee = make_nominee(open_programme, niur, officer)
    assert (places_taken(open_programme, niur), quota_standing(open_programme, niur).full_message) == (
        1, VILLAGE_FULL.format(taken=1, quota=1))

    Nominee.objects.filter(pk=nominee.pk).update(status=NomineeStatus.REJECTED)

    assert (places_taken(open_programme, niur), quota_standing(open_programme, niur).full_message) == (0, None)


def test_nominee_create_refuses_past_the_quota(open_programme, niur, officer, make_nominee):
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=1)
    make_nominee(open_programme, niur, officer)

    with pytest.raises(ValidationError) as error:
        _second_person(make_nominee, open_programme, niur, officer)
    assert error.value.messages == [VILLAGE_FULL.format(taken=1, quota=1)]


# --- The rule as written ----------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "label"), [
    ({"quota_per_village": 10}, "10 orang per desa/kelurahan"),
    ({"quota_rule": QuotaRule.REGENCY_TOTAL, "quota_total": 2_020}, "2.020 orang untuk seluruh kabupaten/kota"),
    ({"quota_rule": QuotaRule.NONE}, "Tanpa kuota"),
])
def test_the_rule_is_written_with_its_number(open_programme, regency_admin, rule, label):
    services.programme_update(programme=open_programme, changed_by=regency_admin, **rule)

    assert quota_rule_label(open_programme) == label


# --- The rule for many villages at once (tracking, coverage) ---------------------------------------

def test_per_village_quota_is_the_override_else_the_programme_number(open_programme, regency_admin):
    assert (per_village_quota(open_programme, None), per_village_quota(open_programme, 4),
            per_village_quota(open_programme, 0)) == (10, 4, 0)

    services.programme_update(programme=open_programme, changed_by=regency_admin,
                              quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=500)
    assert per_village_quota(open_programme, 4) is None


def test_villages_quota_sums_the_stages_like_the_single_village(open_programme, seluma, niur, lubuk_sahung,
                                                                regency_admin, django_assert_num_queries):
    second = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Tahap 2", year=open_programme.year, stage=2,
        coverage_start=open_programme.coverage_start, nomination_opens=open_programme.nomination_opens,
        nomination_closes=open_programme.nomination_closes, quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=5,
    )
    wide = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Kabupaten", year=open_programme.year, stage=3,
        coverage_start=open_programme.coverage_start, nomination_opens=open_programme.nomination_opens,
        nomination_closes=open_programme.nomination_closes, quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=300,
    )
    VillageQuota.objects.create(programme=open_programme, village=niur, quota=4)
    programmes = [open_programme, second, wide]

    with django_assert_num_queries(1):
        overrides = quota_overrides(programmes)

    def quota_of(village, *, is_retired=False):
        return villages_quota(programmes, village_id=village.pk, regency_id=seluma.pk, is_retired=is_retired,
                              overrides=overrides)

    assert overrides == {(open_programme.pk, niur.pk): 4}
    assert (quota_of(niur), quota_of(lubuk_sahung), quota_of(niur, is_retired=True)) == (4 + 5, 10 + 5, None)
    assert quota_of(niur) == quota_standing(open_programme, niur).quota + quota_standing(second, niur).quota
    assert regency_wide_quota(programmes) == 300
    assert (regency_wide_quota([open_programme, second]), villages_quota([wide], village_id=niur.pk,
                                                                         regency_id=seluma.pk, is_retired=False,
                                                                         overrides={})) == (None, None)


def test_places_taken_by_village(open_programme, niur, lubuk_sahung, officer, make_nominee, django_assert_num_queries):
    make_nominee(open_programme, niur, officer)
    _second_person(make_nominee, open_programme, niur, officer)

    with django_assert_num_queries(1):
        taken = places_taken_by_village(open_programme, [niur.pk, lubuk_sahung.pk])

    assert taken == {niur.pk: 2}
    assert places_taken_by_village(open_programme, []) == {}


# --- All places of a programme ------------------------------------------------------------------

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
        "Kuota desa sudah penuh (3 dari 3). Hapus calon draf yang batal diusulkan, atau minta dinas menambah kuota."
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
