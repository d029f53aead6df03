"""Nominating bodies (lembaga pengusul): the body's quota, its officer's scope, the village's
read-only view of the body's nominees living there, and one active NIK across villages and bodies."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.enums import Role
from registrations import body_services, quotas, selectors, services
from registrations.enums import BodyKind
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee
from registrations.permissions import can_edit_nominee
from registrations.validation import check_nominee
from tests.registrations.conftest import NIK_MAN, NIK_WOMAN, nik_for, nominee_fields


@pytest.fixture
def kemenag(seluma, regency_admin):
    return body_services.nominating_body_create(regency=seluma, name="Kantor Kementerian Agama Kabupaten Seluma",
                                                kind=BodyKind.RELIGIOUS_AFFAIRS, created_by=regency_admin)


@pytest.fixture
def health_office(seluma, regency_admin):
    return body_services.nominating_body_create(regency=seluma, name="Dinas Kesehatan Kabupaten Seluma",
                                                kind=BodyKind.HEALTH, created_by=regency_admin)


def _officer_of(body, admin):
    user, _ = body_services.body_officer_create(body=body, created_by=admin, full_name="Ahmad Fauzi")
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    return user


@pytest.fixture
def kemenag_officer(kemenag, regency_admin):
    return _officer_of(kemenag, regency_admin)


@pytest.fixture
def health_officer(health_office, regency_admin):
    return _officer_of(health_office, regency_admin)


@pytest.fixture
def accepted(open_programme, kemenag, health_office, regency_admin):
    """The open programme accepts Kemenag with 2 places and the health office with 5."""
    body_services.programme_body_set(programme=open_programme, body=kemenag, quota=2, changed_by=regency_admin)
    body_services.programme_body_set(programme=open_programme, body=health_office, quota=5, changed_by=regency_admin)
    return open_programme


@pytest.fixture
def make_body_nominee(occupation_petani, kemenag):
    """A draft of the body's list, made as its form does: check_nominee, then services.nominee_create."""
    def _make(programme, village, officer, body=kemenag, **overrides):
        fields = nominee_fields(occupation=occupation_petani, **overrides)
        check = check_nominee(programme=programme, village=village, nik=fields.pop("nik"), kk=fields.pop("kk"),
                              birth_date=fields["birth_date"], sex=fields["sex"], phone=fields.pop("phone"))
        assert check.errors == []
        return services.nominee_create(programme=programme, village=village, created_by=officer, nik=check.nik,
                                       nik_hash=check.nik_hash, kk=check.kk, phone=check.phone,
                                       confirmed_warnings=check.warning_codes, nominating_body=body, **fields)
    return _make


# --- Quota --------------------------------------------------------------------------------------

def test_a_body_nominee_takes_the_bodys_place_not_the_villages(accepted, niur, officer, kemenag, kemenag_officer,
                                                                make_nominee, make_body_nominee, regency_admin):
    services.village_quota_set(programme=accepted, village=niur, quota=1, changed_by=regency_admin)
    make_nominee(accepted, niur, officer)  # the village's one place

    marbot = make_body_nominee(accepted, niur, kemenag_officer, nik=NIK_WOMAN, sex="P",
                               birth_date=dt.date(1990, 5, 15), full_name="Siti Marbot")

    assert marbot.village == niur and marbot.nominating_body == kemenag
    assert quotas.quota_standing(accepted, niur).village_taken == 1
    assert quotas.body_standing(accepted, kemenag).taken == 1
    assert quotas.body_standing(accepted, kemenag).left == 1


def test_the_bodys_quota_full_refuses_the_next(accepted, niur, lubuk_sahung, kemenag_officer, make_body_nominee):
    make_body_nominee(accepted, niur, kemenag_officer, nik=nik_for(dt.date(1980, 1, 2), serial=11))
    make_body_nominee(accepted, lubuk_sahung, kemenag_officer, nik=nik_for(dt.date(1980, 1, 3), serial=12))

    with pytest.raises(ValidationError) as refused:
        make_body_nominee(accepted, niur, kemenag_officer, nik=nik_for(dt.date(1980, 1, 4), serial=13))
    assert refused.value.messages == [
        "Kuota lembaga sudah penuh (2 dari 2). Hapus calon draf yang batal diusulkan, atau minta dinas menambah "
        "kuota lembaga."]


def test_a_programme_that_does_not_accept_the_body_refuses(open_programme, niur, kemenag_officer, make_body_nominee):
    with pytest.raises(ValidationError) as refused:
        make_body_nominee(open_programme, niur, kemenag_officer)
    assert refused.value.messages == ["Program ini tidak menerima usulan dari lembaga ini. Hubungi dinas."]


def test_the_programmes_places_count_the_bodies(accepted):
    villages = accepted.regency.subdistricts.values_list("villages", flat=True).count()
    assert quotas.programme_quota_total(accepted) == villages * 10 + 2 + 5


def test_a_quota_below_the_bodys_nominees_is_refused(accepted, niur, kemenag, kemenag_officer, make_body_nominee,
                                                      regency_admin):
    make_body_nominee(accepted, niur, kemenag_officer)
    with pytest.raises(ValidationError):
        body_services.programme_body_set(programme=accepted, body=kemenag, quota=0, changed_by=regency_admin)


# --- Scope --------------------------------------------------------------------------------------

def test_the_body_officer_sees_only_its_bodys_nominees(accepted, niur, officer, kemenag_officer, health_officer,
                                                        health_office, make_nominee, make_body_nominee):
    village_one = make_nominee(accepted, niur, officer)
    marbot = make_body_nominee(accepted, niur, kemenag_officer, nik=NIK_WOMAN, sex="P")
    cadre = make_body_nominee(accepted, niur, health_officer, body=health_office,
                              nik=nik_for(dt.date(1985, 3, 3), serial=21))

    assert list(selectors.nominees_for_user(kemenag_officer)) == [marbot]
    assert list(selectors.nominees_for_user(health_officer)) == [cadre]
    assert set(selectors.nominees_for_user(officer)) == {village_one, marbot, cadre}  # all live in Niur


def test_the_body_officer_cannot_open_another_body_nor_a_village(accepted, niur, kemenag, health_office,
                                                                 kemenag_officer, login):
    client = login(kemenag_officer)
    assert client.get(reverse("registrations:body", args=[kemenag.pk])).status_code == 200
    assert client.get(reverse("registrations:body", args=[health_office.pk])).status_code == 404
    assert client.get(reverse("registrations:village", args=[niur.pk])).status_code == 404
    assert client.get(reverse("reports:regency-detail", args=[kemenag.regency_id])).status_code == 404


def test_the_body_officer_starts_on_its_list(kemenag, kemenag_officer, login):
    response = login(kemenag_officer).get(reverse("accounts:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("registrations:body", args=[kemenag.pk])


def test_another_bodys_officer_cannot_edit_the_nominee(accepted, niur, kemenag_officer, health_officer,
                                                       make_body_nominee, login):
    marbot = make_body_nominee(accepted, niur, kemenag_officer)
    assert not can_edit_nominee(health_officer, marbot)
    response = login(health_officer).get(reverse("registrations:body-nominee-update", args=[marbot.pk]))
    assert response.status_code == 404


# --- The village reads the body's nominees living there ------------------------------------------

def test_the_village_sees_the_bodys_nominee_but_cannot_change_it(accepted, niur, officer, kemenag_officer,
                                                                 make_body_nominee, login):
    marbot = make_body_nominee(accepted, niur, kemenag_officer, full_name="Hasan Marbot")
    client = login(officer)

    page = client.get(reverse("registrations:village", args=[niur.pk])).content.decode()
    assert "Hasan Marbot" in page
    assert "Diusulkan oleh Kantor Kementerian Agama Kabupaten Seluma" in page
    assert reverse("registrations:nominee-update", args=[marbot.pk]) not in page
    assert not can_edit_nominee(officer, marbot)

    response = client.post(reverse("registrations:nominee-delete", args=[marbot.pk]), follow=True)
    assert Nominee.objects.filter(pk=marbot.pk).exists()
    assert "hanya lembaga itu yang bisa mengubah datanya" in response.content.decode()
    assert client.get(reverse("registrations:body-nominee-update", args=[marbot.pk])).status_code == 404


def test_the_village_sends_its_list_without_the_bodys_nominees(accepted, niur, officer, kemenag_officer,
                                                               make_nominee, make_body_nominee):
    own = make_nominee(accepted, niur, officer)
    marbot = make_body_nominee(accepted, niur, kemenag_officer, nik=NIK_WOMAN, sex="P")

    assert services.village_list_submit(programme=accepted, village=niur, submitted_by=officer) == 1
    own.refresh_from_db()
    marbot.refresh_from_db()
    assert (own.status, marbot.status) == (S.SUBMITTED, S.DRAFT)


def test_the_send_page_promises_what_the_sending_sends_and_a_replay_is_told(
        accepted, niur, officer, kemenag_officer, make_nominee, make_body_nominee, login):
    """The body's draft living in the village is neither listed on "Kirim ke kabupaten" nor sent;
    once the village's own list is sent, sending the same form again is told it was sent."""
    make_nominee(accepted, niur, officer, full_name="Budi Santoso")
    make_body_nominee(accepted, niur, kemenag_officer, nik=NIK_WOMAN, sex="P", full_name="Siti Marbot")
    client = login(officer)
    url = reverse("registrations:village-submit", args=[niur.pk])

    page = client.get(url)
    assert [nominee.full_name for nominee in page.context["pending"]] == ["Budi Santoso"]
    assert "1 calon akan dikirim" in page.content.decode()
    shown = {"shown": re.search(r'name="shown" value="([^"]+)"', page.content.decode()).group(1)}
    assert client.post(url, shown).status_code == 302

    again = client.post(url, shown, follow=True)
    assert "Daftar sudah dikirim ke kabupaten pada" in again.content.decode()
    assert Nominee.objects.get(full_name="Siti Marbot").status == S.DRAFT


# --- One active NIK across villages and bodies ---------------------------------------------------

def test_a_nik_nominated_by_a_village_is_refused_on_the_bodys_form(accepted, niur, lubuk_sahung, officer,
                                                                   kemenag, kemenag_officer, make_nominee,
                                                                   occupation_petani, login):
    make_nominee(accepted, niur, officer)
    data = {**nominee_fields(occupation=occupation_petani), "occupation": occupation_petani.pk,
            "residence": lubuk_sahung.pk, "consent": "on", "data_source": "usulan_desa", "birth_date": "1990-05-15"}

    response = login(kemenag_officer).post(reverse("registrations:body-nominee-create", args=[kemenag.pk]), data)

    assert response.status_code == 200
    assert "sudah diusulkan" in response.content.decode()
    assert not Nominee.objects.filter(nominating_body=kemenag).exists()


def test_a_nik_nominated_by_a_body_is_refused_to_a_village(accepted, niur, officer, kemenag_officer,
                                                           make_body_nominee, make_nominee):
    make_body_nominee(accepted, niur, kemenag_officer, nik=NIK_MAN)
    with pytest.raises(AssertionError):  # check_nominee finds the active nomination first
        make_nominee(accepted, niur, officer, nik=NIK_MAN)


# --- The body's pages ----------------------------------------------------------------------------

def test_the_officer_adds_and_sends_the_bodys_list(accepted, lubuk_sahung, kemenag, kemenag_officer, reviewer,
                                                   occupation_petani, login):
    client = login(kemenag_officer)
    data = {**nominee_fields(occupation=occupation_petani, full_name="Umar Marbot"),
            "occupation": occupation_petani.pk, "residence": lubuk_sahung.pk, "consent": "on",
            "data_source": "usulan_desa",
            "birth_date": "1990-05-15"}

    response = client.post(reverse("registrations:body-nominee-create", args=[kemenag.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    marbot = Nominee.objects.get(nominating_body=kemenag)
    assert (marbot.full_name, marbot.village, marbot.status) == ("Umar Marbot", lubuk_sahung, S.DRAFT)

    client.post(reverse("registrations:body-submit", args=[kemenag.pk]))
    marbot.refresh_from_db()
    assert marbot.status == S.SUBMITTED

    queue = login(reviewer).get(reverse("registrations:review-queue"), {"programme": accepted.pk}).content.decode()
    assert "Umar Marbot" in queue and "Diusulkan oleh Kantor Kementerian Agama Kabupaten Seluma" in queue


@pytest.mark.parametrize("count", [1, 3])
def test_the_bodys_list_reads_a_fixed_number_of_queries(accepted, niur, kemenag, kemenag_officer,
                                                        make_body_nominee, login, count, regency_admin,
                                                        django_assert_num_queries):
    body_services.programme_body_set(programme=accepted, body=kemenag, quota=3, changed_by=regency_admin)
    for serial in range(count):
        make_body_nominee(accepted, niur, kemenag_officer,
                          nik=nik_for(dt.date(1980, 1, 2 + serial), serial=serial + 30))
    client = login(kemenag_officer)
    # 1 user, 2 the officer's body, 3 the body, 4 the programme that accepts it, 5 its
    # quota, 6 places taken, 7 the page's count, 8 the page's rows, 9 pending, 10 returned, 11 the
    # last sending, 12 unread notices: the same whatever the number of rows.
    with django_assert_num_queries(12):
        response = client.get(reverse("registrations:body", args=[kemenag.pk]))
    assert response.status_code == 200


def test_the_regency_admin_records_a_body_sets_its_quota_and_makes_its_account(accepted, seluma, regency_admin,
                                                                               client, login):
    admin = login(regency_admin)
    response = admin.post(reverse("registrations:regency-bodies", args=[seluma.pk]),
                          {"name": "KPU Kabupaten Seluma", "kind": BodyKind.ELECTION})
    body = seluma.nominating_bodies.get(name="KPU Kabupaten Seluma")
    assert response["Location"] == reverse("registrations:body-manage", args=[body.pk])

    admin.post(reverse("registrations:body-manage", args=[body.pk]),
               {"what": "quota", "programme": accepted.pk, "quota": "25"})
    assert quotas.body_standing(accepted, body).quota == 25

    page = admin.post(reverse("registrations:body-manage", args=[body.pk]), {"what": "officer", "full_name": ""})
    account = body.officers.get().user
    assert account.role == Role.INSTITUTION_OFFICER
    assert account.username in page.content.decode()
    assert list(selectors.bodies_for_user(account)) == [body]


def test_a_returned_body_nominee_is_told_to_the_body_not_the_village(accepted, niur, officer, kemenag,
                                                                     kemenag_officer, reviewer,
                                                                     make_body_nominee,
                                                                     django_capture_on_commit_callbacks):
    from registrations import workflow
    from registrations.enums import Action
    from registrations.models import Notice

    marbot = make_body_nominee(accepted, niur, kemenag_officer, full_name="Hasan Marbot")
    body_services.body_list_submit(programme=accepted, body=kemenag, submitted_by=kemenag_officer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.nominee_decide(nominee=marbot, action=Action.RETURN, actor=reviewer,
                                reason_code="nik_mismatch", reason="Cocokkan dengan KTP asli")

    told = Notice.objects.filter(text__startswith="Hasan Marbot")
    assert [(notice.recipient, notice.url) for notice in told] == [
        (kemenag_officer, reverse("registrations:body", args=[kemenag.pk]))]


def test_a_body_nominee_takes_no_place_in_a_regency_wide_total(seluma, regency_admin, niur, officer, kemenag,
                                                               kemenag_officer, make_body_nominee):
    from registrations.enums import QuotaRule
    from tests.registrations.conftest import TODAY

    programme = services.programme_create(
        regency=seluma, created_by=regency_admin, name="Program kuota kabupaten", year=2026, stage=2,
        implementing_office="Dinas", coverage_start=TODAY + dt.timedelta(days=14),
        nomination_opens=TODAY - dt.timedelta(days=7), nomination_closes=TODAY + dt.timedelta(days=7),
        quota_rule=QuotaRule.REGENCY_TOTAL, quota_total=100,
    )
    body_services.programme_body_set(programme=programme, body=kemenag, quota=3, changed_by=regency_admin)
    make_body_nominee(programme, niur, kemenag_officer)

    standing = quotas.quota_standing(programme, niur)
    assert (standing.regency_taken, standing.village_taken) == (0, 0)
    assert quotas.programme_quota_total(programme) == 103


def test_the_submission_tracking_counts_the_villages_own_list(accepted, niur, officer, kemenag_officer,
                                                             make_nominee, make_body_nominee):
    from registrations.review.tracking import submission_rows

    make_nominee(accepted, niur, officer)
    make_body_nominee(accepted, niur, kemenag_officer, nik=NIK_WOMAN, sex="P")

    row = next(row for row in submission_rows(accepted, today=dt.date.today()) if row.village.pk == niur.pk)
    assert (row.filled, row.drafts) == (1, 1)
