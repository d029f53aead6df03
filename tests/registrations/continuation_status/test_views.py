"""The office's view of a continuing programme's villages (registrations/continuation_status): which
villages have confirmed, and how many members continue, leave or wait; for the staff who read the
review pages of the regency, the same 404 as a missing programme for everyone else."""

import datetime as dt

import pytest
from django.urls import reverse

from registrations import continuation
from registrations.continuation import Choice
from registrations.continuation_status.selectors import village_continuation_rows
from registrations.enums import EndReason
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

pytestmark = pytest.mark.django_db


def page_url(programme):
    return reverse("registrations:programme-continuation", args=[programme.pk])


@pytest.fixture
def niur_confirmed(next_stage, niur, officer, members):
    """Niur's officer confirmed: the registered and the active member continue, the one in arrears
    leaves (moved)."""
    registered, active, arrears = members
    continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer, choices=[
        Choice(nominee_pk=registered.pk, continues=True, seen_status=registered.status),
        Choice(nominee_pk=active.pk, continues=True, seen_status=active.status),
        Choice(nominee_pk=arrears.pk, continues=False, seen_status=arrears.status, reason_code=EndReason.MOVED)])


@pytest.fixture
def lubuk_sahung_waits(programme, lubuk_sahung, add_nominees):
    """Two active members of Lubuk Sahung not confirmed yet."""
    return add_nominees(programme, lubuk_sahung, 2, status=S.ACTIVE, registered_on=dt.date(2026, 3, 1))


@pytest.mark.parametrize("who", ["reviewer", "approver", "regency_admin", "viewer", "sysadmin"])
def test_regency_staff_see_which_villages_confirmed(who, request, login, next_stage, niur_confirmed,
                                                     lubuk_sahung_waits):
    response = login(request.getfixturevalue(who)).get(page_url(next_stage))

    assert response.status_code == 200
    rows = [(row.village_name, row.state.label, row.continuing, row.leaving, row.awaiting)
            for row, _ in response.context["page_rows"]]
    # The village the office has to chase first.
    assert rows == [("Lubuk Sahung", "Belum konfirmasi", 0, 0, 2), ("Niur", "Sudah konfirmasi", 2, 1, 0)]
    totals = response.context["totals"]
    assert (totals.villages, totals.confirmed_villages, totals.continuing, totals.leaving, totals.awaiting) == (
        2, 1, 2, 1, 2)
    html = response.content.decode()
    assert "Belum konfirmasi" in html and "1 dari 2" in html
    assert "Warga Uji" not in html  # counts only: no names, no NIK


@pytest.mark.parametrize("who", ["officer", "neighbour_officer", "bpjs_officer", "province_viewer",
                                 "other_reviewer", "other_admin"])
def test_everyone_else_gets_not_found(who, request, login, next_stage, niur_confirmed):
    assert login(request.getfixturevalue(who)).get(page_url(next_stage)).status_code == 404


def test_a_village_partly_confirmed_and_a_member_ended_before_the_stage(
        next_stage, niur, officer, members, lubuk_sahung_waits):
    registered = members[0]
    continuation.village_continuation_confirm(programme=next_stage, village=niur, actor=officer, choices=[
        Choice(nominee_pk=registered.pk, continues=True, seen_status=registered.status)])
    died = lubuk_sahung_waits[0]
    # Ended by the office during stage I, before the next stage was set up.
    Nominee.objects.filter(pk=died.pk).update(status=S.ENDED,
                                              status_changed_at=next_stage.created_at - dt.timedelta(days=40))

    rows = [(row.village_name, row.state, row.continuing, row.leaving, row.awaiting)
            for row in village_continuation_rows(next_stage)]

    # Lubuk Sahung's member who ended during stage I is no choice of the village: not "berhenti".
    assert rows == [("Lubuk Sahung", "belum", 0, 0, 1), ("Niur", "sebagian", 1, 0, 2)]


def test_a_programme_that_continues_nobody_says_so(login, reviewer, programme):
    response = login(reviewer).get(page_url(programme))

    assert response.status_code == 200
    assert "tidak melanjutkan peserta program lain" in response.content.decode()


def test_programme_page_links_to_it_only_when_it_continues(login, reviewer, viewer, bpjs_officer, programme,
                                                          next_stage):
    link = page_url(next_stage)

    assert link in login(reviewer).get(reverse("registrations:programme-detail", args=[next_stage.pk])).content.decode()
    assert link in login(viewer).get(reverse("registrations:programme-detail", args=[next_stage.pk])).content.decode()
    assert "Konfirmasi peserta lanjutan" not in login(reviewer).get(
        reverse("registrations:programme-detail", args=[programme.pk])).content.decode()
    assert link not in login(bpjs_officer).get(
        reverse("registrations:programme-detail", args=[next_stage.pk])).content.decode()


@pytest.mark.parametrize("villages", [1, 3])
def test_queries_do_not_grow_with_villages(villages, login, reviewer, seluma, programme, next_stage, add_nominees,
                                           django_assert_num_queries):
    for village in seluma.subdistricts.first().villages.order_by("code")[:villages]:
        add_nominees(programme, village, 2, status=S.ACTIVE, registered_on=dt.date(2026, 3, 1))
    client = login(reviewer)

    # The user, the programme (with its regency and source), the reviewer's region assignments
    # (scope), the rows (one grouped query), then the page's frame (unread notices). The session
    # is read from Redis (common/sessions.py).
    with django_assert_num_queries(QUERIES):
        response = client.get(page_url(next_stage))

    assert len(response.context["page_rows"]) == villages


QUERIES = 5
