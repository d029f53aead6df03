"""registrations/inbox/views.py and context_processors.py: notices written after commit by the
workflow and the village's "kirim ke kabupaten", the badge in the header, the list, "mark all read".

Notices are written in transaction.on_commit, which never fires inside a test's transaction:
`django_capture_on_commit_callbacks(execute=True)` runs them as a commit would.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from bpjs.context_processors import bpjs_links
from registrations import services, workflow
from registrations.context_processors import notices as notices_context
from registrations.enums import Action
from registrations.models import Notice

NOTICES_URL = reverse("registrations:notices")
READ_URL = reverse("registrations:notices-read")


def texts(user):
    return list(Notice.objects.filter(recipient=user).values_list("text", flat=True))


def notice_for(user, text, *, read=False, minutes_ago=0):
    notice = Notice.objects.create(recipient=user, text=text, url=reverse("accounts:home"),
                                   read_at=timezone.now() if read else None)
    Notice.objects.filter(pk=notice.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return notice


@pytest.fixture
def two_drafts(open_programme, niur, officer, make_nominee):
    from ..conftest import NIK_WOMAN

    return [make_nominee(open_programme, niur, officer),
            make_nominee(open_programme, niur, officer, nik=NIK_WOMAN, sex="P", full_name="Sri Lestari")]


# --- Notices written by the work itself ------------------------------------------------------------

def test_village_list_submit_tells_the_regencys_reviewers_and_approvers(
        open_programme, niur, officer, two_drafts, reviewer, approver, regency_admin, viewer, other_reviewer,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.village_list_submit(programme=open_programme, village=niur, submitted_by=officer)

    expected = "Desa Niur mengirim 2 calon untuk Perlindungan Pekerja Rentan 2026 — Tahap 1."
    assert texts(reviewer) == [expected]
    assert texts(approver) == [expected]
    assert texts(other_reviewer) == texts(regency_admin) == texts(viewer) == texts(officer) == []
    assert Notice.objects.get(recipient=reviewer).url == reverse("registrations:review-village",
                                                                  args=[open_programme.pk, niur.pk])


def test_nothing_is_written_when_the_commit_does_not_happen(open_programme, niur, officer, two_drafts, reviewer):
    services.village_list_submit(programme=open_programme, village=niur, submitted_by=officer)

    assert texts(reviewer) == []


def test_returned_nominee_tells_the_village_officer_why(login, open_programme, niur, officer, neighbour_officer,
                                                        two_drafts, reviewer, django_capture_on_commit_callbacks):
    services.village_list_submit(programme=open_programme, village=niur, submitted_by=officer)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.nominee_decide(nominee=two_drafts[0], action=Action.RETURN, actor=reviewer,
                                reason_code="kk_mismatch", reason="Satu digit nomor KK tertukar.")

    text = ("Budi Santoso: dikembalikan untuk diperbaiki. Alasan: Nomor KK tidak sesuai kartu keluarga: "
            "Satu digit nomor KK tertukar.")
    assert texts(officer) == [text]
    assert texts(neighbour_officer) == []
    page = login(officer).get(NOTICES_URL).content.decode()
    assert f'<a href="{reverse("registrations:village", args=[niur.pk])}">{text}</a>' in page


# --- The badge in the header -----------------------------------------------------------------------

def test_header_shows_the_unread_count(login, reviewer):
    for number in range(3):
        notice_for(reviewer, f"Kabar {number}")
    notice_for(reviewer, "Sudah dibaca", read=True)

    page = login(reviewer).get(NOTICES_URL).content.decode()

    assert (f'<a href="{NOTICES_URL}">Pemberitahuan <span class="nav-badge">3'
            '<span class="visually-hidden"> belum dibaca</span></span></a>') in page


def test_header_without_unread_notices_has_no_badge(login, officer):
    notice_for(officer, "Sudah dibaca", read=True)

    page = login(officer).get(NOTICES_URL).content.decode()

    assert f'<a href="{NOTICES_URL}">Pemberitahuan</a>' in page
    assert "nav-badge" not in page


@pytest.mark.parametrize(("persona", "shown"), [
    ("reviewer", True), ("approver", True), ("regency_admin", True), ("sysadmin", True),
    # The regent's office reads the review pages but reviews nothing: no queue in its header.
    ("viewer", False), ("officer", False), ("bpjs_officer", False), ("province_viewer", False),
])
def test_header_links_the_review_queue_for_regency_staff(request, login, persona, shown):
    page = login(request.getfixturevalue(persona)).get(NOTICES_URL).content.decode()

    assert (f'<a href="{reverse("registrations:review-queue")}">Antrean verifikasi</a>' in page) is shown


def test_context_processor_costs_one_query_and_none_for_a_visitor(reviewer, django_assert_num_queries):
    request = RequestFactory().get("/")

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notices_context(request) == {}
    request.user = reviewer
    notice_for(reviewer, "Kabar")
    with django_assert_num_queries(1):
        assert notices_context(request) == {"unread_notice_count": 1, "shows_review_links": True,
                                            "shows_review_queue": True}
    with django_assert_num_queries(0):  # the BPJS links: decided by role alone
        assert bpjs_links(request) == {"shows_bpjs_links": True}
    request.htmx = True  # an htmx fragment (an export's progress, polled every 2 s) has no header
    with django_assert_num_queries(0):
        assert notices_context(request) == bpjs_links(request) == {}


# --- The list -----------------------------------------------------------------------------------------

def test_list_shows_only_the_users_notices_newest_first_unread_highlighted(login, reviewer, approver):
    old = notice_for(reviewer, "Kabar lama", read=True, minutes_ago=60)
    new = notice_for(reviewer, "Kabar baru", minutes_ago=1)
    notice_for(approver, "Untuk penyetuju")

    response = login(reviewer).get(NOTICES_URL)

    page = response.content.decode()
    assert list(response.context["page"].object_list) == [new, old]
    assert "Untuk penyetuju" not in page
    assert page.count('class="card notice-item unread"') == 1
    assert page.index("Kabar baru") < page.index("Kabar lama")
    assert "Tandai semua sudah dibaca" in page


def test_list_is_paginated_by_30(login, reviewer):
    for number in range(31):
        notice_for(reviewer, f"Kabar {number}", minutes_ago=number)
    client = login(reviewer)

    first = client.get(NOTICES_URL)
    second = client.get(NOTICES_URL, {"page": 2})

    assert [n.text for n in first.context["page"].object_list] == [f"Kabar {number}" for number in range(30)]
    assert [n.text for n in second.context["page"].object_list] == ["Kabar 30"]
    assert "Halaman 1 dari 2" in first.content.decode()


def test_empty_list_says_what_will_appear(login, officer):
    page = login(officer).get(NOTICES_URL).content.decode()

    assert "Belum ada pemberitahuan." in page
    assert "Tandai semua sudah dibaca" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_does_not_grow(login, reviewer, django_assert_num_queries, count):
    for number in range(count):
        notice_for(reviewer, f"Kabar {number}")
    client = login(reviewer)

    # 1 user, 2 the paginator's count, 3 the page of notices, 4 the unread count
    # (context processor).
    with django_assert_num_queries(4):
        response = client.get(NOTICES_URL)

    assert len(response.context["page"].object_list) == count


def test_list_sends_strangers_to_the_login_page(client):
    response = client.get(NOTICES_URL)

    assert response["Location"] == f"{reverse('accounts:login')}?next={NOTICES_URL}"


# --- Mark all as read -----------------------------------------------------------------------------

def test_mark_all_read_touches_only_the_users_own_notices(login, reviewer, approver):
    mine = [notice_for(reviewer, "Kabar 1"), notice_for(reviewer, "Kabar 2")]
    theirs = notice_for(approver, "Untuk penyetuju")

    response = login(reviewer).post(READ_URL, follow=True)

    assert response.redirect_chain == [(NOTICES_URL, 302)]
    assert "2 pemberitahuan ditandai sudah dibaca." in response.content.decode()
    assert "nav-badge" not in response.content.decode()
    assert all(Notice.objects.get(pk=notice.pk).read_at is not None for notice in mine)
    assert Notice.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_needs_a_post(login, reviewer):
    notice = notice_for(reviewer, "Kabar")

    response = login(reviewer).get(READ_URL)

    assert response.status_code == 405
    assert Notice.objects.get(pk=notice.pk).read_at is None
