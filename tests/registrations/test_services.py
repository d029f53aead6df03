"""registrations/services.py: programmes, nominees, submission, village quotas; and the database
constraint behind "one person, one active nomination"."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from common.formatting import format_period
from registrations import services
from registrations.crypto import keyed_hash
from registrations.enums import NomineeStatus, QuotaRule
from registrations.models import Nominee, NomineeEvent, Programme, VillageQuota, VillageSubmission

from .conftest import KK, NIK_MAN, NIK_WOMAN, TODAY, nik_for, nominee_fields

# --- Programmes -----------------------------------------------------------------------------

def test_programme_create_snapshots_the_lowest_premium(open_programme, regency_admin):
    programme = Programme.objects.get(pk=open_programme.pk)

    assert (programme.premium_per_month, programme.months_paid, programme.created_by) == (16_800, 3, regency_admin)
    assert [h.history_user for h in programme.history.all()] == [regency_admin]


def test_programme_create_defaults_the_office_to_the_regency_settings(seluma, regency_admin):
    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Tahap II", year=2026, coverage_start=TODAY,
        nomination_opens=TODAY, nomination_closes=TODAY,
    )

    assert programme.implementing_office == seluma.settings.office_name != ""


@pytest.mark.parametrize("persona", ["reviewer", "approver", "viewer", "officer", "other_admin"])
def test_programme_create_is_for_the_regency_admin_only(request, seluma, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.programme_create(regency=seluma, created_by=user, name="X", year=2026, coverage_start=TODAY,
                                  nomination_opens=TODAY, nomination_closes=TODAY)
    assert Programme.objects.count() == 0


def test_programme_update_recomputes_the_premium_with_jht(open_programme, regency_admin):
    programme = services.programme_update(programme=open_programme, changed_by=regency_admin, includes_jht=True)

    assert Programme.objects.get(pk=programme.pk).premium_per_month == 36_800


@pytest.mark.parametrize("persona", ["reviewer", "approver", "viewer", "other_admin"])
def test_programme_update_is_for_the_regency_admin_only(request, open_programme, persona):
    with pytest.raises(PermissionDenied):
        services.programme_update(programme=open_programme, changed_by=request.getfixturevalue(persona),
                                  name="Dirusak")
    assert Programme.objects.get(pk=open_programme.pk).name == open_programme.name


@pytest.mark.parametrize(("persona", "allowed"), [
    ("regency_admin", True), ("sysadmin", True), ("reviewer", False), ("approver", False), ("viewer", False),
    ("bpjs_officer", False), ("officer", False), ("other_admin", False),
])
def test_who_manages_programmes_is_one_rule(request, seluma, persona, allowed):
    from registrations.permissions import can_manage_programmes

    assert can_manage_programmes(request.getfixturevalue(persona), seluma) is allowed


def test_programme_update_refuses_a_window_out_of_order(open_programme, regency_admin):
    with pytest.raises(ValidationError):
        services.programme_update(programme=open_programme, changed_by=regency_admin,
                                  nomination_closes=open_programme.nomination_opens - dt.timedelta(days=1))


# --- Nominees -------------------------------------------------------------------------------

def test_nominee_create_saves_a_draft_with_its_event(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer, phone="0812 3456 7890")

    saved = Nominee.objects.get()
    assert saved == nominee
    assert (saved.status, saved.nik, saved.kk, saved.nik_masked, saved.phone) == (
        NomineeStatus.DRAFT, NIK_MAN, KK, "************0001", "+6281234567890")
    assert (saved.nik_hash, saved.consent_by, saved.created_by) == (keyed_hash(NIK_MAN), officer, officer)
    assert list(NomineeEvent.objects.values_list("nominee", "actor", "from_status", "to_status", "reason")) == [
        (nominee.pk, officer.pk, "", NomineeStatus.DRAFT, "")]


def test_nominee_create_outside_the_window_is_refused(open_programme, niur, officer, make_nominee):
    closes = open_programme.nomination_closes

    with pytest.raises(ValidationError) as error:
        services.nominee_create(programme=open_programme, village=niur, created_by=officer, nik=NIK_MAN,
                                nik_hash=keyed_hash(NIK_MAN), kk=KK, today=closes + dt.timedelta(days=1),
                                **_fields(officer))
    assert error.value.messages == [
        f"Pengusulan untuk Perlindungan Pekerja Rentan 2026 — Tahap 1 dibuka "
        f"{format_period(open_programme.nomination_opens, closes)}; hari ini di luar jadwal."]
    assert Nominee.objects.count() == 0


@pytest.mark.parametrize("persona", ["neighbour_officer", "reviewer", "regency_admin"])
def test_only_the_villages_officer_adds_nominees(request, open_programme, niur, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.nominee_create(programme=open_programme, village=niur, created_by=user, nik=NIK_MAN,
                                nik_hash=keyed_hash(NIK_MAN), kk=KK, **_fields(user))
    assert Nominee.objects.count() == 0


def test_service_turns_a_concurrent_duplicate_into_the_where_message(
        open_programme, niur, lubuk_sahung, officer, neighbour_officer, make_nominee):
    # The neighbour saved the NIK after our form checked it: only the unique index notices.
    make_nominee(open_programme, lubuk_sahung, neighbour_officer)

    with pytest.raises(ValidationError) as error:
        services.nominee_create(programme=open_programme, village=niur, created_by=officer, nik=NIK_MAN,
                                nik_hash=keyed_hash(NIK_MAN), kk=KK, **_fields(officer))
    assert error.value.messages == ["NIK ini sudah diusulkan oleh desa lain di Kabupaten Seluma, status: draf."]
    assert list(Nominee.objects.values_list("village", flat=True)) == [lubuk_sahung.pk]


def test_database_refuses_a_second_active_nominee_with_the_same_nik_hash(open_programme, niur, lubuk_sahung,
                                                                         officer, make_nominee):
    first = make_nominee(open_programme, niur, officer)
    second = Nominee(
        programme=open_programme, village=lubuk_sahung, nik=NIK_MAN, nik_hash=first.nik_hash,
        nik_masked=first.nik_masked, kk=KK, consent_at=first.consent_at, consent_by=officer, created_by=officer,
        **_fields(officer),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert Nominee.objects.count() == 1


def test_database_allows_the_same_nik_once_the_first_is_rejected(open_programme, niur, lubuk_sahung, officer,
                                                                  neighbour_officer, make_nominee):
    first = make_nominee(open_programme, niur, officer)
    Nominee.objects.filter(pk=first.pk).update(status=NomineeStatus.REJECTED)

    second = make_nominee(open_programme, lubuk_sahung, neighbour_officer)

    assert second.nik_hash == first.nik_hash
    assert Nominee.objects.filter(status__in=[NomineeStatus.DRAFT]).get() == second


def test_nominee_update_changes_identifiers_and_history(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer)

    services.nominee_update(nominee=nominee, changed_by=officer, nik=NIK_WOMAN, nik_hash=keyed_hash(NIK_WOMAN),
                            kk=KK, full_name="Budi Santoso", sex="P")

    saved = Nominee.objects.get()
    assert (saved.nik, saved.nik_masked, saved.sex) == (NIK_WOMAN, "************0002", "P")
    assert saved.history.count() == 2


def test_nominee_update_is_refused_once_submitted(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer)
    Nominee.objects.filter(pk=nominee.pk).update(status=NomineeStatus.SUBMITTED)

    with pytest.raises(PermissionDenied):
        services.nominee_update(nominee=nominee, changed_by=officer, nik=NIK_MAN, nik_hash=nominee.nik_hash, kk=KK)


def test_nominee_delete_removes_a_draft(open_programme, niur, officer, neighbour_officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer)

    with pytest.raises(PermissionDenied):
        services.nominee_delete(nominee=nominee, deleted_by=neighbour_officer)
    services.nominee_delete(nominee=nominee, deleted_by=officer)

    assert Nominee.objects.count() == 0


# --- Submitting the village list -------------------------------------------------------------

def test_village_list_submit_sends_drafts_and_records_the_submission(open_programme, niur, officer, make_nominee):
    first = make_nominee(open_programme, niur, officer)
    second = make_nominee(open_programme, niur, officer, nik=NIK_WOMAN, sex="P", full_name="Sri Lestari")

    sent = services.village_list_submit(programme=open_programme, village=niur, submitted_by=officer)

    assert sent == 2
    assert list(Nominee.objects.values_list("pk", "status")) == [
        (first.pk, NomineeStatus.SUBMITTED), (second.pk, NomineeStatus.SUBMITTED)]
    submission = VillageSubmission.objects.get()
    assert (submission.programme, submission.village, submission.last_submitted_by) == (open_programme, niur, officer)


def test_village_list_submit_costs_the_same_statements_for_any_list(open_programme, niur, officer, make_nominee):
    """The deadline: every village sends at once, so a list of 1 or of 7 is written with the same
    statements (one locked read, one UPDATE, the history and event rows in bulk), each nominee
    still getting its own event and history row. (The first sending also records the submission.)"""
    def send(serials):
        for serial in serials:
            make_nominee(open_programme, niur, officer, nik=nik_for(dt.date(1990, 5, 15), serial=serial),
                         full_name=f"Warga {serial}")
        with CaptureQueriesContext(connection) as statements:
            assert services.village_list_submit(programme=open_programme, village=niur,
                                                submitted_by=officer) == len(serials)
        return len(statements)

    send(range(1, 3))
    assert send(range(3, 4)) == send(range(4, 11))
    assert Nominee.objects.filter(status=NomineeStatus.SUBMITTED).count() == 10
    assert NomineeEvent.objects.filter(from_status=NomineeStatus.DRAFT, to_status=NomineeStatus.SUBMITTED).count() == 10
    assert Nominee.history.filter(status=NomineeStatus.SUBMITTED, history_user=officer).count() == 10


def test_village_list_submit_with_nothing_to_send(open_programme, niur, officer):
    with pytest.raises(ValidationError) as error:
        services.village_list_submit(programme=open_programme, village=niur, submitted_by=officer)
    assert error.value.messages == ["Tidak ada calon berstatus draf atau dikembalikan yang bisa dikirim."]


def test_village_list_submit_asks_for_the_minutes_when_required(open_programme, niur, officer, regency_admin,
                                                                make_nominee):
    services.programme_update(programme=open_programme, changed_by=regency_admin, requires_minutes=True)
    make_nominee(open_programme, niur, officer)

    with pytest.raises(ValidationError) as error:
        services.village_list_submit(programme=open_programme, village=niur, submitted_by=officer)
    assert error.value.messages == ["Unggah berita acara musyawarah desa (PDF atau foto) sebelum mengirim daftar."]
    assert Nominee.objects.get().status == NomineeStatus.DRAFT


# --- Village quota overrides ------------------------------------------------------------------

def test_village_quota_set_creates_updates_and_resets(open_programme, niur, regency_admin):
    override = services.village_quota_set(programme=open_programme, village=niur, quota=15, changed_by=regency_admin)
    assert list(VillageQuota.objects.values_list("programme", "village", "quota")) == [
        (open_programme.pk, niur.pk, 15)]

    services.village_quota_set(programme=open_programme, village=niur, quota=4, changed_by=regency_admin)
    assert VillageQuota.objects.get().quota == 4 and override.pk == VillageQuota.objects.get().pk

    assert services.village_quota_set(programme=open_programme, village=niur, quota=10,
                                      changed_by=regency_admin) is None
    assert VillageQuota.objects.count() == 0


def test_village_quota_cannot_go_below_the_places_taken(open_programme, niur, officer, regency_admin,
                                                        make_nominee):
    make_nominee(open_programme, niur, officer)
    make_nominee(open_programme, niur, officer, nik=NIK_WOMAN, sex="P", full_name="Sri Lestari")

    with pytest.raises(ValidationError) as error:
        services.village_quota_set(programme=open_programme, village=niur, quota=1, changed_by=regency_admin)
    assert error.value.messages == ["Niur sudah punya 2 calon aktif; kuota tidak bisa kurang dari 2."]
    assert VillageQuota.objects.count() == 0


@pytest.mark.parametrize("persona", ["reviewer", "approver", "viewer", "officer", "other_admin"])
def test_village_quota_set_is_for_the_regency_admin_only(request, open_programme, niur, persona):
    with pytest.raises(PermissionDenied):
        services.village_quota_set(programme=open_programme, village=niur, quota=3,
                                   changed_by=request.getfixturevalue(persona))
    assert VillageQuota.objects.count() == 0


def test_village_quota_set_refuses_a_village_of_another_regency(open_programme, other_regency, regency_admin):
    from villages.models import Village

    village = Village.objects.filter(subdistrict__regency=other_regency).order_by("code").first()

    with pytest.raises(ValidationError) as error:
        services.village_quota_set(programme=open_programme, village=village, quota=3, changed_by=regency_admin)
    assert error.value.messages == [f"{village.name} bukan desa/kelurahan di Kabupaten Seluma."]


def test_village_quota_set_needs_a_per_village_programme(open_programme, niur, regency_admin):
    services.programme_update(programme=open_programme, changed_by=regency_admin,
                              quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=100)

    with pytest.raises(ValidationError) as error:
        services.village_quota_set(programme=open_programme, village=niur, quota=3, changed_by=regency_admin)
    assert error.value.messages == ["Kuota per desa hanya berlaku untuk program dengan aturan kuota per desa."]


def _fields(user):
    from registrations.models import OccupationCategory

    fields = nominee_fields(occupation=OccupationCategory.objects.get(name="Petani"))
    for name in ("nik", "kk", "phone"):
        fields.pop(name)
    return fields
