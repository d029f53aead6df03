"""Bulk review decisions (registrations/review/decisions.py over workflow.nominees_decide): the set-
based path says exactly what one-by-one decisions say, costs the same queries for 50 or 200
nominees, and above settings.DECISION_INLINE_MAX_ROWS runs as a job in the real worker, which a
second run after a killed worker finishes without calling the moved nominees refused."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.enums import Role
from accounts.services import user_create
from common import jobs
from common.models import Job, JobStatus
from registrations import services, workflow
from registrations.enums import Action
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, NomineeEvent
from registrations.review import decisions
from tests.services import wait_for
from villages.models import Village

from ..conftest import nik_for

BORN = dt.date(1990, 5, 15)


@pytest.fixture
def second_approver(seluma):
    return user_create(username="penyetuju2-seluma", role=Role.REGENCY_APPROVER, regions=[seluma],
                       must_change_password=False, full_name="Yusuf Hamdani")


@pytest.fixture
def submitted(open_programme, make_nominee, niur, officer):
    """submitted(name, serial) → a nominee of Niur the village has sent to the regency."""
    def _submitted(name, serial):
        nominee = make_nominee(open_programme, niur, officer, full_name=name, nik=nik_for(BORN, serial=serial))
        return workflow.nominee_submit(nominee=nominee, actor=officer)
    return _submitted


@pytest.fixture
def foreign(other_regency, other_admin, make_nominee, open_programme):
    """A submitted nominee of Bengkulu Selatan: outside Seluma's approvers' scope."""
    programme = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Program BS", year=2026, stage=1,
        coverage_start=open_programme.coverage_start, nomination_opens=open_programme.nomination_opens,
        nomination_closes=open_programme.nomination_closes, quota_per_village=10)
    village = Village.objects.filter(subdistrict__regency=other_regency, kind="desa").order_by("code").first()
    village_officer = user_create(username="op-bs", role=Role.VILLAGE_OFFICER, regions=[village],
                                  must_change_password=False)
    nominee = make_nominee(programme, village, village_officer, nik=nik_for(BORN, serial=9, regency="1701"),
                           full_name="Orang Bengkulu Selatan")
    return workflow.nominee_submit(nominee=nominee, actor=village_officer)


def clones(template: Nominee, count: int, *, status: str, verified_by, first: int = 1) -> list[Nominee]:
    """`count` copies of a nominee in `status`, each with a "verified" event by `verified_by`:
    written in bulk, since these tests are about deciding many, not entering them."""
    copied = [f.attname for f in Nominee._meta.concrete_fields if f.attname != "id"]
    made = Nominee.objects.bulk_create([
        Nominee(**{name: getattr(template, name) for name in copied} | {
            "full_name": f"Calon {number}", "nik_hash": f"{number:064x}", "status": status})
        for number in range(first, first + count)])
    NomineeEvent.objects.bulk_create([NomineeEvent(nominee=nominee, actor=verified_by, from_status=S.SUBMITTED,
                                                    to_status=S.VERIFIED) for nominee in made])
    return made


def one_by_one(pks, *, action, actor, seen, reason_code="", reason=""):
    """What deciding each nominee alone (the nominee page's path) would say, rolled back after."""
    outcomes = []

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            for pk in pks:
                try:
                    workflow.nominee_decide(nominee=Nominee(pk=pk), action=action, actor=actor,
                                            reason_code=reason_code, reason=reason, seen_status=seen.get(pk))
                    outcomes.append((pk, "changed"))
                except workflow.TransitionError as error:
                    outcomes.append((pk, str(error)))
            raise Undo
    except Undo:
        pass
    return outcomes


def test_a_mixed_selection_gets_the_same_outcomes_and_messages_as_one_by_one(
        submitted, foreign, reviewer, approver, second_approver, seluma):
    """Approving, in a two-step regency: one verified by the reviewer (approved), one the approver
    verified himself (four eyes), one another approver approved meanwhile (stale), one still
    submitted (not verified yet), one of another regency and one that does not exist (not found)."""
    good, own, taken, early = (submitted(name, serial) for name, serial in
                               [("Budi Santoso", 1), ("Andi Wijaya", 2), ("Yanto", 3), ("Rina", 4)])
    workflow.nominee_decide(nominee=good, action=Action.VERIFY, actor=reviewer)
    workflow.nominee_decide(nominee=own, action=Action.VERIFY, actor=approver)
    workflow.nominee_decide(nominee=taken, action=Action.VERIFY, actor=reviewer)
    workflow.nominee_decide(nominee=taken, action=Action.APPROVE, actor=second_approver)
    missing = Nominee.objects.order_by("-pk").first().pk + 1000
    pks = [good.pk, own.pk, taken.pk, early.pk, foreign.pk, missing]
    seen = {good.pk: S.VERIFIED, own.pk: S.VERIFIED, taken.pk: S.VERIFIED, early.pk: S.SUBMITTED}

    expected = one_by_one(pks, action=Action.APPROVE, actor=approver, seen=seen)
    result = workflow.nominees_decide(nominee_pks=pks, action=Action.APPROVE, actor=approver, seen=seen)

    outcomes = [(n.pk, "changed") for n in result.changed] + result.refused
    assert sorted(outcomes) == sorted(expected)
    assert dict(expected)[good.pk] == "changed"  # the scenario is what it says
    assert "Anda yang memverifikasi" in dict(expected)[own.pk]
    assert "sudah diputuskan oleh Yusuf Hamdani" in dict(expected)[taken.pk]
    assert "belum diverifikasi" in dict(expected)[early.pk]
    assert dict(expected)[foreign.pk] == dict(expected)[missing] == workflow.NOT_FOUND
    assert result.summaries == [
        "Anda yang memverifikasi calon ini; persetujuan harus oleh penyetuju lain.",
        "sudah diputuskan: status sekarang 'disetujui'. Muat ulang halaman.",
        "belum diverifikasi. Dinas ini memakai dua tahap: verifikator memverifikasi dulu, lalu penyetuju menyetujui.",
        workflow.NOT_FOUND, workflow.NOT_FOUND]
    assert list(NomineeEvent.objects.filter(actor=approver, to_status=S.APPROVED).values_list("nominee", flat=True)) \
        == [good.pk]
    assert Nominee.history.filter(id=good.pk, status=S.APPROVED, history_user=approver).count() == 1


def test_a_bulk_return_keeps_the_reason_masked_and_tells_the_village(
        submitted, reviewer, officer, django_capture_on_commit_callbacks):
    budi, andi = submitted("Budi Santoso", 1), submitted("Andi Wijaya", 2)

    with django_capture_on_commit_callbacks(execute=True):
        result = workflow.nominees_decide(nominee_pks=[budi.pk, andi.pk], action=Action.RETURN, actor=reviewer,
                                          reason_code="other", reason="NIK 1705011505900001 salah ketik")

    assert len(result.changed) == 2
    assert set(Nominee.objects.values_list("status_reason", flat=True)) == {"NIK 1705********0001 salah ketik"}
    assert sorted(officer.notices.values_list("text", flat=True)) == [
        "Andi Wijaya: dikembalikan untuk diperbaiki. Alasan: NIK 1705********0001 salah ketik",
        "Budi Santoso: dikembalikan untuk diperbaiki. Alasan: NIK 1705********0001 salah ketik"]


def test_a_bulk_reopen_refuses_a_nik_nominated_again_as_one_by_one_does(
        submitted, open_programme, lubuk_sahung, neighbour_officer, reviewer, approver, make_nominee):
    budi, andi = submitted("Budi Santoso", 1), submitted("Andi Wijaya", 2)
    workflow.nominees_decide(nominee_pks=[budi.pk, andi.pk], action=Action.REJECT, actor=reviewer,
                             reason_code="not_vulnerable")
    make_nominee(open_programme, lubuk_sahung, neighbour_officer, nik=nik_for(BORN, serial=1))  # Budi again

    result = workflow.nominees_decide(nominee_pks=[budi.pk, andi.pk], action=Action.REOPEN, actor=approver,
                                      reason="Salah klik")

    assert [n.pk for n in result.changed] == [andi.pk]
    assert result.refused == [(budi.pk, "Budi Santoso: NIK ini sudah diusulkan lagi di tempat lain, jadi tidak bisa "
                                        "dibuka kembali.")]


@pytest.mark.parametrize("count", [50, 200])
def test_approving_costs_the_same_queries_for_50_and_200(submitted, reviewer, approver, count,
                                                         django_assert_num_queries):
    nominees = clones(submitted("Budi Santoso", 1), count, status=S.VERIFIED, verified_by=reviewer)
    pks = [n.pk for n in nominees]

    # One chunk: a savepoint, the approver's regions (read once per user), the nominees locked
    # within them, their villages (with subdistrict, regency and settings), who verified them
    # (four eyes), the UPDATE, the history rows (INSERT … SELECT), the event rows, the release.
    # Nothing per nominee.
    with django_assert_num_queries(9):
        result = workflow.nominees_decide(nominee_pks=pks, action=Action.APPROVE, actor=approver,
                                          seen=dict.fromkeys(pks, S.VERIFIED))

    assert len(result.changed) == count and result.refused == []
    assert Nominee.objects.filter(status=S.APPROVED).count() == count
    assert NomineeEvent.objects.filter(to_status=S.APPROVED, actor=approver).count() == count
    assert Nominee.history.filter(status=S.APPROVED, history_user=approver).count() == count


def test_a_job_run_again_after_its_worker_died_counts_what_it_moved(submitted, reviewer, approver, open_programme,
                                                                     settings):
    """The first run committed its first chunk and died; the second finishes the rest and reports
    every nominee moved, none refused."""
    settings.DECISION_INLINE_MAX_ROWS = 2
    nominees = clones(submitted("Budi Santoso", 1), 5, status=S.VERIFIED, verified_by=reviewer)
    names = {n.pk: n.full_name for n in nominees}
    job = decisions.decision_start(user=approver, programme=open_programme, action=Action.APPROVE, names=names,
                                   seen=dict.fromkeys(names, S.VERIFIED), return_url="/usulan/verifikasi/")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)  # claimed by the worker that died
    workflow.nominees_decide(nominee_pks=list(names)[:2], action=Action.APPROVE, actor=approver)

    stored = jobs.job_run(job.pk, decisions.decision_job_work)

    assert stored.status == JobStatus.DONE
    assert stored.result["lines"] == ["5 calon disetujui."]
    assert stored.result["data"] == {"moved": 5, "refused": 0, "reasons": {}}
    assert NomineeEvent.objects.filter(to_status=S.APPROVED).count() == 5


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_decision_over_the_threshold_runs_in_the_worker_with_progress_and_grouped_refusals(
        worker, login, submitted, reviewer, approver, open_programme, settings):
    settings.DECISION_INLINE_MAX_ROWS = 3
    template = submitted("Budi Santoso", 1)
    verified = clones(template, 6, status=S.VERIFIED, verified_by=reviewer)
    mine = clones(template, 2, status=S.VERIFIED, verified_by=approver, first=7)  # four eyes
    ticked = [*verified, *mine]
    client = login(approver)
    back = reverse("registrations:review-queue") + f"?programme={open_programme.pk}"

    response = client.post(reverse("registrations:review-bulk", args=[open_programme.pk]), {
        "confirmed": "yes", "action": "approve", "nominee": [n.pk for n in ticked], "next": back,
        **{f"seen-{n.pk}": "verified" for n in ticked}})

    job = Job.objects.get(kind=decisions.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == jobs.job_url(job)
    wait_for(lambda: Job.objects.get(pk=job.pk).status in (JobStatus.DONE, JobStatus.FAILED), what="the job")
    job.refresh_from_db()
    assert (job.status, job.progress, job.total) == (JobStatus.DONE, 8, 8)
    assert job.result["lines"] == [
        "6 calon disetujui.", "2 tidak bisa diubah:",
        "– 2 calon: Anda yang memverifikasi calon ini; persetujuan harus oleh penyetuju lain."]
    assert Nominee.objects.filter(status=S.APPROVED).count() == 6
    page = client.get(response["Location"]).content.decode()
    assert "6 calon disetujui." in page and back.replace("&", "&amp;") in page


# --- The same decision form sent twice (common.replays) ----------------------------------------

def _shown(client, url) -> str:
    return re.search(r'name="shown" value="([^"]+)"', client.get(url).content.decode()).group(1)


def _told(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_bulk_approval_sent_twice_is_told_the_first_approved(login, submitted, reviewer, approver, open_programme):
    ticked = [workflow.nominee_decide(nominee=submitted(name, serial), action=Action.VERIFY, actor=reviewer)
              for name, serial in [("Budi Santoso", 1), ("Siti Rahma", 2)]]
    client = login(approver)
    back = reverse("registrations:review-queue") + f"?programme={open_programme.pk}&status=verified"
    data = {"confirmed": "yes", "action": "approve", "nominee": [n.pk for n in ticked], "next": back, "shown": _shown(client, back),
            **{f"seen-{n.pk}": "verified" for n in ticked}}
    url = reverse("registrations:review-bulk", args=[open_programme.pk])

    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)

    assert "2 calon disetujui." in _told(first)
    told = _told(second)
    assert len(told) == 1 and told[0].startswith("2 calon sudah disetujui pada ")
    assert told[0].endswith("(kiriman pertama Anda); kiriman kedua tidak mengubah apa-apa.")
    assert NomineeEvent.objects.filter(to_status=S.APPROVED).count() == 2


def test_a_whole_village_approval_sent_twice_is_told_the_first_approved(login, submitted, reviewer, approver,
                                                                        open_programme, niur):
    workflow.nominee_decide(nominee=submitted("Budi Santoso", 1), action=Action.VERIFY, actor=reviewer)
    client = login(approver)
    page = reverse("registrations:review-village", args=[open_programme.pk, niur.pk])
    data = {"confirmed": "yes", "action": "approve", "village": niur.pk, "next": page, "shown": _shown(client, page)}
    url = reverse("registrations:review-bulk", args=[open_programme.pk])

    assert _told(client.post(url, data, follow=True)) == ["1 calon disetujui."]
    second = client.post(url, data, follow=True)

    told = _told(second)
    assert len(told) == 1 and told[0].startswith("1 calon sudah disetujui pada "), told


def test_a_refusal_that_is_no_replay_is_still_said(login, submitted, reviewer, approver, second_approver,
                                                  open_programme):
    """Another approver decided first: that is a refusal, not the person's own first sending."""
    nominee = workflow.nominee_decide(nominee=submitted("Budi Santoso", 1), action=Action.VERIFY, actor=reviewer)
    client = login(approver)
    back = reverse("registrations:review-queue") + f"?programme={open_programme.pk}&status=verified"
    data = {"confirmed": "yes", "action": "approve", "nominee": [nominee.pk], "next": back, "shown": _shown(client, back),
            f"seen-{nominee.pk}": "verified"}
    workflow.nominees_decide(nominee_pks=[nominee.pk], action=Action.APPROVE, actor=second_approver)

    response = client.post(reverse("registrations:review-bulk", args=[open_programme.pk]), data, follow=True)

    told = _told(response)
    assert len(told) == 1 and told[0].startswith("1 tidak bisa diubah:")
