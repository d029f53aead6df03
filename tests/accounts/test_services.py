"""accounts/services.py: creating users with regions that fit their role, and the village accounts."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError

from accounts.enums import Role
from accounts.models import RegionAssignment, User
from accounts.services import (
    PASSWORD_ALPHABET,
    user_create,
    user_password_changed,
    village_officers_create_for_regency,
)
from villages.models import Village


def test_user_create_assigns_the_regions(seluma):
    user = user_create(username="verifikator-baru", role=Role.REGENCY_REVIEWER, regions=[seluma],
                       password="Rahasia-2026", full_name="Dewi Lestari Putri")

    assert [a.region for a in user.region_assignments.all()] == [seluma]
    assert (user.first_name, user.last_name) == ("Dewi", "Lestari Putri")
    assert user.must_change_password is True
    assert user.check_password("Rahasia-2026")
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_user_create_without_password_cannot_log_in_until_one_is_set(niur):
    user = user_create(username="op-niur-2", role=Role.VILLAGE_OFFICER, regions=[niur])

    assert user.has_usable_password() is False


def test_sysadmin_is_staff_and_superuser_without_regions(db):
    user = user_create(username="root", role=Role.SYSTEM_ADMIN, regions=[], password="Rahasia-2026")

    assert (user.is_staff, user.is_superuser, user.region_assignments.count()) == (True, True, 0)


@pytest.mark.parametrize(("role", "region_fixture", "message"), [
    (Role.VILLAGE_OFFICER, "seluma",
     "Wilayah Kabupaten Seluma (17.05) tidak cocok untuk peran Operator desa/kelurahan."),
    (Role.REGENCY_REVIEWER, "niur", "Wilayah Niur (17.05.01.2002) tidak cocok untuk peran Verifikator dinas."),
    (Role.REGENCY_ADMIN, "bengkulu", "Wilayah Bengkulu (17) tidak cocok untuk peran Admin kabupaten/kota."),
    (Role.PROVINCE_VIEWER, "seluma",
     "Wilayah Kabupaten Seluma (17.05) tidak cocok untuk peran Pemantau provinsi."),
    (Role.SYSTEM_ADMIN, "seluma", "Administrator sistem tidak dibatasi wilayah."),
])
def test_user_create_rejects_regions_that_do_not_fit_the_role(request, role, region_fixture, message):
    region = request.getfixturevalue(region_fixture)

    with pytest.raises(ValidationError) as error:
        user_create(username="salah-wilayah", role=role, regions=[region])

    assert error.value.messages == [message]
    assert not User.objects.filter(username="salah-wilayah").exists()


def test_user_create_rejects_a_mix_of_levels_and_writes_nothing(niur, seluma):
    with pytest.raises(ValidationError):
        user_create(username="campur", role=Role.VILLAGE_OFFICER, regions=[niur, seluma])

    assert not User.objects.filter(username="campur").exists()
    assert not RegionAssignment.objects.exists()


def test_user_create_needs_a_region_for_every_role_but_sysadmin(db):
    with pytest.raises(ValidationError) as error:
        user_create(username="tanpa-wilayah", role=Role.REGENCY_VIEWER, regions=[])

    assert error.value.messages == ["Pengguna ini harus diberi minimal satu wilayah tugas."]
    assert not User.objects.exists()


def test_user_create_refuses_a_taken_username(officer, lubuk_sahung):
    with pytest.raises(ValidationError) as error:
        user_create(username="op-niur", role=Role.VILLAGE_OFFICER, regions=[lubuk_sahung])

    assert list(error.value.message_dict) == ["username"]
    assert list(User.objects.filter(username="op-niur")) == [officer]


# --- village accounts ------------------------------------------------------------------------------

def test_village_accounts_get_a_random_initial_password_that_must_be_changed(seluma, regency_admin):
    rows = village_officers_create_for_regency(regency=seluma, created_by=regency_admin)

    officers = User.objects.filter(role=Role.VILLAGE_OFFICER)
    assert len(rows) == officers.count() == 202
    assert len({row.password for row in rows}) == 202
    assert all(len(row.password) == 10 and set(row.password) <= set(PASSWORD_ALPHABET) for row in rows)
    assert {identify_hasher(user.password).algorithm for user in officers} == {"pbkdf2_sha256_initial"}
    assert set(officers.values_list("must_change_password", flat=True)) == {True}
    niur_row = next(row for row in rows if row.village_code == "17.05.01.2002")
    assert (niur_row.village_name, niur_row.subdistrict_name, niur_row.username) == (
        "Niur", "Sukaraja", "op-1705012002",
    )
    assert User.objects.get(username="op-1705012002").get_full_name() == "Operator Niur"


def test_retired_villages_get_no_account(seluma, regency_admin, niur):
    Village.objects.filter(pk=niur.pk).update(is_retired=True)

    rows = village_officers_create_for_regency(regency=seluma, created_by=regency_admin)

    assert len(rows) == 201
    assert niur.code not in [row.village_code for row in rows]


def test_an_existing_username_is_not_taken_over(seluma, regency_admin, lubuk_sahung, other_regency):
    # An account named like Lubuk Sahung's officer that works elsewhere: the village is left for the admin.
    stray = user_create(username="op-1705012003", role=Role.REGENCY_VIEWER, regions=[other_regency],
                        password="Rahasia-2026")

    rows = village_officers_create_for_regency(regency=seluma, created_by=regency_admin)

    assert len(rows) == 201
    assert lubuk_sahung.code not in [row.village_code for row in rows]
    stray.refresh_from_db()
    assert (stray.role, stray.check_password("Rahasia-2026")) == (Role.REGENCY_VIEWER, True)
    assert not lubuk_sahung.assignments.exists()


def test_village_accounts_are_created_only_in_the_regency(seluma, regency_admin, other_regency):
    village_officers_create_for_regency(regency=seluma, created_by=regency_admin)

    assert not Village.objects.filter(subdistrict__regency=other_regency, assignments__isnull=False).exists()


def test_password_changed_clears_the_obligation(new_officer):
    user_password_changed(user=new_officer)

    new_officer.refresh_from_db()
    assert new_officer.must_change_password is False
