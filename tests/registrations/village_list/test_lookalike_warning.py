""""Mungkin orang yang sama" on the nominee form (registrations/lookalikes.entry_lookalike_warning):
the village officer typing in a person who looks like an active nomination elsewhere (same name
key and birth date, another NIK) is warned and confirms; the other village is named only inside
the officer's scope."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.scope import region_scope
from accounts.services import user_create
from registrations.enums import NomineeStatus
from registrations.lookalikes import entry_lookalike_warning
from registrations.models import Nominee
from registrations.nik import nik_search_hash

from .test_views import nik_for, nominee_data, programme  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

OUTSIDE = ("Mungkin orang yang sama dengan calon yang sudah diusulkan di luar wilayah Anda: nama dan tanggal lahir "
           "sama, NIK berbeda. Periksa NIK pada KTP; bila orangnya sama, jangan simpan data ini.")


@pytest.fixture
def add_in(programme):  # noqa: F811
    """add_in(officer, village, serial, name, **overrides) → a nominee saved through the form page,
    its warnings (a lookalike of an earlier one) confirmed."""
    def _add(officer, village, serial, name, **overrides):
        client = Client()  # its own session: the page's flash message stays out of the test's client
        client.force_login(officer)
        response = client.post(reverse("registrations:nominee-create", args=[village.pk]),
                                       nominee_data(serial, full_name=name, confirm_warnings="on", **overrides))
        assert response.status_code == 302, response.context["form"].errors
        return Nominee.objects.get(nik_hash=nik_search_hash(nik_for(serial)))
    return _add


def create(client, village, data):
    return client.post(reverse("registrations:nominee-create", args=[village.pk]), data)


def test_a_lookalike_in_another_village_is_warned_without_naming_it_and_confirmed(login, officer, neighbour_officer,
                                                                                 niur, lubuk_sahung, add_in):
    add_in(neighbour_officer, lubuk_sahung, 1, "Budi Santoso")
    client = login(officer)
    data = nominee_data(2, full_name="Boedi Santoso")

    first = create(client, niur, data)

    page = first.content.decode()
    assert first.status_code == 200
    assert [w.message for w in first.context["form"].warnings] == [OUTSIDE]
    assert "Lubuk Sahung" not in page and "Budi Santoso" not in page
    assert 'name="confirm_warnings"' in page
    assert Nominee.objects.filter(village=niur).count() == 0

    second = create(client, niur, {**data, "confirm_warnings": "on"})

    assert second.status_code == 302
    assert Nominee.objects.get(village=niur).confirmed_warnings == ["lookalike"]


def test_a_lookalike_inside_the_scope_names_the_village(login, officer, niur, lubuk_sahung, neighbour_officer,
                                                       add_in):
    both = user_create(username="op-dua-desa", role=Role.VILLAGE_OFFICER, regions=[niur, lubuk_sahung],
                       password="x-123456789", must_change_password=False)
    add_in(officer, niur, 1, "Siti Rahma")
    add_in(neighbour_officer, lubuk_sahung, 2, "Siti Rachma")

    own = create(login(officer), niur, nominee_data(3, full_name="SITI RAHMA"))
    wide = create(login(both), niur, nominee_data(4, full_name="SITI RAHMA"))

    assert [w.message for w in own.context["form"].warnings] == [
        "Mungkin orang yang sama dengan calon yang sudah diusulkan di desa/kelurahan Niur dan di luar wilayah Anda: "
        "nama dan tanggal lahir sama, NIK berbeda. Periksa NIK pada KTP; bila orangnya sama, jangan simpan data ini."]
    assert "diusulkan di desa/kelurahan Lubuk Sahung, Niur: nama" in wide.context["form"].warnings[0].message


@pytest.mark.parametrize(("changes", "status"), [
    ({"birth_date": "1990-05-16", "nik": nik_for(2, day=16)}, NomineeStatus.DRAFT),  # another birth date
    ({"mother_maiden_name": "Rahmawati"}, NomineeStatus.DRAFT),  # mothers' names differ
    ({}, NomineeStatus.REJECTED),  # the other nomination is no longer active
])
def test_no_warning_when_the_rule_does_not_hold(login, officer, neighbour_officer, niur, lubuk_sahung, add_in,
                                               changes, status):
    other = add_in(neighbour_officer, lubuk_sahung, 1, "Budi Santoso", mother_maiden_name="Aminah")
    Nominee.objects.filter(pk=other.pk).update(status=status)

    response = create(login(officer), niur, nominee_data(2, full_name="Budi Santoso", **changes))

    assert response.status_code == 302
    assert Nominee.objects.get(village=niur).confirmed_warnings == []


def test_editing_a_nominee_does_not_compare_it_with_itself(login, officer, niur, add_in):
    budi = add_in(officer, niur, 1, "Budi Santoso")

    response = login(officer).post(reverse("registrations:nominee-update", args=[budi.pk]),
                                   nominee_data(1, full_name="Budi Santoso", address="Dusun III"))

    assert response.status_code == 302
    budi.refresh_from_db()
    assert budi.address == "Dusun III"


def test_the_check_is_one_query(officer, neighbour_officer, niur, lubuk_sahung, add_in, django_assert_num_queries):
    other = add_in(neighbour_officer, lubuk_sahung, 1, "Budi Santoso")
    add_in(officer, niur, 2, "Budi Santoso 2")
    scope = region_scope(officer)

    with django_assert_num_queries(1):
        warning = entry_lookalike_warning(full_name="Budi Santoso", birth_date=other.birth_date,
                                          mother_maiden_name="", nik_hash=nik_search_hash(nik_for(3)),
                                          exclude_pk=None, scope=scope)

    assert warning == OUTSIDE
