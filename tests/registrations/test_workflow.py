"""registrations/workflow.py: the only code that changes a nominee's status.

The tables below are the test's own reading of DOMAIN.md §7, written out by hand: `STEPS` must
list exactly the rows of workflow.TRANSITIONS (test_every_transition_has_a_row_here), so a new row
in the workflow cannot go untested.
"""

import datetime as dt
import threading
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from accounts.services import user_create
from bpjs.models import ExportBatch
from common.formatting import format_datetime
from registrations import services, workflow
from registrations.enums import CONTINUABLE_STATES, Action, NomineeStatus
from registrations.models import Nominee, NomineeEvent, Notice
from villages.enums import ApprovalSteps
from villages.models import Village
from villages.services import regency_settings_ensure

from .conftest import TODAY, nik_for

S = NomineeStatus
NOT_FOUND = "Calon peserta tidak ditemukan."
NOT_YOURS = "Anda tidak berwenang mengubah status Budi Santoso."

# --- Who may make each move ---------------------------------------------------------------------

PERSONAS = ["officer", "neighbour_officer", "regency_admin", "reviewer", "approver", "viewer", "bpjs_officer",
            "province_viewer", "other_reviewer", "other_admin", "sysadmin"]
# Their regions do not include Desa Niur: they are told the nominee does not exist, as for a
# missing one, so a guessed id reveals no name.
OUT_OF_SCOPE = {"neighbour_officer", "other_reviewer", "other_admin"}

VILLAGE = frozenset({"officer"})
REVIEW = frozenset({"reviewer", "approver"})
APPROVE = frozenset({"approver"})
OFFICE = frozenset({"regency_admin", "approver"})
BPJS = frozenset({"bpjs_officer", "regency_admin"})


@dataclass(frozen=True)
class Step:
    action: str
    allowed: frozenset
    reason_code: str = ""
    reason: str = ""
    status_reason: str = ""  # what the nominee and its event keep


_RETURN = Step(Action.RETURN, REVIEW, "kk_mismatch", "KK buram", "Nomor KK tidak sesuai kartu keluarga: KK buram")
_REJECT = Step(Action.REJECT, REVIEW, "already_covered", " Peserta PU aktif ",
               "Sudah peserta BPJS Ketenagakerjaan: Peserta PU aktif")
_REOPEN = Step(Action.REOPEN, APPROVE, reason="Salah klik, diperiksa ulang",
               status_reason="Salah klik, diperiksa ulang")
_END = Step(Action.END, OFFICE, "died", "", "Meninggal dunia")

STEPS = {
    (S.DRAFT, S.SUBMITTED): Step(Action.SUBMIT, VILLAGE),
    (S.RETURNED, S.SUBMITTED): Step(Action.SUBMIT, VILLAGE),
    (S.SUBMITTED, S.VERIFIED): Step(Action.VERIFY, REVIEW),
    (S.SUBMITTED, S.RETURNED): _RETURN,
    (S.SUBMITTED, S.REJECTED): _REJECT,
    (S.SUBMITTED, S.APPROVED): Step(Action.APPROVE, REVIEW),  # only where the regency approves in one step
    (S.VERIFIED, S.APPROVED): Step(Action.APPROVE, APPROVE),
    (S.VERIFIED, S.RETURNED): _RETURN,
    (S.VERIFIED, S.REJECTED): _REJECT,
    (S.APPROVED, S.SUBMITTED): _REOPEN,
    (S.REJECTED, S.SUBMITTED): _REOPEN,
    (S.APPROVED, S.SENT_TO_BPJS): Step(Action.SEND_TO_BPJS, OFFICE),
    (S.SENT_TO_BPJS, S.REGISTERED): Step(Action.REGISTER, BPJS),
    (S.SENT_TO_BPJS, S.REFUSED_BY_BPJS): Step(Action.REFUSE_BY_BPJS, BPJS, reason="NIK sudah peserta BPU",
                                              status_reason="NIK sudah peserta BPU"),
    (S.REGISTERED, S.ACTIVE): Step(Action.ACTIVATE, BPJS),
    (S.REGISTERED, S.ARREARS): Step(Action.FALL_INTO_ARREARS, BPJS),
    (S.REGISTERED, S.LAPSED): Step(Action.LAPSE, BPJS),
    (S.ACTIVE, S.ARREARS): Step(Action.FALL_INTO_ARREARS, BPJS),
    (S.ACTIVE, S.LAPSED): Step(Action.LAPSE, BPJS),
    (S.ARREARS, S.ACTIVE): Step(Action.ACTIVATE, BPJS),
    (S.ARREARS, S.LAPSED): Step(Action.LAPSE, BPJS),
    (S.LAPSED, S.ACTIVE): Step(Action.ACTIVATE, BPJS),
    (S.REGISTERED, S.ENDED): _END,
    (S.ACTIVE, S.ENDED): _END,
    (S.ARREARS, S.ENDED): _END,
    (S.LAPSED, S.ENDED): _END,
}
ONE_STEP_ONLY = {(S.SUBMITTED, S.APPROVED)}

ALLOWED = [(move, persona) for move, step in STEPS.items() for persona in sorted(step.allowed)]
NOT_ALLOWED = [(move, persona) for move, step in STEPS.items() for persona in PERSONAS if persona not in step.allowed]
# The village's confirmation of a continuation has its own rule and path (its tests at the end).
TABLE_ACTIONS = [action for action in Action if action != Action.CONFIRM_CONTINUATION]
# Every (status, action) the table has no row for: 13 statuses × 13 actions − the 26 rows.
FORBIDDEN = [(status, action) for status in S for action in TABLE_ACTIONS
             if STEPS.get((status, workflow.ACTION_TARGETS[action]), Step("", frozenset())).action != action]
# Someone who may take the action somewhere, so only the missing row refuses it.
ACTOR_FOR = {step.action: sorted(step.allowed)[0] for step in STEPS.values()}


def move_id(move):
    return f"{move[0]}->{move[1]}"


# --- Fixtures and helpers -----------------------------------------------------------------------------

@pytest.fixture
def nominee(open_programme, niur, officer, make_nominee):
    return make_nominee(open_programme, niur, officer)


@pytest.fixture
def submitted(nominee, officer):
    return workflow.nominee_submit(nominee=nominee, actor=officer)


@pytest.fixture
def second_reviewer(seluma):
    return user_create(username="verifikator2-seluma", role=Role.REGENCY_REVIEWER, regions=[seluma],
                       must_change_password=False, full_name="Dewi Kartika")


@pytest.fixture
def second_approver(seluma):
    return user_create(username="penyetuju2-seluma", role=Role.REGENCY_APPROVER, regions=[seluma],
                       must_change_password=False, full_name="Yusuf Hamdani")


def put_in(nominee, status):
    """Arranges the state directly: these tests are about the one next step."""
    Nominee.objects.filter(pk=nominee.pk).update(status=status, status_reason="alasan sebelumnya")


def approve_in_one_step(regency):
    settings = regency_settings_ensure(regency=regency)
    settings.approval_steps = ApprovalSteps.ONE
    settings.save()


def events(nominee):
    return list(NomineeEvent.objects.filter(nominee=nominee)
                .values_list("actor", "from_status", "to_status", "reason_code", "reason"))


def state(nominee):
    """Everything a refused step must leave alone."""
    saved = Nominee.objects.get(pk=nominee.pk)
    return saved.status, saved.status_reason, saved.status_changed_at, saved.updated_at, events(nominee)


def decided_at(nominee):
    last = NomineeEvent.objects.filter(nominee=nominee).last()
    return format_datetime(timezone.localtime(last.created_at))  # "4 Desember 2026 pukul 14.50 UTC" outside a request


def a_batch(nominee, created_by):
    """An export batch to send the nominee in (the file itself is tests/bpjs/test_export.py's business)."""
    return ExportBatch.objects.create(regency_id=nominee.programme.regency_id, programme_id=nominee.programme_id,
                                      number=f"BPJS-TEST-{nominee.pk}", created_by=created_by, row_count=1,
                                      file="bpjs/test.xlsx")


def decide(nominee, step, actor, **overrides):
    if step.action == Action.REGISTER:  # BPJS's answer comes with the KPJ number and the date
        return workflow.nominee_register(nominee=nominee, actor=actor, kpj_number="00012345678",
                                         registered_on=dt.date(2026, 1, 1),
                                         **{k: v for k, v in overrides.items() if k == "seen_status"})
    if step.action == Action.SEND_TO_BPJS:  # only as a row of an export batch
        return workflow.nominees_send_to_bpjs(nominee_pks=[nominee.pk], actor=actor, batch=a_batch(nominee, actor))[0]
    arguments = {"reason_code": step.reason_code, "reason": step.reason, **overrides}
    return workflow.nominee_decide(nominee=nominee, action=step.action, actor=actor, **arguments)


# --- The table -------------------------------------------------------------------------------------

def test_every_transition_has_a_row_here():
    assert set(STEPS) == set(workflow.TRANSITIONS)
    assert all(workflow.ACTION_TARGETS[step.action] == to for (_, to), step in STEPS.items())
    assert len(FORBIDDEN) == len(S) * len(TABLE_ACTIONS) - len(STEPS)


@pytest.mark.parametrize(("move", "persona"), ALLOWED, ids=[f"{move_id(m)}-{p}" for m, p in ALLOWED])
def test_allowed_transition(request, seluma, nominee, move, persona):
    from_status, to_status = move
    step = STEPS[move]
    actor = request.getfixturevalue(persona)
    put_in(nominee, from_status)
    if move in ONE_STEP_ONLY:
        approve_in_one_step(seluma)
    before = events(nominee)

    result = decide(nominee, step, actor, seen_status=from_status)

    saved = Nominee.objects.get(pk=nominee.pk)
    # The BPJS steps write their own note: the batch, or the KPJ number and membership date.
    kept = {Action.SEND_TO_BPJS: f"Batch BPJS-TEST-{nominee.pk}",
            Action.REGISTER: "KPJ 00012345678, peserta sejak 1 Januari 2026"}.get(step.action, step.status_reason)
    assert (result.pk, saved.status, saved.status_reason) == (nominee.pk, to_status, kept)
    assert saved.status_changed_at is not None and saved.status_changed_at > nominee.created_at
    assert events(nominee) == [*before, (actor.pk, from_status, to_status, step.reason_code, kept)]
    assert saved.history.latest().history_user == actor


@pytest.mark.parametrize(("move", "persona"), NOT_ALLOWED, ids=[f"{move_id(m)}-{p}" for m, p in NOT_ALLOWED])
def test_transition_refused_to_everyone_else(request, seluma, nominee, move, persona):
    step = STEPS[move]
    actor = request.getfixturevalue(persona)
    put_in(nominee, move[0])
    if move in ONE_STEP_ONLY:
        approve_in_one_step(seluma)
    before = state(nominee)

    with pytest.raises(workflow.TransitionError) as error:
        decide(nominee, step, actor)

    assert str(error.value) == (NOT_FOUND if persona in OUT_OF_SCOPE else NOT_YOURS)
    assert state(nominee) == before


@pytest.mark.parametrize(("status", "action"), FORBIDDEN, ids=[f"{s}-{a}" for s, a in FORBIDDEN])
def test_forbidden_transition(request, nominee, status, action):
    target = workflow.ACTION_TARGETS[action]
    actor = request.getfixturevalue(ACTOR_FOR[action])
    put_in(nominee, status)
    before = state(nominee)

    with pytest.raises(workflow.TransitionError) as error:
        if action == Action.REGISTER:
            workflow.nominee_register(nominee=nominee, actor=actor, kpj_number="00012345678",
                                      registered_on=dt.date(2026, 1, 1))
        elif action == Action.SEND_TO_BPJS:
            workflow.nominees_send_to_bpjs(nominee_pks=[nominee.pk], actor=actor, batch=a_batch(nominee, actor))
        else:
            workflow.nominee_decide(nominee=nominee, action=action, actor=actor, reason_code="", reason="alasan")

    if action == Action.SEND_TO_BPJS:
        # A batch takes approved nominees only: anything else was decided since the batch looked.
        expected = (f"Budi Santoso sudah diputuskan oleh Siti Aminah pada {decided_at(nominee)}: "
                    f"status sekarang '{S(status).label}'. Muat ulang halaman.")
    elif status == target:
        # The creation event (by the officer) is the last thing that happened to it here.
        expected = (f"Budi Santoso sudah diputuskan oleh Siti Aminah pada {decided_at(nominee)}: "
                    f"status '{S(status).label}'.")
    else:
        expected = f"Budi Santoso: status '{S(status).label}' tidak bisa diubah menjadi '{S(target).label}'."
    assert str(error.value) == expected
    assert state(nominee) == before
    assert workflow.rule_for(action, status) is None


def test_unknown_action_is_refused(submitted, reviewer):
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=submitted, action="approve_all", actor=reviewer)

    assert str(error.value) == "Tindakan tidak dikenal."
    assert state(submitted) == before


# --- Submitting ---------------------------------------------------------------------------------------

def test_submit_draft(nominee, officer):
    workflow.nominee_submit(nominee=nominee, actor=officer)

    assert Nominee.objects.get(pk=nominee.pk).status == S.SUBMITTED
    assert events(nominee) == [(officer.pk, "", S.DRAFT, "", ""), (officer.pk, S.DRAFT, S.SUBMITTED, "", "")]


def test_submit_returned_clears_the_reason(submitted, officer, reviewer):
    decide(submitted, _RETURN, reviewer)

    workflow.nominee_submit(nominee=submitted, actor=officer)

    saved = Nominee.objects.get(pk=submitted.pk)
    assert (saved.status, saved.status_reason) == (S.SUBMITTED, "")
    assert events(submitted)[-1] == (officer.pk, S.RETURNED, S.SUBMITTED, "", "")


def test_submitting_twice_says_it_was_already_sent(submitted, officer):
    """Two tabs, or a double tap: the second "kirim" says who sent it and when, and changes nothing."""
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_submit(nominee=submitted, actor=officer)

    assert str(error.value) == (f"Budi Santoso sudah diputuskan oleh Siti Aminah pada {decided_at(submitted)}: "
                                "status 'dikirim ke kabupaten'.")
    assert state(submitted) == before


@pytest.mark.parametrize("status", [S.VERIFIED, S.APPROVED, S.REJECTED, S.ACTIVE])
def test_submit_from_a_later_state_is_forbidden(nominee, officer, status):
    put_in(nominee, status)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_submit(nominee=nominee, actor=officer)

    assert str(error.value) == (f"Budi Santoso: status '{status.label}' tidak bisa diubah menjadi "
                                "'dikirim ke kabupaten'.")
    assert Nominee.objects.get(pk=nominee.pk).status == status
    assert len(events(nominee)) == 1


def test_history_records_the_actor(nominee, officer):
    workflow.nominee_submit(nominee=nominee, actor=officer)

    assert [(h.status, h.history_user) for h in Nominee.objects.get(pk=nominee.pk).history.order_by("history_id")] == [
        (S.DRAFT, officer), (S.SUBMITTED, officer)]


def test_an_inactive_officer_may_not_submit(nominee, officer):
    User.objects.filter(pk=officer.pk).update(is_active=False)
    before = state(nominee)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_submit(nominee=nominee, actor=User.objects.get(pk=officer.pk))

    assert str(error.value) == NOT_FOUND
    assert state(nominee) == before


# --- Four eyes and one-step approval ----------------------------------------------------------------

def test_reviewer_verifies_then_approver_approves(submitted, reviewer, approver):
    workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=reviewer, seen_status=S.SUBMITTED)
    workflow.nominee_decide(nominee=submitted, action=Action.APPROVE, actor=approver, seen_status=S.VERIFIED)

    assert Nominee.objects.get(pk=submitted.pk).status == S.APPROVED
    assert events(submitted)[-2:] == [(reviewer.pk, S.SUBMITTED, S.VERIFIED, "", ""),
                                      (approver.pk, S.VERIFIED, S.APPROVED, "", "")]


def test_approver_who_verified_may_not_approve(submitted, approver, second_approver):
    workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=approver)
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=submitted, action=Action.APPROVE, actor=approver)

    assert str(error.value) == ("Budi Santoso: Anda yang memverifikasi calon ini; persetujuan harus oleh "
                                "penyetuju lain.")
    assert state(submitted) == before

    workflow.nominee_decide(nominee=submitted, action=Action.APPROVE, actor=second_approver)

    assert Nominee.objects.get(pk=submitted.pk).status == S.APPROVED
    assert events(submitted)[-1] == (second_approver.pk, S.VERIFIED, S.APPROVED, "", "")


def test_four_eyes_looks_at_the_latest_verification(submitted, officer, reviewer, approver):
    """Verified by the approver, returned, corrected and verified again by the reviewer: the approver
    did not verify what is now in front of them, so they may approve it."""
    workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=approver)
    decide(submitted, _RETURN, reviewer)
    workflow.nominee_submit(nominee=submitted, actor=officer)
    workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=reviewer)

    workflow.nominee_decide(nominee=submitted, action=Action.APPROVE, actor=approver)

    assert Nominee.objects.get(pk=submitted.pk).status == S.APPROVED


def test_four_eyes_refusal_is_the_one_rule_for_checks_and_buttons(submitted, approver, second_approver,
                                                                  django_assert_num_queries):
    """workflow.four_eyes_refusal: the message for the approver who verified, "" for another one
    and for a nominee not verified; the buttons (available_actions) ask the same function."""
    refusal = "Budi Santoso: Anda yang memverifikasi calon ini; persetujuan harus oleh penyetuju lain."
    with django_assert_num_queries(0):
        assert workflow.four_eyes_refusal(submitted, approver) == ""  # not verified: nobody to keep out

    workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=approver)
    verified = Nominee.objects.select_related("village__subdistrict__regency__settings").get(pk=submitted.pk)

    with django_assert_num_queries(1):  # who verified it last
        assert workflow.four_eyes_refusal(verified, approver) == refusal
    verifiers = workflow.last_verifiers([verified])
    with django_assert_num_queries(0):  # a page passes the verifiers it read for all its nominees
        assert (workflow.four_eyes_refusal(verified, approver, verifiers=verifiers),
                workflow.four_eyes_refusal(verified, second_approver, verifiers=verifiers)) == (refusal, "")
    assert Action.APPROVE not in workflow.available_actions(approver, verified)
    assert Action.APPROVE in workflow.available_actions(second_approver, verified)


def test_one_step_regency_reviewer_approves_from_submitted(seluma, submitted, reviewer):
    approve_in_one_step(seluma)

    workflow.nominee_decide(nominee=submitted, action=Action.APPROVE, actor=reviewer, seen_status=S.SUBMITTED)

    assert Nominee.objects.get(pk=submitted.pk).status == S.APPROVED
    assert events(submitted)[-1] == (reviewer.pk, S.SUBMITTED, S.APPROVED, "", "")
    assert workflow.available_actions(reviewer, Nominee.objects.get(pk=submitted.pk)) == []


@pytest.mark.parametrize("persona, message", [
    ("reviewer", NOT_YOURS),
    # The approver may approve, just not yet: the message says what comes first.
    ("approver", "Budi Santoso belum diverifikasi. Dinas ini memakai dua tahap: verifikator memverifikasi dulu, "
                 "lalu penyetuju menyetujui."),
])
def test_two_step_regency_refuses_approval_from_submitted(request, submitted, persona, message):
    actor = request.getfixturevalue(persona)
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=submitted, action=Action.APPROVE, actor=actor)

    assert str(error.value) == message
    assert state(submitted) == before


def test_the_buttons_follow_the_table_and_the_regency_setting(seluma, submitted, reviewer, approver, viewer):
    assert workflow.available_actions(reviewer, submitted) == [Action.VERIFY, Action.RETURN, Action.REJECT]
    assert workflow.available_actions(viewer, submitted) == []
    approve_in_one_step(seluma)
    fresh = Nominee.objects.select_related("village__subdistrict__regency__settings").get(pk=submitted.pk)
    assert workflow.available_actions(approver, fresh) == [Action.VERIFY, Action.APPROVE, Action.RETURN,
                                                           Action.REJECT]


def test_the_verifier_is_not_offered_the_approval(submitted, approver, second_approver):
    workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=approver)
    verified = Nominee.objects.get(pk=submitted.pk)

    assert workflow.available_actions(approver, verified) == [Action.RETURN, Action.REJECT]
    assert workflow.available_actions(second_approver, verified) == [Action.APPROVE, Action.RETURN, Action.REJECT]


def test_registering_keeps_the_kpj_number_as_text_and_the_membership_date(nominee, bpjs_officer):
    put_in(nominee, S.SENT_TO_BPJS)

    workflow.nominee_register(nominee=nominee, actor=bpjs_officer, kpj_number=" 00012345678 ",
                              registered_on=dt.date(2026, 2, 1))

    saved = Nominee.objects.get(pk=nominee.pk)
    assert (saved.status, saved.kpj_number, saved.registered_on) == (S.REGISTERED, "00012345678", dt.date(2026, 2, 1))


def test_registering_stores_the_masa_iur_from_the_branchs_answer(nominee, bpjs_officer):
    put_in(nominee, S.SENT_TO_BPJS)

    workflow.nominee_register(nominee=nominee, actor=bpjs_officer, kpj_number="00012345678",
                              registered_on=dt.date(2026, 2, 1), paid_until=dt.date(2026, 4, 30))

    saved = Nominee.objects.get(pk=nominee.pk)
    assert (saved.status, saved.registered_on, saved.paid_until) == (
        S.REGISTERED, dt.date(2026, 2, 1), dt.date(2026, 4, 30))
    assert events(nominee)[-1] == (bpjs_officer.pk, S.SENT_TO_BPJS, S.REGISTERED, "",
                                   "KPJ 00012345678, peserta sejak 1 Februari 2026, iuran s.d. 30 April 2026")


def test_registering_refuses_a_masa_iur_before_the_membership_date(nominee, bpjs_officer):
    put_in(nominee, S.SENT_TO_BPJS)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_register(nominee=nominee, actor=bpjs_officer, kpj_number="00012345678",
                                  registered_on=dt.date(2026, 2, 1), paid_until=dt.date(2026, 1, 31))

    assert str(error.value) == ("Masa iur s.d. 31 Januari 2026 sebelum tanggal kepesertaan 1 Februari 2026; "
                                "periksa kembali tanggalnya.")
    saved = Nominee.objects.get(pk=nominee.pk)
    assert (saved.status, saved.paid_until) == (S.SENT_TO_BPJS, None)


@pytest.mark.parametrize("kpj", ["", "KPJ-123", "12 34"])
def test_registering_refuses_a_kpj_that_is_not_digits(nominee, bpjs_officer, kpj):
    put_in(nominee, S.SENT_TO_BPJS)

    with pytest.raises(workflow.TransitionError):
        workflow.nominee_register(nominee=nominee, actor=bpjs_officer, kpj_number=kpj, registered_on=dt.date(2026, 2, 1))

    assert Nominee.objects.get(pk=nominee.pk).status == S.SENT_TO_BPJS


def test_registering_needs_the_kpj_number(nominee, bpjs_officer):
    put_in(nominee, S.SENT_TO_BPJS)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=nominee, action=Action.REGISTER, actor=bpjs_officer)

    assert str(error.value) == "Pendaftaran di BPJS dicatat bersama nomor KPJ dan tanggal kepesertaannya."


def test_identifiers_typed_into_a_reason_are_kept_masked(submitted, reviewer):
    workflow.nominee_decide(nominee=submitted, action=Action.RETURN, actor=reviewer, reason_code="other",
                            reason="NIK 1705015208850002 tertukar; hubungi 081234567890")

    assert Nominee.objects.get(pk=submitted.pk).status_reason == "NIK 1705********0002 tertukar; hubungi 0812****7890"


# --- Reasons ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("action", [Action.RETURN, Action.REJECT])
@pytest.mark.parametrize("reason_code", ["", "died", "bukan-kode"])
def test_return_and_reject_need_a_code_from_the_list(submitted, reviewer, action, reason_code):
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=submitted, action=action, actor=reviewer, reason_code=reason_code,
                                reason="KTP buram")

    assert str(error.value) == "Pilih alasan dari daftar."
    assert state(submitted) == before


@pytest.mark.parametrize("text", ["", "   "])
def test_other_needs_the_text(submitted, reviewer, text):
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=submitted, action=Action.RETURN, actor=reviewer, reason_code="other",
                                reason=text)

    assert str(error.value) == "Tuliskan alasannya bila memilih 'Lainnya'."
    assert state(submitted) == before


def test_other_keeps_the_text_alone(submitted, reviewer):
    workflow.nominee_decide(nominee=submitted, action=Action.REJECT, actor=reviewer, reason_code="other",
                            reason="Sudah pindah ke Bengkulu Utara")

    assert Nominee.objects.get(pk=submitted.pk).status_reason == "Sudah pindah ke Bengkulu Utara"
    assert events(submitted)[-1] == (reviewer.pk, S.SUBMITTED, S.REJECTED, "other", "Sudah pindah ke Bengkulu Utara")


def test_a_code_alone_keeps_its_label(submitted, reviewer):
    workflow.nominee_decide(nominee=submitted, action=Action.RETURN, actor=reviewer, reason_code="age")

    assert Nominee.objects.get(pk=submitted.pk).status_reason == "Usia di luar batas program"


def test_a_step_without_a_list_takes_no_code(submitted, reviewer):
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=reviewer, reason_code="age")

    assert str(error.value) == "Langkah ini tidak memakai daftar alasan."
    assert state(submitted) == before


@pytest.mark.parametrize(("status", "action", "persona"), [
    (S.APPROVED, Action.REOPEN, "approver"),
    (S.REJECTED, Action.REOPEN, "approver"),
    (S.SENT_TO_BPJS, Action.REFUSE_BY_BPJS, "bpjs_officer"),
])
@pytest.mark.parametrize("text", ["", "  "])
def test_reopen_and_bpjs_refusal_need_a_text(request, nominee, status, action, persona, text):
    put_in(nominee, status)
    before = state(nominee)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=nominee, action=action, actor=request.getfixturevalue(persona), reason=text)

    assert str(error.value) == "Tuliskan alasannya."
    assert state(nominee) == before


@pytest.mark.parametrize("reason_code", ["", "kk_mismatch", "other"])
def test_ending_needs_an_end_reason(nominee, regency_admin, reason_code):
    put_in(nominee, S.ACTIVE)
    before = state(nominee)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=nominee, action=Action.END, actor=regency_admin, reason_code=reason_code,
                                reason="keterangan")

    assert str(error.value) == "Pilih alasan dari daftar."
    assert state(nominee) == before


def test_ending_keeps_the_label_and_the_text(nominee, regency_admin):
    put_in(nominee, S.LAPSED)

    workflow.nominee_decide(nominee=nominee, action=Action.END, actor=regency_admin, reason_code="waged",
                            reason="Bekerja di pabrik karet sejak Juni")

    assert Nominee.objects.get(pk=nominee.pk).status_reason == (
        "Menjadi pekerja penerima upah: Bekerja di pabrik karet sejak Juni")
    assert events(nominee)[-1][1:] == (S.LAPSED, S.ENDED, "waged",
                                       "Menjadi pekerja penerima upah: Bekerja di pabrik karet sejak Juni")


# --- Two people at once -------------------------------------------------------------------------------

def test_a_decision_on_a_status_someone_else_changed_is_refused(submitted, reviewer, approver):
    """The approver's page still showed "dikirim"; Sri Wahyuni returned it in the meantime."""
    decide(submitted, _RETURN, reviewer, seen_status=S.SUBMITTED)
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_decide(nominee=submitted, action=Action.VERIFY, actor=approver, seen_status=S.SUBMITTED)

    assert str(error.value) == (f"Budi Santoso sudah diputuskan oleh Sri Wahyuni pada {decided_at(submitted)}: "
                                "status sekarang 'dikembalikan untuk diperbaiki'. Muat ulang halaman.")
    assert state(submitted) == before


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_the_same_moment(submitted, reviewer, second_reviewer):
    """Two threads, two database connections, one row lock: one decision wins, the other is told
    who decided, and there is one event."""
    barrier = threading.Barrier(2)
    outcome = {}

    def decide_in_thread(actor, action, reason_code):
        try:
            barrier.wait(timeout=10)
            workflow.nominee_decide(nominee=Nominee(pk=submitted.pk), action=action, actor=actor,
                                    reason_code=reason_code, reason="", seen_status=S.SUBMITTED)
            outcome[actor.username] = "won"
        except workflow.TransitionError as error:
            outcome[actor.username] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide_in_thread, args=(reviewer, Action.VERIFY, "")),
               threading.Thread(target=decide_in_thread, args=(second_reviewer, Action.RETURN, "kk_mismatch"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome) == sorted([reviewer.username, second_reviewer.username])
    winners = [name for name, result in outcome.items() if result == "won"]
    assert len(winners) == 1
    winner, loser = (reviewer, second_reviewer) if winners == [reviewer.username] else (second_reviewer, reviewer)
    assert f"Budi Santoso sudah diputuskan oleh {winner.get_full_name()} pada " in outcome[loser.username]
    decisions = list(NomineeEvent.objects.filter(nominee=submitted, from_status=S.SUBMITTED)
                     .values_list("actor", "to_status"))
    expected_status = S.VERIFIED if winner == reviewer else S.RETURNED
    assert decisions == [(winner.pk, expected_status)]
    assert Nominee.objects.get(pk=submitted.pk).status == expected_status


# --- Many at once -----------------------------------------------------------------------------------

@pytest.fixture
def foreign_nominee(other_regency, other_admin, make_nominee):
    """A submitted nominee of a village in Bengkulu Selatan."""
    programme = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Pekerja Rentan Bengkulu Selatan", year=2026,
        coverage_start=TODAY + dt.timedelta(days=14), nomination_opens=TODAY - dt.timedelta(days=7),
        nomination_closes=TODAY + dt.timedelta(days=7), quota_per_village=10,
    )
    village = Village.objects.filter(subdistrict__regency=other_regency).order_by("code").first()
    officer = user_create(username="op-bs", role=Role.VILLAGE_OFFICER, regions=[village],
                          must_change_password=False, full_name="Rudi Hartono")
    nominee = make_nominee(programme, village, officer, full_name="Wati Susanti",
                           nik=nik_for(dt.date(1990, 5, 15), "P", serial=9, regency="1701"), sex="P")
    return workflow.nominee_submit(nominee=nominee, actor=officer)


def test_bulk_decision_keeps_the_good_ones_and_says_why_the_others_failed(
        open_programme, niur, officer, reviewer, approver, make_nominee, foreign_nominee):
    first, decided, last = (
        workflow.nominee_submit(nominee=make_nominee(open_programme, niur, officer, full_name=name,
                                                     nik=nik_for(dt.date(1990, 5, 15), serial=serial)),
                                actor=officer)
        for name, serial in [("Budi Santoso", 1), ("Andi Wijaya", 2), ("Yanto", 3)]
    )
    workflow.nominee_decide(nominee=decided, action=Action.VERIFY, actor=reviewer)
    missing = Nominee.objects.order_by("-pk").first().pk + 1000

    result = workflow.nominees_decide(
        nominee_pks=[first.pk, decided.pk, foreign_nominee.pk, missing, last.pk], action=Action.RETURN,
        actor=approver, reason_code="data_incomplete", reason="Foto KTP buram",
        seen={pk: S.SUBMITTED for pk in (first.pk, decided.pk, foreign_nominee.pk, last.pk)},
    )

    assert [n.pk for n in result.changed] == [first.pk, last.pk]
    assert result.refused == [
        (decided.pk, f"Andi Wijaya sudah diputuskan oleh Sri Wahyuni pada {decided_at(decided)}: status sekarang "
                     "'terverifikasi'. Muat ulang halaman."),
        (foreign_nominee.pk, NOT_FOUND),
        (missing, NOT_FOUND),
    ]
    assert dict(Nominee.objects.values_list("full_name", "status")) == {
        "Budi Santoso": S.RETURNED, "Andi Wijaya": S.VERIFIED, "Yanto": S.RETURNED, "Wati Susanti": S.SUBMITTED}
    assert NomineeEvent.objects.filter(actor=approver).count() == 2


# --- Side effects -------------------------------------------------------------------------------------

def test_a_returned_nominee_tells_the_village_officer_after_commit(
        django_capture_on_commit_callbacks, niur, submitted, officer, neighbour_officer, reviewer):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(submitted, _RETURN, reviewer)

    assert len(callbacks) == 1
    assert list(Notice.objects.values_list("recipient", "text", "url")) == [
        (officer.pk, "Budi Santoso: dikembalikan untuk diperbaiki. Alasan: Nomor KK tidak sesuai kartu keluarga: "
                     "KK buram", reverse("registrations:village", args=[niur.pk])),
    ]


def test_a_rolled_back_decision_tells_no_one(django_capture_on_commit_callbacks, submitted, officer, reviewer):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            decide(submitted, _RETURN, reviewer)
            raise RuntimeError("the page failed after the decision")

    assert callbacks == []
    assert not Notice.objects.exists()
    assert Nominee.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert events(submitted)[-1][2] == S.SUBMITTED


def test_a_refused_decision_queues_nothing(django_capture_on_commit_callbacks, submitted, reviewer):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(workflow.TransitionError):
            workflow.nominee_decide(nominee=submitted, action=Action.RETURN, actor=reviewer)

    assert callbacks == []
    assert not Notice.objects.exists()


# --- Reopening ----------------------------------------------------------------------------------------

def test_reopen_a_rejected_nominee(submitted, reviewer, approver):
    decide(submitted, _REJECT, reviewer)

    decide(submitted, _REOPEN, approver)

    saved = Nominee.objects.get(pk=submitted.pk)
    assert (saved.status, saved.status_reason) == (S.SUBMITTED, "Salah klik, diperiksa ulang")
    assert events(submitted)[-1] == (approver.pk, S.REJECTED, S.SUBMITTED, "", "Salah klik, diperiksa ulang")


def test_reopen_refused_when_the_nik_was_nominated_again(
        open_programme, lubuk_sahung, submitted, neighbour_officer, reviewer, approver, make_nominee):
    """Rejected in Niur, the same person was then put forward by Lubuk Sahung: one active
    nomination per NIK, so Niur's cannot come back."""
    decide(submitted, _REJECT, reviewer)
    again = make_nominee(open_programme, lubuk_sahung, neighbour_officer)
    before = state(submitted)

    with pytest.raises(workflow.TransitionError) as error:
        decide(submitted, _REOPEN, approver)

    assert str(error.value) == ("Budi Santoso: NIK ini sudah diusulkan lagi di tempat lain, jadi tidak bisa dibuka "
                                "kembali.")
    assert state(submitted) == before
    assert Nominee.objects.get(pk=again.pk).status == S.DRAFT


# --- The village's confirmation of a continuation (registrations.continuation) -------------------

@pytest.mark.parametrize("status", sorted(CONTINUABLE_STATES))
def test_village_officer_ends_a_membership_for_a_continuation(nominee, officer, status):
    put_in(nominee, status)

    ended = workflow.nominees_end_for_continuation(
        moves=[workflow.continuation_move(nominee_pk=nominee.pk, seen_status=status, reason_code="moved")],
        actor=officer)

    assert [(n.pk, n.status, n.status_reason) for n in ended] == [(nominee.pk, S.ENDED, "Pindah domisili")]
    assert events(nominee)[-1] == (officer.pk, status, S.ENDED, "moved", "Pindah domisili")


@pytest.mark.parametrize("persona", ["regency_admin", "approver", "bpjs_officer", "neighbour_officer"])
def test_continuation_ending_is_the_villages_own(request, nominee, persona):
    put_in(nominee, S.ACTIVE)
    before = state(nominee)

    with pytest.raises(workflow.TransitionError):
        workflow.nominees_end_for_continuation(
            moves=[workflow.continuation_move(nominee_pk=nominee.pk, seen_status=S.ACTIVE, reason_code="moved")],
            actor=request.getfixturevalue(persona))

    assert state(nominee) == before


@pytest.mark.parametrize("status", sorted(set(S) - CONTINUABLE_STATES))
def test_continuation_ends_only_members(nominee, officer, status):
    put_in(nominee, status)

    with pytest.raises(workflow.TransitionError):
        workflow.nominees_end_for_continuation(
            moves=[workflow.continuation_move(nominee_pk=nominee.pk, seen_status=status, reason_code="moved")],
            actor=officer)
    assert workflow.rule_for(Action.CONFIRM_CONTINUATION, status) is None


def test_continuation_is_not_a_single_decision(nominee, officer):
    put_in(nominee, S.ACTIVE)

    with pytest.raises(workflow.TransitionError, match="hanya lewat halaman konfirmasi desa"):
        workflow.nominee_decide(nominee=nominee, action=Action.CONFIRM_CONTINUATION, actor=officer,
                                reason_code="moved")
