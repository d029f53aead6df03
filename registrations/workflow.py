"""The only code that changes a nominee's status (DOMAIN.md §7).

One transition table, `TRANSITIONS`, maps (from, to) to the rule that allows it: who may make the
move and which reason it needs. `_transition` locks the row (`select_for_update`), refuses a status
the person did not see ("sudah diputuskan oleh … pada …"), checks the table and the permission
(`_check_move`), saves with `update_fields`, writes the NomineeEvent (actor, time, from, to,
reason) and queues the side effects with `transaction.on_commit`. The BPJS steps move many
nominees at once (`_bulk_transition`: a batch with `nominees_send_to_bpjs`, an answer file with
`nominees_record_bpjs_answers`): the same checks on each locked row, then bulk writes, and one
on_commit callback for the whole change.

Side effects (after commit, never for a rolled-back change): the workflow imports none of them.
It announces each change (common.events, kind STATUS, with its regency and nominees), and the
listeners act:
- reports.triggers: the regency's coverage is recomputed (each state moves a programme figure, and
  registered/active/lapsed/ended move UCJ). Coalesced: a bulk change announces once, and
  `nominees_decide` runs in one common.events.collected() block, so a bulk decision schedules one
  recompute per regency;
- registrations.notices: returned, rejected, refused by BPJS or ended → a notice to the village's
  officers with the reason, so the village knows it may fix or replace the person.
(A village's "kirim ke kabupaten" notifies the regency's reviewers once per list, in
services.village_list_submit, not once per nominee.)

Rules that live here and nowhere else:
- two steps by default: a reviewer or approver verifies, an approver approves, and the approver may
  not be the person who verified (four eyes); a regency set to one step approves from "submitted";
- return and reject need a reason from enums.ReviewReason ("Lainnya" needs the text), reopen and a
  BPJS refusal need a text, ending needs an enums.EndReason;
- a continuing programme's village confirmation (registrations.continuation) ends the previous
  programme's memberships: the village officer of the member's village, only from a member's
  states (enums.CONTINUABLE_STATES), with an enums.EndReason ("continued" or why they leave), and
  only through `nominees_end_for_continuation` (Action.CONFIRM_CONTINUATION);
- approved data is locked (only draft and returned are editable, permissions.can_edit_nominee);
  `Action.REOPEN` sends an approved or rejected nominee back to the queue, with a reason.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, DateTimeField, IntegerField, TextChoices, Value
from django.utils import timezone
from lokal.samaran import mask_pii

from accounts.enums import APPROVE_ROLES, BPJS_ROLES, DECISION_ROLES, OFFICE_ROLES
from accounts.scope import region_scope
from accounts.system import is_system_account
from common import events as announcements
from common.database import update_rows
from common.events import ChangeKind
from common.formatting import format_date, format_datetime
from villages.enums import ApprovalSteps
from villages.models import Village

from .enums import ACTIVE_STATES, CONTINUABLE_STATES, INACTIVE_STATES, Action, EndReason, ReviewReason
from .enums import NomineeStatus as S
from .models import Nominee, NomineeEvent
from .permissions import can_keep_nominee, nominee_scope

_IDENTIFIERS_IN_REASONS = ("NIK", "KK", "PHONE", "EMAIL")


class TransitionError(Exception):
    """The change is impossible or not the actor's to make; the message is for the user. `summary`
    is the same words without the person's name, who decided or when, so that a decision job can
    count its refusals by reason ("12 calon: …"); it is the message itself when that names nobody."""

    def __init__(self, message: str, *, summary: str = "") -> None:
        super().__init__(message)
        self.summary = summary or message


NOT_FOUND = "Calon peserta tidak ditemukan."
BULK_SIZE = 500  # rows per statement of a bulk move (a BPJS batch)
ALREADY_IN_THIS_CHANGE = "Calon peserta ini muncul lebih dari sekali; hanya yang pertama dicatat."


# --- Who may move a nominee ------------------------------------------------------------------------

def _in_regency(user, nominee) -> bool:
    return nominee.village.subdistrict.regency_id in region_scope(user).regency_ids


def _role_in(roles: frozenset) -> Callable:
    def allowed(user, nominee) -> bool:
        return user.is_authenticated and user.role in roles and _in_regency(user, nominee)
    return allowed


def _village_officer(user, nominee) -> bool:
    """The officer who keeps the nominee's list: the village's, or the nominating body's."""
    return can_keep_nominee(user, nominee)


def _one_step_approval(user, nominee) -> bool:
    return (_role_in(DECISION_ROLES)(user, nominee)
            and _approval_steps(nominee) == ApprovalSteps.ONE)


def _approval_steps(nominee) -> int:
    regency_settings = getattr(nominee.village.subdistrict.regency, "settings", None)
    return regency_settings.approval_steps if regency_settings else ApprovalSteps.TWO


@dataclass(frozen=True)
class Rule:
    allowed: Callable  # (user, nominee) -> bool
    reasons: type[TextChoices] | None = None  # a code from this list is required
    text_required: bool = False  # a free text is required (always, or with the code "other")


_review, _approve, _office, _bpjs = (_role_in(DECISION_ROLES), _role_in(APPROVE_ROLES), _role_in(OFFICE_ROLES),
                                     _role_in(BPJS_ROLES))
_return_or_reject = Rule(_review, reasons=ReviewReason)
# A payment-driven move: BPJS's officers (and the office) with the branch's list, or the system
# account's daily update (accounts.services.system_account), which acts in every regency.
_payment = Rule(lambda user, nominee: is_system_account(user) or _bpjs(user, nominee))
_end = Rule(_office, reasons=EndReason)

TRANSITIONS: dict[tuple[str, str], Rule] = {
    # The village sends its list (again, after corrections).
    (S.DRAFT, S.SUBMITTED): Rule(_village_officer),
    (S.RETURNED, S.SUBMITTED): Rule(_village_officer),
    # The regency reviews.
    (S.SUBMITTED, S.VERIFIED): Rule(_review),
    (S.SUBMITTED, S.RETURNED): _return_or_reject,
    (S.SUBMITTED, S.REJECTED): _return_or_reject,
    (S.SUBMITTED, S.APPROVED): Rule(_one_step_approval),
    (S.VERIFIED, S.APPROVED): Rule(_approve),  # and not the verifier: see four_eyes_refusal
    (S.VERIFIED, S.RETURNED): _return_or_reject,
    (S.VERIFIED, S.REJECTED): _return_or_reject,
    # Reopen: a decision taken by mistake goes back to the queue.
    (S.APPROVED, S.SUBMITTED): Rule(_approve, text_required=True),
    (S.REJECTED, S.SUBMITTED): Rule(_approve, text_required=True),
    # BPJS: the export batch, then the branch's answer.
    (S.APPROVED, S.SENT_TO_BPJS): Rule(_office),
    (S.SENT_TO_BPJS, S.REGISTERED): Rule(_bpjs),
    (S.SENT_TO_BPJS, S.REFUSED_BY_BPJS): Rule(_bpjs, text_required=True),
    # Membership follows payment (DOMAIN.md §9): the daily update (membership.services, the system
    # account) and BPJS's participant file (a BPJS officer or the office) move members between
    # active, arrears (paid period over) and lapsed (unpaid beyond the grace period), and back on
    # payment.
    (S.REGISTERED, S.ACTIVE): _payment,
    (S.REGISTERED, S.ARREARS): _payment,
    (S.REGISTERED, S.LAPSED): _payment,
    (S.ACTIVE, S.ARREARS): _payment,
    (S.ACTIVE, S.LAPSED): _payment,
    (S.ARREARS, S.ACTIVE): _payment,
    (S.ARREARS, S.LAPSED): _payment,
    (S.LAPSED, S.ACTIVE): _payment,
    (S.REGISTERED, S.ENDED): _end,
    (S.ACTIVE, S.ENDED): _end,
    (S.ARREARS, S.ENDED): _end,
    (S.LAPSED, S.ENDED): _end,
}

# The status each action leads to; the nominee's current status picks the row of TRANSITIONS.
ACTION_TARGETS: dict[str, str] = {
    Action.SUBMIT: S.SUBMITTED,
    Action.VERIFY: S.VERIFIED,
    Action.APPROVE: S.APPROVED,
    Action.RETURN: S.RETURNED,
    Action.REJECT: S.REJECTED,
    Action.REOPEN: S.SUBMITTED,
    Action.SEND_TO_BPJS: S.SENT_TO_BPJS,
    Action.REGISTER: S.REGISTERED,
    Action.REFUSE_BY_BPJS: S.REFUSED_BY_BPJS,
    Action.ACTIVATE: S.ACTIVE,
    Action.FALL_INTO_ARREARS: S.ARREARS,
    Action.LAPSE: S.LAPSED,
    Action.END: S.ENDED,
    Action.CONFIRM_CONTINUATION: S.ENDED,
}
# The village's confirmation of a continuing programme: its own rule, not the office's `_end`.
_CONTINUATION_END = Rule(_village_officer, reasons=EndReason)
# The decisions the review pages offer, in the order the buttons appear.
REVIEW_ACTIONS = (Action.VERIFY, Action.APPROVE, Action.RETURN, Action.REJECT, Action.REOPEN)
# What _bulk_transition may do: a list sent by its village or nominating body, the review decisions
# (a selection, a whole village, a job), the BPJS steps, which move a batch or an answer file at
# once, the payment moves (the daily membership update, BPJS's participant file) and the village's
# confirmation of a continuation.
PAYMENT_ACTIONS = frozenset({Action.ACTIVATE, Action.FALL_INTO_ARREARS, Action.LAPSE})
BULK_ACTIONS = frozenset({Action.SUBMIT, *REVIEW_ACTIONS, Action.SEND_TO_BPJS, Action.REGISTER, Action.REFUSE_BY_BPJS,
                          *PAYMENT_ACTIONS, Action.CONFIRM_CONTINUATION})


def rule_for(action: str, from_status: str) -> Rule | None:
    if action == Action.SUBMIT and from_status not in (S.DRAFT, S.RETURNED):
        return None
    if action == Action.REOPEN and from_status not in (S.APPROVED, S.REJECTED):
        return None
    if action == Action.CONFIRM_CONTINUATION:
        return _CONTINUATION_END if from_status in CONTINUABLE_STATES else None
    return TRANSITIONS.get((from_status, ACTION_TARGETS[action]))


def can_act(user, nominee: Nominee, action: str) -> bool:
    """Would `action` be allowed for `user` on the nominee as it stands (buttons on the pages)?
    The nominee needs village__subdistrict__regency__settings loaded to avoid queries; approving a
    verified nominee costs one more (who verified it: the four-eyes rule)."""
    rule = rule_for(action, nominee.status)
    if rule is None or not rule.allowed(user, nominee):
        return False
    return not (action == Action.APPROVE and four_eyes_refusal(nominee, user))


def available_actions(user, nominee: Nominee) -> list[str]:
    return [action for action in REVIEW_ACTIONS if can_act(user, nominee, action)]


# --- The one place a status changes -----------------------------------------------------------------

@functools.lru_cache(maxsize=256)  # a bulk decision checks the same reason for every nominee
def _check_reason(rule: Rule, reason_code: str, reason: str) -> str:
    """Validates the reason and returns the text kept on the nominee (label, then the free text).
    The text goes to the village, notices and exports: a NIK, KK, phone number or e-mail address
    typed into it is kept masked (1705********0002)."""
    reason = mask_pii(reason.strip(), mode="partial", types=_IDENTIFIERS_IN_REASONS).text
    if rule.reasons is not None:
        if reason_code not in rule.reasons.values:
            raise TransitionError("Pilih alasan dari daftar.")
        if reason_code == "other" and not reason:
            raise TransitionError("Tuliskan alasannya bila memilih 'Lainnya'.")
        label = str(rule.reasons(reason_code).label)
        return f"{label}: {reason}" if reason and reason_code != "other" else (reason or label)
    if reason_code:
        raise TransitionError("Langkah ini tidak memakai daftar alasan.")
    if rule.text_required and not reason:
        raise TransitionError("Tuliskan alasannya.")
    return reason


def _who_and_when(nominee: Nominee, *, decided: dict[int, str] | None = None) -> str:
    """" oleh Sri Wahyuni pada 25-11-2026 10:02": who made the nominee's latest change, and when.
    `decided` is `_who_and_when_many` of a bulk change's nominees; without it, one query."""
    return (_who_and_when_many([nominee.pk]) if decided is None else decided).get(nominee.pk, "")


def _who_and_when_many(pks) -> dict[int, str]:
    """pk → `_who_and_when`'s text for many nominees, in one query."""
    if not pks:
        return {}
    latest = {}
    for event in (NomineeEvent.objects.filter(nominee_id__in=list(pks)).select_related("actor")
                  .order_by("nominee_id", "created_at", "pk")):
        latest[event.nominee_id] = event  # the latest wins
    return {pk: f" oleh {event.actor.get_full_name() or event.actor.username} pada "
                f"{format_datetime(timezone.localtime(event.created_at))}" for pk, event in latest.items()}


def last_verifiers(nominees) -> dict[int, object]:
    """pk → who verified each verified nominee last (the actor of its latest "verified" event):
    the person the four-eyes rule keeps from approving it. One query for any number of nominees."""
    verified = [n.pk for n in nominees if n.status == S.VERIFIED]
    if not verified:
        return {}
    events = (NomineeEvent.objects.filter(nominee_id__in=verified, to_status=S.VERIFIED)
              .select_related("actor").order_by("nominee_id", "created_at", "pk"))
    return {event.nominee_id: event.actor for event in events}  # the latest wins


def four_eyes_refusal(nominee: Nominee, actor, *, verifiers: dict[int, object] | None = None) -> str:
    """The four-eyes rule, the one place it is decided: the approver may not be the person who
    verified. Returns why `actor` may not approve `nominee` ("" when they may): they are the last
    verifier of a verified nominee. The transition check (`_check_move`, so every single and bulk
    decision), the buttons (`can_act`) and the village review page all ask it. `verifiers` is
    `last_verifiers` of the page's nominees, so a page asks once for all; without it, a verified
    nominee costs one query."""
    if nominee.status != S.VERIFIED:
        return ""
    verifier = (last_verifiers([nominee]) if verifiers is None else verifiers).get(nominee.pk)
    if verifier is None or verifier.pk != actor.pk:
        return ""
    return f"{nominee.full_name}: Anda yang memverifikasi calon ini; persetujuan harus oleh penyetuju lain."


SOLE_APPROVER_VERIFIED = ("Calon ini diverifikasi oleh satu-satunya penyetuju; perlu penyetuju lain atau ubah ke "
                          "satu langkah.")
NO_APPROVER = ("Calon ini sudah diverifikasi, tetapi kabupaten/kota ini belum punya penyetuju; perlu akun penyetuju "
               "atau ubah ke satu langkah.")


def approval_blocked(nominee: Nominee, *, shortfall, verifiers: dict[int, object] | None = None) -> str:
    """Why nobody can approve this verified nominee ("" when someone can): four eyes keeps its
    verifier from approving it, and the regency's approval is short of people
    (`shortfall`: accounts.selectors.approval_shortfall of its regency) — its only approver
    verified it, or there is no approver at all. The nominee page and the village review page say
    it beside the person; `verifiers` as for `four_eyes_refusal`."""
    if shortfall is None or nominee.status != S.VERIFIED:
        return ""
    if shortfall.approver is None:
        return NO_APPROVER
    verifier = (last_verifiers([nominee]) if verifiers is None else verifiers).get(nominee.pk)
    return SOLE_APPROVER_VERIFIED if verifier is not None and verifier.pk == shortfall.approver.pk else ""


def _transition(*, nominee_pk: int, action: str, actor, reason_code: str = "", reason: str = "",
                seen_status: str | None = None, fields: dict | None = None) -> Nominee:
    to = ACTION_TARGETS[action]
    with transaction.atomic():
        try:
            # Only nominees in the actor's regions: the messages below name the person and who
            # decided, so someone else's nominee gets the same answer as a missing one.
            nominee = (Nominee.objects.filter(nominee_scope(actor))
                       .select_for_update(of=("self",))
                       .select_related("village__subdistrict__regency__settings").get(pk=nominee_pk))
        except Nominee.DoesNotExist:
            raise TransitionError(NOT_FOUND) from None
        text = _check_move(nominee, action=action, actor=actor, seen_status=seen_status,
                           reason_code=reason_code, reason=reason)
        try:
            with transaction.atomic():
                _write_status(nominee, to=to, actor=actor, reason=text, reason_code=reason_code,
                              fields=fields or {})
        except IntegrityError:
            # Reopening a rejected nominee whose NIK has since been nominated again elsewhere.
            raise _reopen_refusal(nominee) from None
        announcements.announce_on_commit(ChangeKind.STATUS, nominee.village.subdistrict.regency_id,
                                         nominee_ids=[nominee.pk], statuses=[to])
    return nominee


def _check_move(nominee: Nominee, *, action: str, actor, seen_status: str | None, reason_code: str = "",
                reason: str = "", verifiers: dict[int, object] | None = None,
                decided: dict[int, str] | None = None) -> str:
    """Every check of a move on a locked nominee: the status the person saw, the table, the
    permission, four eyes, the reason. Returns the reason text to store; raises TransitionError
    with the message for the person. A bulk change passes what it read for all its nominees at
    once (`verifiers`: `last_verifiers`; `decided`: `_who_and_when_many` of those `_needs_who_and_when`),
    so a check costs no query."""
    to = ACTION_TARGETS[action]
    if seen_status is not None and nominee.status != seen_status:
        raise TransitionError(
            f"{nominee.full_name} sudah diputuskan{_who_and_when(nominee, decided=decided)}: "
            f"status sekarang '{S(nominee.status).label}'. Muat ulang halaman.",
            summary=f"sudah diputuskan: status sekarang '{S(nominee.status).label}'. Muat ulang halaman.",
        )
    rule = rule_for(action, nominee.status)
    if rule is None:
        if nominee.status == to:
            raise TransitionError(
                f"{nominee.full_name} sudah diputuskan{_who_and_when(nominee, decided=decided)}: "
                f"status '{S(to).label}'.",
                summary=f"sudah diputuskan: status '{S(to).label}'.",
            )
        cannot = f"status '{S(nominee.status).label}' tidak bisa diubah menjadi '{S(to).label}'."
        raise TransitionError(f"{nominee.full_name}: {cannot}", summary=cannot)
    if not rule.allowed(actor, nominee):
        if (nominee.status, to) == (S.SUBMITTED, S.APPROVED) and _role_in(APPROVE_ROLES)(actor, nominee):
            two_steps = ("belum diverifikasi. Dinas ini memakai dua tahap: verifikator memverifikasi dulu, lalu "
                         "penyetuju menyetujui.")
            raise TransitionError(f"{nominee.full_name} {two_steps}", summary=two_steps)
        raise TransitionError(f"Anda tidak berwenang mengubah status {nominee.full_name}.",
                              summary="Anda tidak berwenang mengubah statusnya.")
    if to == S.APPROVED and (refusal := four_eyes_refusal(nominee, actor, verifiers=verifiers)):
        raise TransitionError(refusal, summary=refusal.removeprefix(f"{nominee.full_name}: "))
    return _check_reason(rule, reason_code, reason)


def _needs_who_and_when(nominee: Nominee, move: Move) -> bool:
    """Would `_check_move` name who decided this nominee (a status the person did not see, or the
    move already made)?"""
    return ((move.seen_status is not None and nominee.status != move.seen_status)
            or nominee.status == ACTION_TARGETS[move.action])


_NIK_AGAIN = "NIK ini sudah diusulkan lagi di tempat lain, jadi tidak bisa dibuka kembali."


def _reopen_refusal(nominee: Nominee) -> TransitionError:
    return TransitionError(f"{nominee.full_name}: {_NIK_AGAIN}", summary=_NIK_AGAIN)


@dataclass(frozen=True)
class Move:
    """One nominee's move in a bulk change: the action, the status the person saw, the reason, and
    the fields the step brings (the batch, the KPJ number…)."""

    nominee_pk: int
    action: str
    seen_status: str | None = None
    reason_code: str = ""
    reason: str = ""
    fields: dict = field(default_factory=dict)


# What every move writes, besides the fields its step brings.
_STATUS_FIELDS = ("status", "status_reason", "status_changed_at", "updated_at")
# What the checks read of a locked nominee in a bulk change (`_check_move`, the rules, four eyes,
# the reopen check): nothing else is loaded, so nothing is decrypted.
_CHECKED_FIELDS = ("id", "status", "full_name", "nik_hash", "village_id", "nominating_body_id")


def _bulk_transition(moves: list[Move], *, actor, all_or_nothing: bool = False) -> BulkResult:
    """Many moves in one transaction with bulk writes: the rows locked in one query (by pk, within
    the actor's regions), each move checked as a single one is (`_check_move`, with who verified
    and who decided read once for all), then the writes, whatever the number of moves: one UPDATE
    per BULK_SIZE rows (the same values for all: a plain UPDATE; values per row, as KPJ numbers:
    Django's bulk_update), the history rows copied from the updated rows (INSERT … SELECT), and the
    event rows (bulk_create). A move that fails its check is refused with its message and the
    others go ahead, or, with `all_or_nothing`, the first refusal is raised and nothing is written.
    Reopening a rejected nominee whose NIK is active again elsewhere is refused as `_transition`
    refuses it. Side effects as `_transition`'s, after commit: one announcement for the change
    (the coverage recompute, the village notices)."""
    if any(move.action not in BULK_ACTIONS for move in moves):
        raise TransitionError("Tindakan ini tidak bisa dilakukan sekaligus.")
    result = BulkResult()
    with transaction.atomic():
        locked = _lock_for_moves({move.nominee_pk for move in moves}, actor=actor)
        wanted = [(move, locked.get(move.nominee_pk)) for move in moves]
        verifiers = (last_verifiers(locked.values())
                     if any(ACTION_TARGETS[move.action] == S.APPROVED for move in moves) else {})
        decided = _who_and_when_many({nominee.pk for move, nominee in wanted
                                      if nominee is not None and _needs_who_and_when(nominee, move)})
        taken = _nik_hashes_active_elsewhere([nominee for move, nominee in wanted if nominee is not None
                                              and _reactivates(nominee, move)])
        changed_at = timezone.now()
        events, fields, moved = [], set(), set()
        for move, nominee in wanted:
            try:
                if nominee is None or move.nominee_pk in moved:
                    raise TransitionError(ALREADY_IN_THIS_CHANGE if move.nominee_pk in moved else NOT_FOUND)
                moved.add(move.nominee_pk)
                text = _check_move(nominee, action=move.action, actor=actor, seen_status=move.seen_status,
                                   reason_code=move.reason_code, reason=move.reason, verifiers=verifiers,
                                   decided=decided)
                if _reactivates(nominee, move):
                    if nominee.nik_hash in taken:
                        raise _reopen_refusal(nominee)
                    taken.add(nominee.nik_hash)  # a second nominee of the same NIK in this change
            except TransitionError as error:
                if all_or_nothing:
                    raise
                result.refused.append((move.nominee_pk, str(error)))
                result.summaries.append(error.summary)
                continue
            to = ACTION_TARGETS[move.action]
            events.append(NomineeEvent(nominee=nominee, actor=actor, from_status=nominee.status, to_status=to,
                                       reason=text, reason_code=move.reason_code))
            nominee.status, nominee.status_reason = to, text
            nominee.status_changed_at = nominee.updated_at = changed_at
            for name, value in move.fields.items():
                setattr(nominee, name, value)
            fields.update(move.fields)
            result.changed.append(nominee)
        if not result.changed:
            return result
        _write_moves(result.changed, [*_STATUS_FIELDS, *sorted(fields)], actor=actor, at=changed_at)
        NomineeEvent.objects.bulk_create(events, batch_size=BULK_SIZE)
        by_regency: dict[int, list[int]] = {}
        for nominee in result.changed:
            by_regency.setdefault(nominee.village.subdistrict.regency_id, []).append(nominee.pk)
        statuses = {nominee.status for nominee in result.changed}
        with announcements.collected():  # one announcement for the whole change
            for regency_id, nominee_ids in sorted(by_regency.items()):
                announcements.announce_on_commit(ChangeKind.STATUS, regency_id, nominee_ids=nominee_ids,
                                                 statuses=statuses)
    return result


def _lock_for_moves(pks: set[int], *, actor) -> dict[int, Nominee]:
    """pk → the nominee, locked (FOR UPDATE), of those within the actor's regions, with what the
    checks read: its village, subdistrict, regency and regency settings, read once per village
    (two queries), not once per nominee."""
    nominees = list(Nominee.objects.filter(nominee_scope(actor))
                    .select_for_update(of=("self",)).only(*_CHECKED_FIELDS).filter(pk__in=pks).order_by("pk"))
    villages = Village.objects.select_related("subdistrict__regency__settings").in_bulk(
        {nominee.village_id for nominee in nominees})
    for nominee in nominees:
        nominee.village = villages[nominee.village_id]
    return {nominee.pk: nominee for nominee in nominees}


def _reactivates(nominee: Nominee, move: Move) -> bool:
    """Does the move bring an inactive nominee (rejected) back among the active ones, where its NIK
    may have been nominated again meanwhile (the one-active-nomination index)?"""
    return nominee.status in INACTIVE_STATES and ACTION_TARGETS[move.action] in ACTIVE_STATES


def _nik_hashes_active_elsewhere(nominees: list[Nominee]) -> set[str]:
    """The NIK hashes of `nominees` that another active nomination holds now (one query)."""
    if not nominees:
        return set()
    return set(Nominee.objects.filter(nik_hash__in={n.nik_hash for n in nominees}, status__in=sorted(ACTIVE_STATES))
               .exclude(pk__in=[n.pk for n in nominees]).values_list("nik_hash", flat=True))


def _write_moves(nominees: list[Nominee], fields: list[str], *, actor, at) -> None:
    """The UPDATE of the moved rows and their history rows, BULK_SIZE rows per statement. When every
    row gets the same values (a decision, a batch), a plain UPDATE … WHERE id IN; otherwise (the
    KPJ numbers of an answer file) one UPDATE … FROM VALUES (common.database.update_rows). The
    history rows (django-simple-history's table, "~", the actor, `at`) are copied from the rows as
    updated, as the library would write them, without building an instance per row."""
    values = {name: getattr(nominees[0], name) for name in fields}
    same = all(getattr(nominee, name) == value for nominee in nominees for name, value in values.items())
    for start in range(0, len(nominees), BULK_SIZE):
        batch = nominees[start:start + BULK_SIZE]
        pks = [nominee.pk for nominee in batch]
        if same:
            Nominee.objects.filter(pk__in=pks).update(**values)
        else:
            update_rows(Nominee, batch, fields)
        _history_rows_insert(pks, actor=actor, at=at)


# History's own columns, which a copied row does not have.
_HISTORY_OWN = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")


def _history_rows_insert(pks: list[int], *, actor, at, history_type: str = "~") -> None:
    """INSERT … SELECT of the nominees' history rows ("~" changed, or "+" created: the continued
    nominations, by `actor`, at `at`): portable SQL built by the ORM, so it runs on SQLite (the
    demo) as on PostgreSQL."""
    history = Nominee.history.model
    copied = [f.attname for f in history._meta.concrete_fields if f.column not in _HISTORY_OWN]
    rows = (Nominee.objects.filter(pk__in=pks).order_by()
            .annotate(_history_date=Value(at, output_field=DateTimeField()),
                      _history_type=Value(history_type, output_field=CharField()),
                      _history_user_id=Value(actor.pk, output_field=IntegerField()))
            .values_list(*copied, "_history_date", "_history_type", "_history_user_id"))
    select, params = rows.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(history._meta.get_field(name).column) for name in copied)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} "
                       f"({columns}, history_date, history_type, history_user_id) {select}", params)


def _write_status(nominee: Nominee, *, to: str, actor, reason: str, reason_code: str = "",
                  fields: dict | None = None) -> None:
    """Saves the new status (and the fields the step brings, e.g. the KPJ number) and its event row;
    the caller holds the row lock."""
    from_status = nominee.status
    nominee.status = to
    nominee.status_reason = reason
    nominee.status_changed_at = timezone.now()
    for name, value in (fields or {}).items():
        setattr(nominee, name, value)
    nominee._history_user = actor
    nominee.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at", *(fields or {})])
    NomineeEvent.objects.create(nominee=nominee, actor=actor, from_status=from_status, to_status=to,
                                reason=reason, reason_code=reason_code)


# --- Public functions -------------------------------------------------------------------------------

def nominee_submit(*, nominee: Nominee, actor) -> Nominee:
    """Draft or returned → submitted, one nominee."""
    return _transition(nominee_pk=nominee.pk, action=Action.SUBMIT, actor=actor)


def nominees_submit(*, nominee_pks: Iterable[int], actor) -> list[Nominee]:
    """Draft or returned → submitted for a whole list at once (a village's list,
    services.village_list_submit; a nominating body's, body_services.body_list_submit), each
    nominee checked as `nominee_submit` checks it, with bulk writes (`_bulk_transition`): a constant
    number of statements whatever the list's length. All or nothing: a nominee that cannot be sent
    (changed or removed since the list was read) raises TransitionError and nothing is written."""
    moves = [Move(nominee_pk=pk, action=Action.SUBMIT) for pk in nominee_pks]
    return _bulk_transition(moves, actor=actor, all_or_nothing=True).changed


def nominee_decide(*, nominee: Nominee, action: str, actor, reason_code: str = "", reason: str = "",
                   seen_status: str | None = None) -> Nominee:
    """One decision on one nominee (the nominee page, the admin, nominees_decide). `seen_status`
    is the status the person saw: if someone else changed it meanwhile, the decision is refused
    with who and when. Raises TransitionError with a message for the user; a nominee outside the
    actor's regions gets the same "tidak ditemukan" as a missing one."""
    if action not in ACTION_TARGETS:
        raise TransitionError("Tindakan tidak dikenal.")
    if action == Action.REGISTER:
        raise TransitionError("Pendaftaran di BPJS dicatat bersama nomor KPJ dan tanggal kepesertaannya.")
    if action == Action.SEND_TO_BPJS:  # the file and the batch number go with it: services.export_batch_create
        raise TransitionError("Calon dikirim ke BPJS hanya lewat batch kirim BPJS.")
    if action == Action.CONFIRM_CONTINUATION:  # the new nominations go with it: continuation.py
        raise TransitionError("Kelanjutan peserta dikonfirmasi hanya lewat halaman konfirmasi desa.")
    return _transition(nominee_pk=nominee.pk, action=action, actor=actor, reason_code=reason_code,
                       reason=reason, seen_status=seen_status)


def nominees_send_to_bpjs(*, nominee_pks: Iterable[int], actor, batch) -> list[Nominee]:
    """Approved → sent to BPJS, for every row of `batch` (an ExportBatch the export service is
    making in the same transaction) at once, with bulk writes (`_bulk_transition`). All or nothing:
    a nominee that cannot be sent (decided elsewhere since, out of the actor's regions) raises
    TransitionError and nothing is written, so the batch rolls back with it."""
    moves = [Move(nominee_pk=pk, action=Action.SEND_TO_BPJS, seen_status=S.APPROVED, reason=f"Batch {batch.number}",
                  fields={"export_batch": batch}) for pk in nominee_pks]
    return _bulk_transition(moves, actor=actor, all_or_nothing=True).changed


def register_move(*, nominee_pk: int, kpj_number: str, registered_on, paid_until=None,
                  seen_status: str | None = None) -> Move:
    """Sent to BPJS → registered, with the branch's answer: the KPJ number (kept as text), the
    membership date, which decides whether an official coverage figure already counts the worker,
    and, when the branch gives it, the date premiums are paid up to ("masa iur s.d."). Raises
    TransitionError for a KPJ that is not digits or a paid-up date before the membership."""
    kpj_number = kpj_number.strip()
    if not kpj_number.isdigit():
        raise TransitionError(f"Nomor KPJ '{kpj_number}' harus berupa angka.")
    if problem := paid_until_problem(registered_on=registered_on, paid_until=paid_until):
        raise TransitionError(problem)
    paid = f", iuran s.d. {format_date(paid_until)}" if paid_until else ""
    return Move(nominee_pk=nominee_pk, action=Action.REGISTER, seen_status=seen_status,
                reason=f"KPJ {kpj_number}, peserta sejak {format_date(registered_on)}{paid}",
                fields={"kpj_number": kpj_number, "registered_on": registered_on, "paid_until": paid_until})


def refuse_move(*, nominee_pk: int, reason: str, seen_status: str | None = None) -> Move:
    """Sent to BPJS → refused by BPJS, with the branch's reason (the village is told it)."""
    return Move(nominee_pk=nominee_pk, action=Action.REFUSE_BY_BPJS, seen_status=seen_status, reason=reason)


def nominees_record_bpjs_answers(*, moves: Iterable[Move], actor) -> BulkResult:
    """A BPJS answer file's rows (`register_move`, `refuse_move`), recorded at once with bulk writes
    (`_bulk_transition`). A row whose nominee moved meanwhile is refused with its message and the
    others are recorded; refused-by-BPJS rows notify their village after commit."""
    moves = list(moves)
    if any(move.action not in (Action.REGISTER, Action.REFUSE_BY_BPJS) for move in moves):
        raise TransitionError("Jawaban BPJS hanya mencatat terdaftar atau ditolak BPJS.")
    return _bulk_transition(moves, actor=actor)


def nominee_register(*, nominee: Nominee, actor, kpj_number: str, registered_on, seen_status: str | None = None,
                     paid_until=None) -> Nominee:
    """One nominee registered with BPJS (`register_move`'s answer), e.g. from the admin."""
    move = register_move(nominee_pk=nominee.pk, kpj_number=kpj_number, registered_on=registered_on,
                         paid_until=paid_until, seen_status=seen_status)
    return _transition(nominee_pk=move.nominee_pk, action=move.action, actor=actor, seen_status=move.seen_status,
                       reason=move.reason, fields=move.fields)


def continuation_move(*, nominee_pk: int, seen_status: str, reason_code: str, reason: str = "") -> Move:
    """A previous programme's member, as the village confirms a continuation: ended because they
    continue in the new programme (EndReason.CONTINUED, `reason` naming it) or because they leave
    (the EndReason the village chose)."""
    return Move(nominee_pk=nominee_pk, action=Action.CONFIRM_CONTINUATION, seen_status=seen_status,
                reason_code=reason_code, reason=reason)


def nominees_end_for_continuation(*, moves: Iterable[Move], actor) -> list[Nominee]:
    """The previous programme's memberships the village confirmed (`continuation_move`), ended at
    once with bulk writes (`_bulk_transition`). All or nothing: a member moved meanwhile raises
    TransitionError and nothing is written, so the continuation (registrations.continuation, which
    creates the continuing nominations in the same transaction) rolls back with it."""
    moves = list(moves)
    if any(move.action != Action.CONFIRM_CONTINUATION for move in moves):
        raise TransitionError("Konfirmasi kelanjutan hanya mengakhiri kepesertaan program sebelumnya.")
    return _bulk_transition(moves, actor=actor, all_or_nothing=True).changed


def paid_until_problem(*, registered_on, paid_until) -> str:
    """Why a "masa iur s.d." cannot go with this membership date ("" when it can): premiums are
    paid from the membership date on, so the paid-up date cannot come before it. The BPJS answer's
    preview asks the same question, so the officer sees the row refused before confirming."""
    if paid_until is not None and registered_on is not None and paid_until < registered_on:
        return (f"Masa iur s.d. {format_date(paid_until)} sebelum tanggal kepesertaan "
                f"{format_date(registered_on)}; periksa kembali tanggalnya.")
    return ""


@dataclass
class BulkResult:
    changed: list[Nominee] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (pk, why)
    summaries: list[str] = field(default_factory=list)  # each refusal's why without the name (TransitionError.summary)


def nominees_decide(*, nominee_pks: Iterable[int], action: str, actor, reason_code: str = "",
                    reason: str = "", seen: dict[int, str] | None = None) -> BulkResult:
    """The same decision on many nominees (a selection, a whole village, a chunk of a decision
    job). Each nominee is checked as a single decision is, with the same messages; the moves are
    written in bulk (`_bulk_transition`), BULK_SIZE nominees per transaction, so one refusal does
    not undo the others and the row locks are held for one chunk only. The result says which
    changed and why each refused one could not. `seen` maps pk → the status shown. Announced once
    for the whole call (common.events.collected): one coverage recompute per regency."""
    if action not in REVIEW_ACTIONS:
        raise TransitionError("Tindakan tidak dikenal.")
    result = BulkResult()
    seen = seen or {}
    moves = [Move(nominee_pk=pk, action=action, seen_status=seen.get(pk), reason_code=reason_code, reason=reason)
             for pk in nominee_pks]
    with announcements.collected():  # one coverage recompute per regency, not one per chunk
        for start in range(0, len(moves), BULK_SIZE):
            chunk = _bulk_transition(moves[start:start + BULK_SIZE], actor=actor)
            result.changed += chunk.changed
            result.refused += chunk.refused
            result.summaries += chunk.summaries
    return result


def payment_move(*, nominee_pk: int, to_status: str, reason: str, seen_status: str | None = None,
                 fields: dict | None = None) -> Move:
    """A member's move that follows payment (DOMAIN.md §9): to active, arrears or lapsed, with the
    words saying why (the paid-up date, the months unpaid) and the fields the step brings (the new
    "masa iur s.d." from BPJS's participant file)."""
    action = {S.ACTIVE: Action.ACTIVATE, S.ARREARS: Action.FALL_INTO_ARREARS, S.LAPSED: Action.LAPSE}[to_status]
    return Move(nominee_pk=nominee_pk, action=action, seen_status=seen_status, reason=reason, fields=fields or {})


def nominees_follow_payment(*, moves: Iterable[Move], actor) -> BulkResult:
    """Members moved by their payment at once (`payment_move`s of the daily update, by the system
    account, or of BPJS's participant file, by a BPJS officer or the office), with bulk writes
    (`_bulk_transition`), BULK_SIZE per transaction. Announced once for the whole call
    (common.events.collected): one coverage recompute per regency touched."""
    moves = list(moves)
    if any(move.action not in PAYMENT_ACTIONS for move in moves):
        raise TransitionError("Pembayaran hanya mengubah status menjadi aktif, menunggak atau tidak aktif.")
    result = BulkResult()
    with announcements.collected():
        for start in range(0, len(moves), BULK_SIZE):
            chunk = _bulk_transition(moves[start:start + BULK_SIZE], actor=actor)
            result.changed += chunk.changed
            result.refused += chunk.refused
            result.summaries += chunk.summaries
    return result


def nominees_paid_until_record(*, paid_until: dict[int, object], actor) -> None:
    """BPJS's new "masa iur s.d." for members whose status stays as it is (a move carries its date
    in `payment_move`'s fields instead): not a status change, so no event row, but the history
    rows say who recorded it. One UPDATE and one history INSERT per BULK_SIZE members."""
    at = timezone.now()
    rows = [Nominee(pk=pk, paid_until=day, updated_at=at) for pk, day in sorted(paid_until.items())]
    with transaction.atomic():
        for start in range(0, len(rows), BULK_SIZE):
            batch = rows[start:start + BULK_SIZE]
            update_rows(Nominee, batch, ["paid_until", "updated_at"])
            _history_rows_insert([nominee.pk for nominee in batch], actor=actor, at=at)
