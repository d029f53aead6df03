"""Continuing a previous programme's members (DOMAIN.md §9): the one home of the continuation rule.

A later stage or year (`Programme.continues_from`, set by the regency admin on the programme form)
continues the earlier one's members without re-nomination. Each village confirms its list: who
continues, and who leaves with a reason (enums.LEAVING_REASONS). Confirming, in one transaction
under the same quota lock nominee_create takes (services._lock_quota):
- every confirmed member's previous nomination ends (workflow.nominees_end_for_continuation:
  EndReason.CONTINUED naming the new programme, or the leaving reason), which frees the NIK under
  the one-active-nomination index;
- each continuing member gets a nomination in the new programme, a copy of the previous one (the
  same person, identifiers still encrypted as they were, the same KPJ number, membership date and
  paid-until) in the same membership state (registered, active or in arrears: BPJS's membership
  goes on, only the funding programme changes; the next participant file moves it as for anyone),
  linked by `Nominee.continued_from` and with an event "dilanjutkan dari program …";
- the continuing members take places in the new programme's quota (they are in ACTIVE_STATES, so
  every quota count sees them); leavers take none, so the village may fill their places through
  the usual nomination.
Set-based: a fixed number of statements for any number of members. Once only: a member already
confirmed is no longer awaiting, and a second submit counts it as "already confirmed".

Who: the village officer of the village (permissions.can_edit_village_list), while the new
programme's nomination window is open. The budget this implies (continuing members and new places,
each with their premium) is `continuation_counts` here, priced by reports.planner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, DateTimeField, F, IntegerField, QuerySet, TextField, Value
from django.utils import timezone

from common import events
from common.events import ChangeKind
from villages.models import Village

from . import workflow
from .enums import CONTINUABLE_STATES, LEAVING_REASONS, EndReason
from .enums import NomineeStatus as S
from .models import Nominee, NomineeEvent, Programme
from .permissions import can_edit_village_list
from .quotas import QuotaLedger
from .services import _lock_quota, _window_closed_message, nomination_is_open

CONTINUE = "lanjut"
LEAVE = "berhenti"


# --- The programme's choice ---------------------------------------------------------------------

def continuation_source_problem(programme: Programme, source: Programme | None) -> str:
    """Why `programme` may not continue `source`'s members ("" when it may, or with no source):
    the same regency, an earlier programme (not itself, not one that continues it), and a
    programme no other continues already (its members can be carried over once). Asked by the
    programme form and programme_create / programme_update."""
    if source is None:
        return ""
    if source.regency_id != programme.regency_id:
        return "Program sebelumnya harus program kabupaten/kota yang sama."
    if programme.pk is not None and source.pk == programme.pk:
        return "Program tidak bisa melanjutkan pesertanya sendiri."
    if (source.year, source.stage, source.coverage_start) >= (programme.year, programme.stage,
                                                               programme.coverage_start):
        return f"{source} bukan program sebelumnya: pilih tahap atau tahun yang lebih awal."
    other = Programme.objects.filter(continues_from=source).exclude(pk=programme.pk).first()
    if other is not None:
        return f"Peserta {source} sudah dilanjutkan oleh {other}."
    return ""


def continuation_sources(programme: Programme | None, regency_id: int) -> QuerySet[Programme]:
    """The programmes the form offers: the regency's, newest first, without the programme itself."""
    programmes = Programme.objects.filter(regency_id=regency_id).order_by("-year", "-stage", "-coverage_start")
    return programmes.exclude(pk=programme.pk) if programme is not None and programme.pk else programmes


# --- Reads --------------------------------------------------------------------------------------

def members_awaiting(programme: Programme, village: Village) -> QuerySet[Nominee]:
    """The previous programme's members in the village the village has not confirmed yet
    (registered, active or in arrears), by name; empty when `programme` continues nobody."""
    if programme.continues_from_id is None:
        return Nominee.objects.none()
    return (Nominee.objects.filter(programme_id=programme.continues_from_id, village=village,
                                   status__in=sorted(CONTINUABLE_STATES))
            .order_by("full_name", "pk"))


def members_confirmed(programme: Programme, village: Village) -> list[Nominee]:
    """The previous programme's members in the village that ended (continued into `programme`, or
    left with their reason), with `continued_as` when they continue; one query."""
    if programme.continues_from_id is None:
        return []
    return list(Nominee.objects.filter(programme_id=programme.continues_from_id, village=village, status=S.ENDED)
                .select_related("continued_as").order_by("full_name", "pk"))


@dataclass(frozen=True)
class ContinuationCounts:
    """A continuing programme's members: confirmed continuing, and still awaiting their village."""

    continuing: int
    awaiting: int

    @property
    def expected(self) -> int:
        """The members the budget must count on: confirmed, plus those the villages have yet to
        confirm (until a village says someone leaves, the place is theirs)."""
        return self.continuing + self.awaiting


def continuation_counts(programme: Programme) -> ContinuationCounts:
    """How many members `programme` continues (confirmed) and how many its villages have still to
    confirm; two counts in one query each, none when it continues nobody."""
    if programme.continues_from_id is None:
        return ContinuationCounts(continuing=0, awaiting=0)
    continuing = Nominee.objects.filter(programme=programme, continued_from__isnull=False).count()
    awaiting = Nominee.objects.filter(programme_id=programme.continues_from_id,
                                      status__in=sorted(CONTINUABLE_STATES)).count()
    return ContinuationCounts(continuing=continuing, awaiting=awaiting)


def awaiting_by_village(programme: Programme, village_ids: Iterable[int]) -> dict[int, int]:
    """village id → members still awaiting its confirmation (villages with none left out); one query."""
    if programme.continues_from_id is None:
        return {}
    return dict(Nominee.objects.filter(programme_id=programme.continues_from_id, village__in=list(village_ids),
                                       status__in=sorted(CONTINUABLE_STATES))
                .values("village").annotate(n=Count("pk")).values_list("village", "n"))


# --- The village's confirmation -----------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    """One member's fate as the village chose it: continues, or leaves with an EndReason."""

    nominee_pk: int
    continues: bool
    seen_status: str
    reason_code: str = ""


@dataclass(frozen=True)
class ContinuationResult:
    continued: int
    left: int
    already: int  # chosen, but confirmed before (a second submit, another officer)


# Nominee columns a continuing nomination gets fresh; every other column is copied as stored.
_FRESH_COLUMNS = ("id", "programme_id", "status", "status_reason", "status_changed_at", "replaces_id",
                  "continued_from_id", "export_batch_id", "created_by_id", "created_at", "updated_at")


def village_continuation_confirm(*, programme: Programme, village: Village, actor, choices: Iterable[Choice],
                                 today: dt.date | None = None) -> ContinuationResult:
    """The village confirms who of the previous programme's members continue in `programme` and who
    leave (see the module docstring for what it writes). Who: the village's officer
    (PermissionDenied otherwise). Raises ValidationError when the programme continues nobody, the
    window is closed, a leaver has no reason from LEAVING_REASONS, or the continuing members do not
    fit the quota; TransitionError (workflow) when a member changed since the page was shown.
    Members already confirmed are skipped and counted. Side effects after commit: one coverage
    recompute for the regency."""
    if not can_edit_village_list(actor, village) or village.subdistrict.regency_id != programme.regency_id:
        raise PermissionDenied
    source = programme.continues_from
    if source is None:
        raise ValidationError(f"{programme} tidak melanjutkan peserta program lain.")
    if not nomination_is_open(programme, today):
        raise ValidationError(_window_closed_message(programme))
    choices = list({choice.nominee_pk: choice for choice in choices}.values())
    leaving_codes = {str(reason) for reason in LEAVING_REASONS}
    for choice in choices:
        if not choice.continues and choice.reason_code not in leaving_codes:
            raise ValidationError("Pilih alasan berhenti untuk setiap peserta yang tidak lanjut.")
    now = timezone.now()
    with transaction.atomic(), events.collected():
        _lock_quota(programme, village)
        awaiting = set(members_awaiting(programme, village).filter(pk__in=[c.nominee_pk for c in choices])
                       .select_for_update().values_list("pk", flat=True))
        chosen = [choice for choice in choices if choice.nominee_pk in awaiting]
        continuing = [choice for choice in chosen if choice.continues]
        ledger = QuotaLedger(programme, [village.pk])
        refusals = [refusal for _ in continuing if (refusal := ledger.take(village.pk))]
        if refusals:
            raise ValidationError(f"{len(refusals)} peserta lanjutan tidak muat. {refusals[0]}")
        moves = [workflow.continuation_move(
            nominee_pk=choice.nominee_pk, seen_status=choice.seen_status,
            reason_code=EndReason.CONTINUED if choice.continues else choice.reason_code,
            reason=str(programme) if choice.continues else "") for choice in chosen]
        ended = workflow.nominees_end_for_continuation(moves=moves, actor=actor) if moves else []
        previous = {nominee.pk: nominee for nominee in ended}
        continued_pks = _continuing_nominations_insert(
            programme=programme, source=source, actor=actor, now=now,
            by_status=_group_by_status([(c.nominee_pk, c.seen_status) for c in continuing], previous))
        if continued_pks:
            events.announce_on_commit(ChangeKind.NOMINATION, programme.regency_id, nominee_ids=continued_pks)
    return ContinuationResult(continued=len(continuing), left=len(chosen) - len(continuing),
                              already=len(choices) - len(chosen))


def _group_by_status(continuing: list[tuple[int, str]], previous: dict[int, Nominee]) -> dict[str, list[int]]:
    """status before ending → the previous nominations' pks (the status their continuation keeps);
    `seen_status` was checked against the locked row by the workflow, so it is the status it had."""
    by_status: dict[str, list[int]] = {}
    for pk, status in continuing:
        if pk in previous:
            by_status.setdefault(status, []).append(pk)
    return by_status


def _continuing_nominations_insert(*, programme: Programme, source: Programme, actor, now,
                                   by_status: dict[str, list[int]]) -> list[int]:
    """INSERT … SELECT of the continuing nominations from the previous ones (one statement per
    membership state, at most three), then their events (bulk) and history rows ("+"). Portable
    SQL built by the ORM, as workflow._history_rows_insert's."""
    copied = [f.column for f in Nominee._meta.concrete_fields if f.column not in _FRESH_COLUMNS]
    table = connection.ops.quote_name(Nominee._meta.db_table)
    created: list[tuple[int, int]] = []
    reason = f"Dilanjutkan dari program {source}"
    for status, pks in sorted(by_status.items()):
        rows = (Nominee.objects.filter(pk__in=pks).order_by("pk")
                .annotate(_programme=Value(programme.pk, output_field=IntegerField()),
                          _status=Value(status, output_field=TextField()),
                          _reason=Value(reason, output_field=TextField()),
                          _now=Value(now, output_field=DateTimeField()),
                          _from=F("pk"), _actor=Value(actor.pk, output_field=IntegerField()))
                .values_list(*copied, "_programme", "_status", "_reason", "_now", "_from", "_actor", "_now", "_now"))
        select, params = rows.query.sql_with_params()
        columns = ", ".join(connection.ops.quote_name(column) for column in
                            [*copied, "programme_id", "status", "status_reason", "status_changed_at",
                             "continued_from_id", "created_by_id", "created_at", "updated_at"])
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {select} RETURNING id, status", params)
            created += cursor.fetchall()
    if not created:
        return []
    NomineeEvent.objects.bulk_create(
        [NomineeEvent(nominee_id=pk, actor=actor, from_status="", to_status=status, reason=reason,
                      reason_code=EndReason.CONTINUED) for pk, status in created],
        batch_size=workflow.BULK_SIZE)
    pks = [pk for pk, _ in created]
    for start in range(0, len(pks), workflow.BULK_SIZE):
        workflow._history_rows_insert(pks[start:start + workflow.BULK_SIZE], actor=actor, at=now, history_type="+")
    return pks


def continued_in(programme: Programme, village: Village) -> QuerySet[Nominee]:
    """The village's nominations in `programme` that continue a previous one."""
    return Nominee.objects.filter(programme=programme, village=village, continued_from__isnull=False)

