"""registrations/nominee_views.py: one nominee's page and its decision, tried by every persona."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.enums import Role
from accounts.services import user_create
from common.formatting import format_datetime
from registrations import services, workflow
from registrations.enums import Action
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent, OccupationCategory
from registrations.validation import check_nominee

from ..conftest import KK, NIK_MAN, NIK_WOMAN

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture
def draft(open_programme, niur, officer, make_nominee):
    return make_nominee(open_programme, niur, officer, phone="081234567890")


@pytest.fixture
def submitted(draft, officer):
    workflow.nominee_submit(nominee=draft, actor=officer)
    return Nominee.objects.get(pk=draft.pk)


def page(client, nominee):
    return client.get(reverse("registrations:nominee-detail", args=[nominee.pk]))


def decide(client, nominee, seen_status=None, follow=False, **data):
    data.setdefault("seen_status", seen_status or Nominee.objects.get(pk=nominee.pk).status)
    return client.post(reverse("registrations:nominee-decide", args=[nominee.pk]), data, follow=follow)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def status_of(nominee):
    return Nominee.objects.get(pk=nominee.pk).status


def events_of(nominee):
    return list(NomineeEvent.objects.filter(nominee=nominee).values_list("actor__username", "to_status", "reason"))


# --- Who sees what ------------------------------------------------------------------------------

def test_officer_sees_own_nominee_in_full_and_may_correct_a_draft(login, officer, draft):
    response = page(login(officer), draft)

    assert response.status_code == 200
    html = response.content.decode()
    assert NIK_MAN in html and KK in html and "<dd>0812-3456-7890</dd>" in html  # stored as +6281234567890
    assert reverse("registrations:nominee-update", args=[draft.pk]) in html
    assert reverse("registrations:village", args=[draft.village_id]) in html  # breadcrumb
    assert response.context["decision_form"] is None and response.context["end_form"] is None
    assert response.context["checks_row"] is None  # the review checks are the regency's
    assert [entry.title for entry in response.context["timeline"]] == ["Dibuat"]


def test_officer_gets_no_edit_link_once_submitted(login, officer, submitted):
    response = page(login(officer), submitted)

    assert reverse("registrations:nominee-update", args=[submitted.pk]) not in response.content.decode()
    assert [entry.title for entry in response.context["timeline"]] == ["Dibuat", "Dikirim ke kabupaten"]


@pytest.mark.parametrize("persona", ["neighbour_officer", "other_reviewer", "other_admin"])
def test_out_of_scope_gets_404(request, login, submitted, persona):
    client = login(request.getfixturevalue(persona))

    assert page(client, submitted).status_code == 404
    assert decide(client, submitted, action=Action.VERIFY).status_code == 404
    assert status_of(submitted) == S.SUBMITTED


@pytest.mark.parametrize("persona", ["viewer", "province_viewer"])
def test_viewers_see_the_masked_nik_and_no_buttons(request, login, submitted, persona):
    response = page(login(request.getfixturevalue(persona)), submitted)

    html = response.content.decode()
    assert response.status_code == 200
    assert "************0001" in html
    assert NIK_MAN not in html and KK not in html and "0812-3456-7890" not in html
    assert 'name="action"' not in html
    assert (response.context["decision_form"], response.context["end_form"]) == (None, None)


def test_reviewer_sees_checks_breadcrumb_and_the_allowed_buttons(login, reviewer, submitted):
    response = page(login(reviewer), submitted)

    html = response.content.decode()
    assert response.context["actions"] == [(Action.VERIFY, "verifikasi"), (Action.RETURN, "kembalikan ke desa"),
                                           (Action.REJECT, "tolak")]
    assert '<input type="hidden" name="seen_status" value="submitted">' in html
    assert response.context["checks_row"]["checks"].nik_ok is True
    assert "NIK cocok dengan tanggal lahir dan jenis kelamin" in html
    assert reverse("registrations:review-village", args=[submitted.programme_id, submitted.village_id]) in html
    assert response.context["end_form"] is None


# --- Deciding -----------------------------------------------------------------------------------

def test_reviewer_verifies(login, reviewer, submitted):
    response = decide(login(reviewer), submitted, action=Action.VERIFY)

    assert response.status_code == 302
    assert response.url == reverse("registrations:nominee-detail", args=[submitted.pk])
    assert messages_of(response) == ["Budi Santoso diverifikasi."]
    assert status_of(submitted) == S.VERIFIED
    assert events_of(submitted)[-1] == ("verifikator-seluma", S.VERIFIED, "")


def test_approver_approves_what_someone_else_verified(login, reviewer, approver, submitted):
    workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=reviewer)

    response = decide(login(approver), submitted, action=Action.APPROVE)

    assert messages_of(response) == ["Budi Santoso disetujui."]
    assert status_of(submitted) == S.APPROVED


def test_the_verifier_may_not_approve(login, approver, submitted):
    client = login(approver)
    decide(client, submitted, action=Action.VERIFY, follow=True)  # the page shows (and uses up) its message

    response = decide(client, submitted, action=Action.APPROVE)

    assert messages_of(response) == [
        "Budi Santoso: Anda yang memverifikasi calon ini; persetujuan harus oleh penyetuju lain."]
    assert status_of(submitted) == S.VERIFIED


def test_second_reviewer_is_told_who_decided_first(client, reviewer, submitted, seluma):
    second = user_create(username="verifikator-2", role=Role.REGENCY_REVIEWER, regions=[seluma],
                         password="rahasia-uji-123", must_change_password=False, full_name="Dewi Lestari")
    client.force_login(reviewer)
    decide(client, submitted, action=Action.VERIFY, seen_status=S.SUBMITTED, follow=True)
    client.force_login(second)

    response = decide(client, submitted, action=Action.RETURN, seen_status=S.SUBMITTED, reason_code="age")

    verified_at = NomineeEvent.objects.get(nominee=submitted, to_status=S.VERIFIED).created_at.astimezone(WIB)
    assert messages_of(response) == [
        f"Budi Santoso sudah diputuskan oleh Sri Wahyuni pada {format_datetime(verified_at)}: "
        "status sekarang 'terverifikasi'. Muat ulang halaman."
    ]
    assert status_of(submitted) == S.VERIFIED


def test_return_with_reason(login, reviewer, submitted):
    response = decide(login(reviewer), submitted, action=Action.RETURN, reason_code="kk_mismatch",
                      reason="Beda satu angka")

    assert messages_of(response) == ["Budi Santoso dikembalikan ke desa untuk diperbaiki."]
    saved = Nominee.objects.get(pk=submitted.pk)
    assert (saved.status, saved.status_reason) == (S.RETURNED, "Nomor KK tidak sesuai kartu keluarga: Beda satu angka")


def test_return_without_reason_shows_the_error_and_changes_nothing(login, reviewer, submitted):
    response = decide(login(reviewer), submitted, action=Action.RETURN, reason="")

    assert response.status_code == 200
    assert response.context["decision_form"].errors == {"reason_code": ["Pilih alasan mengembalikan atau menolak."]}
    assert "Pilih alasan mengembalikan atau menolak." in response.content.decode()
    assert status_of(submitted) == S.SUBMITTED
    assert len(events_of(submitted)) == 2


def test_village_officer_posting_a_decision_is_refused(login, officer, submitted):
    response = decide(login(officer), submitted, action=Action.VERIFY)

    assert messages_of(response) == ["Anda tidak berwenang mengubah status Budi Santoso."]
    assert status_of(submitted) == S.SUBMITTED


def test_viewer_posting_an_unknown_action_is_refused(login, viewer, submitted):
    response = decide(login(viewer), submitted, action="submit")

    assert response.status_code == 302
    assert messages_of(response) == ["Anda tidak berwenang mengubah status Budi Santoso."]
    assert status_of(submitted) == S.SUBMITTED


def test_get_on_the_decision_url_is_not_allowed(login, reviewer, submitted):
    response = login(reviewer).get(reverse("registrations:nominee-decide", args=[submitted.pk]))

    assert response.status_code == 405


# --- Ending a membership ------------------------------------------------------------------------

@pytest.fixture
def active(submitted):
    # The BPJS steps have their own tests; put the row where the branch's answer would leave it.
    Nominee.objects.filter(pk=submitted.pk).update(status=S.ACTIVE)
    return Nominee.objects.get(pk=submitted.pk)


def test_regency_admin_sees_the_end_form_and_the_reviewer_does_not(login, regency_admin, reviewer, active):
    assert page(login(regency_admin), active).context["end_form"] is not None
    assert page(login(reviewer), active).context["end_form"] is None


def test_regency_admin_ends_a_membership(login, regency_admin, active):
    response = decide(login(regency_admin), active, action=Action.END, reason_code="died", reason="Akta 12/2026")

    assert messages_of(response) == ["Kepesertaan Budi Santoso dihentikan."]
    saved = Nominee.objects.get(pk=active.pk)
    assert (saved.status, saved.status_reason) == (S.ENDED, "Meninggal dunia: Akta 12/2026")
    assert events_of(active)[-1] == ("admin-seluma", S.ENDED, "Meninggal dunia: Akta 12/2026")


def test_end_without_reason_shows_the_error(login, regency_admin, active):
    response = decide(login(regency_admin), active, action=Action.END, reason_code="")

    assert response.status_code == 200
    assert list(response.context["end_form"].errors) == ["reason_code"]
    assert status_of(active) == S.ACTIVE


# --- Links and query count ----------------------------------------------------------------------

def test_the_village_page_links_to_the_nominee(login, officer, draft):
    response = login(officer).get(reverse("registrations:village", args=[draft.village_id]))

    assert reverse("registrations:nominee-detail", args=[draft.pk]) in response.content.decode()


def test_replacement_links_both_ways(login, officer, reviewer, submitted, occupation_petani):
    workflow.nominee_decide(nominee=submitted, action=Action.REJECT, actor=reviewer, reason_code="not_vulnerable")
    check = check_nominee(programme=submitted.programme, village=submitted.village, nik=NIK_WOMAN, kk=KK,
                          birth_date=dt.date(1990, 5, 15), sex="P")
    replacement = services.nominee_create(
        programme=submitted.programme, village=submitted.village, created_by=officer, nik=check.nik,
        nik_hash=check.nik_hash, kk=check.kk, replaces=Nominee.objects.get(pk=submitted.pk), full_name="Ani Rahayu",
        birth_place="Seluma", birth_date=dt.date(1990, 5, 15), sex="P", address="Jalan Desa No. 2", rt="001",
        occupation=occupation_petani)
    client = login(officer)

    assert reverse("registrations:nominee-detail", args=[replacement.pk]) in page(client, submitted).content.decode()
    assert reverse("registrations:nominee-detail", args=[submitted.pk]) in page(client, replacement).content.decode()


@pytest.mark.parametrize("edits", [1, 3])
def test_page_query_count_does_not_grow_with_the_story(login, reviewer, officer, draft, edits,
                                                       django_assert_num_queries):
    nelayan = OccupationCategory.objects.get(name="Nelayan")
    for index in range(edits):
        nominee = Nominee.objects.get(pk=draft.pk)
        check = check_nominee(programme=nominee.programme, village=nominee.village, nik=nominee.nik, kk=nominee.kk,
                              birth_date=nominee.birth_date, sex=nominee.sex, phone=nominee.phone,
                              exclude_pk=nominee.pk)
        services.nominee_update(nominee=nominee, changed_by=officer, nik=check.nik, nik_hash=check.nik_hash,
                                kk=check.kk, phone=check.phone, occupation=nelayan, rt=f"{index + 2:03d}")
    workflow.nominee_submit(nominee=draft, actor=officer)
    client = login(reviewer)

    # The user, region scope, nominee (with programme, village, regency, occupation), regency
    # settings, other nominations of the NIK, replaced_by, events, history, occupation names, unread
    # notices (the header), and the reveal's row in the access log. `replaces` is empty, so no query.
    # The session is read from Redis.
    with django_assert_num_queries(11):
        response = page(client, draft)

    assert len(response.context["timeline"]) == edits + 2


def test_a_decision_sent_twice_is_told_the_first_made_it(login, reviewer, submitted):
    client = login(reviewer)
    shown = re.search(r'name="shown" value="([^"]+)"', page(client, submitted).content.decode()).group(1)

    first = decide(client, submitted, seen_status="submitted", action="verify", shown=shown, follow=True)
    assert messages_of(first) == [f"{submitted.full_name} diverifikasi."]
    second = decide(client, submitted, seen_status="submitted", action="verify", shown=shown, follow=True)

    assert messages_of(second) == [f"{submitted.full_name} sudah diverifikasi oleh kiriman pertama Anda; "
                                   "kiriman kedua tidak mengubah apa-apa."]
    assert submitted.events.filter(to_status="verified").count() == 1
