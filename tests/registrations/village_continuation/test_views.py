"""The village's confirmation page (registrations/village_continuation): the officer of the village
sees the previous programme's members and confirms who continues and who leaves; everyone else
gets the 404 of a missing village."""

import pytest
from django.urls import reverse

from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

pytestmark = pytest.mark.django_db


def page_url(programme, village):
    return reverse("registrations:continuation-confirm", args=[programme.pk, village.pk])


def choices(members, *, leaving=None, reason="moved"):
    """The form as the officer sends it: everyone continues but `leaving`, who leaves for `reason`."""
    data = {}
    for member in members:
        leaves = leaving is not None and member.pk == leaving.pk
        data[f"nasib_{member.pk}"] = "berhenti" if leaves else "lanjut"
        data[f"alasan_{member.pk}"] = reason if leaves else ""
        data[f"status_{member.pk}"] = member.status
    return data


def test_officer_sees_the_previous_members_with_their_kpj_and_state(login, officer, niur, next_stage, members):
    response = login(officer).get(page_url(next_stage, niur))

    assert response.status_code == 200
    html = response.content.decode()
    assert [m.full_name in html for m in members] == [True, True, True]
    assert all(m.kpj_number in html for m in members)
    assert "terdaftar di BPJS" in html and "aktif" in html and "menunggak" in html
    assert "3 orang" in html  # awaiting


def test_village_page_leads_the_officer_to_the_confirmation(login, officer, niur, next_stage, members):
    html = login(officer).get(reverse("registrations:village", args=[niur.pk])).content.decode()

    assert "3 peserta program sebelumnya menunggu konfirmasi" in html
    assert page_url(next_stage, niur) in html


@pytest.mark.parametrize("who", ["neighbour_officer", "regency_admin", "reviewer", "other_admin"])
def test_everyone_but_the_villages_officer_gets_not_found(who, request, login, niur, next_stage, members):
    client = login(request.getfixturevalue(who))

    assert client.get(page_url(next_stage, niur)).status_code == 404
    assert client.post(page_url(next_stage, niur), choices(members)).status_code == 404
    assert Nominee.objects.filter(programme=next_stage).count() == 0


def test_a_programme_of_another_regency_is_not_found(login, officer, niur, other_regency, other_admin):
    import datetime as dt

    from registrations import services
    from registrations.enums import QuotaRule

    elsewhere = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Program Bengkulu Selatan", year=2025, stage=1,
        implementing_office="Dinas", coverage_start=dt.date(2025, 3, 1), nomination_opens=dt.date(2025, 1, 5),
        nomination_closes=dt.date(2025, 2, 20), quota_rule=QuotaRule.NONE)

    assert login(officer).get(page_url(elsewhere, niur)).status_code == 404


def test_officer_confirms_and_a_second_submit_is_told_it_was_done(login, officer, niur, next_stage, members):
    client = login(officer)
    data = choices(members, leaving=members[2], reason="waged")

    response = client.post(page_url(next_stage, niur), data, follow=True)

    html = response.content.decode()
    assert "Konfirmasi disimpan: 2 peserta lanjut, 1 berhenti." in html
    assert "berhenti</strong>: Menjadi pekerja penerima upah" in html
    assert sorted(Nominee.objects.filter(programme=next_stage).values_list("continued_from", flat=True)) == [
        members[0].pk, members[1].pk]

    again = client.post(page_url(next_stage, niur), data, follow=True)

    assert "3 peserta sudah dikonfirmasi sebelumnya." in again.content.decode()
    assert Nominee.objects.filter(programme=next_stage).count() == 2


def test_leaving_without_a_reason_is_shown_beside_the_person(login, officer, niur, next_stage, members):
    response = login(officer).post(page_url(next_stage, niur), choices(members, leaving=members[0], reason=""))

    assert response.status_code == 400
    assert f"Pilih alasan berhenti untuk {members[0].full_name}." in response.content.decode()
    assert Nominee.objects.filter(programme=next_stage).count() == 0
    assert Nominee.objects.get(pk=members[0].pk).status == S.REGISTERED


def test_a_programme_that_continues_nobody_says_so(login, officer, niur, programme):
    html = login(officer).get(page_url(programme, niur)).content.decode()

    assert "Program ini tidak melanjutkan peserta program sebelumnya." in html


@pytest.mark.parametrize("count", [1, 3])
def test_page_queries_do_not_grow_with_members(count, login, officer, niur, next_stage, programme, add_nominees,
                                               django_assert_num_queries):
    add_nominees(programme, niur, count, status=S.ACTIVE, registered_on=programme.coverage_start)
    client = login(officer)

    # The user, assignments (scope), village, programme, source programme, awaiting count + rows,
    # confirmed count (no rows: nothing confirmed), quota override + places, and the base page's own.
    # The session is read from Redis.
    with django_assert_num_queries(12):
        response = client.get(page_url(next_stage, niur))

    assert response.status_code == 200
