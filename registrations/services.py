"""Writes on programmes and nominees (status changes are workflow.py's). Pages, the Excel import,
the management commands and the admin all call these; each checks its own permission."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from operator import itemgetter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from common import events
from common.events import ChangeKind
from common.formatting import format_date, format_period
from villages.models import Regency, Village
from villages.selectors import regency_settings_get

from . import notices, selectors, workflow
from .crypto import encrypt_many
from .enums import ACTIVE_STATES, INACTIVE_STATES, QuotaRule
from .enums import NomineeStatus as S
from .identifiers import mask_identifier
from .lookalikes import lookalike_keys
from .models import NominatingBody, Nominee, NomineeEvent, Programme, ProgrammeBody, VillageQuota, VillageSubmission
from .permissions import (
    can_edit_body_list,
    can_edit_nominee,
    can_edit_village_list,
    can_import_nominees,
    can_manage_programmes,
)
from .premiums import premium_per_month, rate_on
from .quotas import QuotaLedger, QuotaStanding, body_standing, places_taken, quota_standing
from .validation import active_nominations, duplicate_message, duplicate_text

logger = logging.getLogger(__name__)

# Nominee fields a village officer fills in (NomineeForm.Meta.fields); identifiers are set apart.
NOMINEE_FIELDS = [
    "full_name", "birth_place", "birth_date", "sex", "address", "rt", "rw", "postal_code", "email",
    "occupation", "monthly_income", "data_source", "decile", "mother_maiden_name",
]


# --- Programmes ---------------------------------------------------------------------------

@transaction.atomic
def programme_create(*, regency: Regency, created_by, **fields) -> Programme:
    """Creates a programme stage; the premium is computed from the rate in force at coverage start
    and kept. The implementing office defaults to the regency's settings."""
    if not can_manage_programmes(created_by, regency):
        raise PermissionDenied
    if not fields.get("implementing_office"):
        fields["implementing_office"] = regency_settings_get(regency).office_name
    programme = Programme(regency=regency, created_by=created_by, **fields)
    _check_continuation(programme)
    _set_premium(programme)
    programme._history_user = created_by
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, changed_by, **fields) -> Programme:
    if not can_manage_programmes(changed_by, programme.regency):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(programme, name, value)
    if not programme.implementing_office:  # the form allows it blank, as on create
        programme.implementing_office = regency_settings_get(programme.regency).office_name
    _check_continuation(programme)
    _set_premium(programme)
    programme._history_user = changed_by
    programme.full_clean()
    programme.save()
    return programme


def _check_continuation(programme: Programme) -> None:
    """The previous programme it continues must be one it may continue (continuation.py's rule)."""
    from .continuation import continuation_source_problem  # continuation.py builds on this module

    if problem := continuation_source_problem(programme, programme.continues_from):
        raise ValidationError({"continues_from": problem})


def _set_premium(programme: Programme) -> None:
    programme.premium_per_month = premium_per_month(
        rate=rate_on(programme.coverage_start), income_tier=programme.income_tier,
        includes_jht=programme.includes_jht,
    )


def nomination_is_open(programme: Programme, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return programme.nomination_opens <= today <= programme.nomination_closes


def _window_closed_message(programme: Programme) -> str:
    return (f"Pengusulan untuk {programme} dibuka "
            f"{format_period(programme.nomination_opens, programme.nomination_closes)}; hari ini di luar jadwal.")


# --- Nominees -----------------------------------------------------------------------------

def _lock_quota(programme: Programme, village: Village) -> None:
    """Serialises everyone taking a place in the same quota: the village row for a per-village
    quota, the programme row for a regency-wide one (PostgreSQL row locks)."""
    if programme.quota_rule == QuotaRule.PER_VILLAGE:
        Village.objects.select_for_update().filter(pk=village.pk).first()
    elif programme.quota_rule == QuotaRule.REGENCY_TOTAL:
        Programme.objects.select_for_update().filter(pk=programme.pk).first()


def _lock_body_quota(programme: Programme, body: NominatingBody) -> None:
    """Serialises everyone taking a place in a nominating body's quota: its ProgrammeBody row."""
    ProgrammeBody.objects.select_for_update().filter(programme=programme, body=body).first()


def nominee_create(*, programme: Programme, village: Village, created_by, nik: str, nik_hash: str, kk: str,
                   phone: str = "", confirmed_warnings: list[str] | None = None, replaces: Nominee | None = None,
                   nominating_body: NominatingBody | None = None, today: dt.date | None = None,
                   **fields) -> Nominee:
    """Adds a draft nominee to the village's list, or (`nominating_body`) to the body's list, the
    person living in `village`. Identifiers come checked and normalised from
    validation.check_nominee (through NomineeForm). With `replaces`, the new nominee stands for that
    one (nominee_can_be_replaced, read again under the lock). Raises ValidationError when the window
    is closed, the quota is full (the village's, or the body's: quotas.VILLAGE_PLACES), `replaces`
    cannot be replaced, or the NIK became active elsewhere meanwhile."""
    if nominating_body is not None:
        allowed = (can_edit_body_list(created_by, nominating_body) and replaces is None
                   and nominating_body.regency_id == programme.regency_id)
    else:
        allowed = can_edit_village_list(created_by, village)
    if not allowed or village.subdistrict.regency_id != programme.regency_id:
        raise PermissionDenied
    if not nomination_is_open(programme, today):
        raise ValidationError(_window_closed_message(programme))
    now = timezone.now()
    try:
        with transaction.atomic():
            if nominating_body is not None:
                _lock_body_quota(programme, nominating_body)
            else:
                _lock_quota(programme, village)
            if replaces is not None:
                # Read again under the lock: another tab may have replaced it meanwhile.
                replaces = Nominee.objects.select_for_update(of=("self",)).select_related("replaced_by").get(
                    pk=replaces.pk)
                if not nominee_can_be_replaced(replaces):
                    raise ValidationError(nominee_replacement_refusal(replaces))
            if nominating_body is not None:
                full = body_standing(programme, nominating_body).full_message
            else:
                full = quota_standing(programme, village).full_message
            if full:
                raise ValidationError(full)
            nominee = Nominee(
                programme=programme, village=village, nik=nik, nik_hash=nik_hash, nik_masked=mask_identifier(nik),
                kk=kk, kk_masked=mask_identifier(kk), phone=phone, confirmed_warnings=confirmed_warnings or [],
                replaces=replaces, nominating_body=nominating_body, consent_at=now, consent_by=created_by,
                created_by=created_by, **fields,
            )
            nominee.name_key, nominee.mother_name_hash = lookalike_keys(nominee.full_name, nominee.mother_maiden_name)
            nominee._history_user = created_by
            nominee.save()
            NomineeEvent.objects.create(nominee=nominee, actor=created_by, from_status="", to_status=S.DRAFT,
                                        reason=f"menggantikan {replaces.full_name}" if replaces else "")
            # A nominee takes a place: the programme figures move (announced after commit).
            events.announce_on_commit(ChangeKind.NOMINATION, programme.regency_id, nominee_ids=[nominee.pk])
    except IntegrityError:
        # Another officer saved the same NIK between our check and our insert; the index held.
        raise ValidationError(duplicate_message(nik_hash, village=village) or "NIK ini sudah diusulkan.") from None
    return nominee


# Nominee columns an import writes; the others keep their database default (NULL).
_IMPORT_COLUMNS = [
    "programme_id", "village_id", "status", "status_reason", "nik", "nik_hash", "nik_masked", "kk", "kk_masked",
    "full_name", "birth_place", "birth_date", "sex", "address", "rt", "rw", "postal_code", "phone", "email",
    "occupation_id", "monthly_income", "data_source", "decile", "mother_maiden_name", "kpj_number",
    "name_key", "mother_name_hash", "confirmed_warnings", "consent_at", "consent_by_id", "created_by_id", "created_at",
    "updated_at",
]


def nominees_import(*, programme: Programme, created_by, rows: Sequence[tuple[Village, dict]],
                    today: dt.date | None = None, progress: Callable[[int, int], None] | None = None
                    ) -> list[int | str]:
    """Adds many checked nominees as drafts at once (the Excel import): `rows` are (village, what
    nominee_create takes) in file order, identifiers checked and normalised by the import. The
    same rules as nominee_create, set-based: the nomination window, the quota (the rows take places
    in file order under the quota locks), one active nomination per NIK (the partial unique index:
    a NIK saved elsewhere meanwhile is skipped, not an error for the whole file). Each nominee gets
    its "created" event and history row, written with it in the same statements; one announcement
    after commit. Who may call it: the village's officer for their village's rows, or the regency's
    admin, approver or the system administrator for any village of the programme's regency
    (PermissionDenied otherwise). Returns, per row, the new nominee's id or the message why it was
    not saved."""
    villages = {village.pk: village for village, _ in rows}
    if any(village.subdistrict.regency_id != programme.regency_id for village in villages.values()):
        raise PermissionDenied
    if not (can_import_nominees(created_by, programme.regency)
            or all(can_edit_village_list(created_by, village) for village in villages.values())):
        raise PermissionDenied
    if not rows:
        return []
    if not nomination_is_open(programme, today):
        return [_window_closed_message(programme)] * len(rows)
    results: list[int | str | None] = []
    with transaction.atomic():
        _lock_quotas(programme, villages)
        ledger = QuotaLedger(programme, villages)
        accepted = []
        for index, (village, _) in enumerate(rows):
            refusal = ledger.take(village.pk)
            results.append(refusal)
            if refusal is None:
                accepted.append(index)
        inserted = _insert_nominees(programme=programme, created_by=created_by,
                                    rows=[rows[index] for index in accepted], progress=progress)
        skipped = []
        for index in accepted:
            results[index] = inserted.get(rows[index][1]["nik_hash"])
            if results[index] is None:
                skipped.append(index)
        if skipped:  # another officer saved the same NIK between the check and the insert
            active = active_nominations(rows[index][1]["nik_hash"] for index in skipped)
            for index in skipped:
                other = active.get(rows[index][1]["nik_hash"])
                results[index] = (duplicate_text(other, village_id=rows[index][0].pk, regency_id=programme.regency_id)
                                  if other else "NIK ini sudah diusulkan.")
        if inserted:
            # The nominees take places: the programme figures move (announced once, after commit).
            events.announce_on_commit(ChangeKind.NOMINATION, programme.regency_id, nominee_ids=inserted.values())
    logger.info("%s imported %s nominees into programme %s", created_by.username, len(inserted), programme.pk)
    return results


def _lock_quotas(programme: Programme, village_ids) -> None:
    """_lock_quota for many villages at once, in id order (two imports never wait on each other
    in a circle)."""
    if programme.quota_rule == QuotaRule.PER_VILLAGE:
        list(Village.objects.select_for_update().filter(pk__in=sorted(village_ids)).order_by("pk")
             .values_list("pk", flat=True))
    elif programme.quota_rule == QuotaRule.REGENCY_TOTAL:
        Programme.objects.select_for_update().filter(pk=programme.pk).first()


def _import_values(programme: Programme, created_by, rows: Sequence[tuple[Village, dict]], now) -> Iterator[tuple]:
    """Each row's values in _IMPORT_COLUMNS order: NIK, KK and mother's maiden name encrypted
    (all of them at once, crypto.encrypt_many), their masks, the name key and mother's-name hash
    (lookalikes.lookalike_keys), the fixed columns of a new draft."""
    count = len(rows)
    tokens = encrypt_many([kwargs["nik"] for _, kwargs in rows] + [kwargs["kk"] for _, kwargs in rows]
                          + [kwargs["mother_maiden_name"] or "" for _, kwargs in rows])
    fixed = {"programme_id": programme.pk, "status": S.DRAFT, "status_reason": "", "kpj_number": "",
             "consent_at": now, "consent_by_id": created_by.pk, "created_by_id": created_by.pk, "created_at": now,
             "updated_at": now}
    ordered = itemgetter(*_IMPORT_COLUMNS)
    warnings_json: dict[tuple, str] = {}  # a file has a handful of distinct warning sets
    for index, (village, kwargs) in enumerate(rows):
        codes = tuple(kwargs["confirmed_warnings"])
        if codes not in warnings_json:
            warnings_json[codes] = json.dumps(list(codes))
        name_key, mother_name_hash = lookalike_keys(kwargs["full_name"], kwargs["mother_maiden_name"] or "")
        yield ordered({
            **kwargs, **fixed, "village_id": village.pk, "name_key": name_key, "mother_name_hash": mother_name_hash,
            "nik": tokens[index], "nik_masked": mask_identifier(kwargs["nik"]),
            "kk": tokens[count + index], "kk_masked": mask_identifier(kwargs["kk"]),
            "mother_maiden_name": tokens[2 * count + index], "confirmed_warnings": warnings_json[codes],
        })


def _insert_nominees(*, programme: Programme, created_by, rows: Sequence[tuple[Village, dict]],
                     progress: Callable[[int, int], None] | None) -> dict[str, int]:
    """Inserts the rows with their "created" events and history rows; nik_hash → new id, without
    the rows whose NIK had become active meanwhile (ON CONFLICT on the one-active-nomination index)."""
    if not rows:
        return {}
    now = timezone.now()
    table, events_table = Nominee._meta.db_table, NomineeEvent._meta.db_table
    history = Nominee.history.model._meta.db_table
    copied = [f.column for f in Nominee.history.model._meta.concrete_fields if not f.column.startswith("history_")]
    columns = ", ".join(_IMPORT_COLUMNS)
    active = ", ".join(f"'{status}'" for status in sorted(ACTIVE_STATES))
    insert = (f"INSERT INTO {table} ({columns}) {{source}} "
              f"ON CONFLICT (nik_hash) WHERE status IN ({active}) DO NOTHING RETURNING {{returning}}")
    event_sql = (f"INSERT INTO {events_table} (nominee_id, actor_id, from_status, to_status, reason_code, reason, "
                 f"created_at) SELECT id, %s, '', '{S.DRAFT}', '', '', %s FROM {{source}}")
    history_sql = (f"INSERT INTO {history} ({', '.join(copied)}, history_date, history_change_reason, history_type, "
                   f"history_user_id) SELECT {', '.join(copied)}, %s, NULL, '+', %s FROM {{source}}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY into a scratch table, then one statement inserts, writes the events and the
            # history rows from what was inserted. The sort into file order (ids in file order)
            # is kept in memory: 100,000 rows of tokens are about 80 MB, which the default
            # work_mem (4 MB) would spill to disk and merge back.
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute(f"CREATE TEMP TABLE nominee_import_rows ON COMMIT DROP AS SELECT {columns}, 0 AS ordinal "
                           f"FROM {table} WITH NO DATA")
            with cursor.copy(f"COPY nominee_import_rows ({columns}, ordinal) FROM STDIN") as copy:
                for ordinal, values in enumerate(_import_values(programme, created_by, rows, now)):
                    copy.write_row((*values, ordinal))
                    if progress and ordinal % 10_000 == 9_999:
                        progress(ordinal + 1, len(rows))
            cursor.execute(
                "WITH inserted AS ("
                + insert.format(source=f"SELECT {columns} FROM nominee_import_rows ORDER BY ordinal", returning="*")
                + f"), events AS ({event_sql.format(source='inserted')}), "
                f"history AS ({history_sql.format(source='inserted')}) "
                "SELECT id, nik_hash FROM inserted",
                [created_by.pk, now, now, created_by.pk])
            inserted = {nik_hash: pk for pk, nik_hash in cursor.fetchall()}
            cursor.execute("DROP TABLE nominee_import_rows")
            return inserted
        # The embedded SQLite (a village's few rows): the same statements, row by row.
        placeholders = ", ".join(["%s"] * len(_IMPORT_COLUMNS))
        inserted = {}
        for values in _import_values(programme, created_by, rows, now):
            cursor.execute(insert.format(source=f"VALUES ({placeholders})", returning="id, nik_hash"), values)
            for pk, nik_hash in cursor.fetchall():
                inserted[nik_hash] = pk
        ids = list(inserted.values())
        for start in range(0, len(ids), 500):
            chosen = f"{table} WHERE id IN ({', '.join(str(pk) for pk in ids[start:start + 500])})"
            cursor.execute(event_sql.format(source=chosen), [created_by.pk, now])
            cursor.execute(history_sql.format(source=chosen), [now, created_by.pk])
        return inserted


@transaction.atomic
def nominee_update(*, nominee: Nominee, changed_by, nik: str, nik_hash: str, kk: str, phone: str = "",
                   confirmed_warnings: list[str] | None = None, **fields) -> Nominee:
    """Saves a draft or returned nominee's corrected data. Field changes go to the history."""
    nominee = Nominee.objects.select_for_update().select_related("village").get(pk=nominee.pk)
    if not can_edit_nominee(changed_by, nominee):
        raise PermissionDenied
    nominee.nik, nominee.nik_hash, nominee.nik_masked, nominee.kk = nik, nik_hash, mask_identifier(nik), kk
    nominee.kk_masked = mask_identifier(kk)
    nominee.phone = phone
    nominee.confirmed_warnings = confirmed_warnings or []
    for name, value in fields.items():
        setattr(nominee, name, value)
    nominee.name_key, nominee.mother_name_hash = lookalike_keys(nominee.full_name, nominee.mother_maiden_name)
    nominee._history_user = changed_by
    try:
        with transaction.atomic():
            nominee.save()
    except IntegrityError:
        raise ValidationError(duplicate_message(nik_hash, village=nominee.village, exclude_pk=nominee.pk)
                              or "NIK ini sudah diusulkan.") from None
    return nominee


@transaction.atomic
def nominee_delete(*, nominee: Nominee, deleted_by) -> None:
    """Removes a nominee the regency has not yet received (draft or returned). After commit the
    regency's coverage is recomputed (the place is free again)."""
    nominee = Nominee.objects.select_for_update().select_related("village__subdistrict").get(pk=nominee.pk)
    if not can_edit_nominee(deleted_by, nominee):
        raise PermissionDenied
    nominee._history_user = deleted_by
    logger.info("%s removed nominee %s from village %s", deleted_by.username, nominee.pk, nominee.village.code)
    regency_id = nominee.village.subdistrict.regency_id
    nominee.delete()
    events.announce_on_commit(ChangeKind.NOMINATION, regency_id)


# --- Replacing a nominee -----------------------------------------------------------------------
# The one replacement rule (DOMAIN.md §7: "a village may replace a rejected or ended nominee within
# its quota"), asked by the village page before it shows *Ganti dengan calon lain*, by the replace
# page, and by nominee_create under its quota lock. A rejected, refused or ended nominee gave its
# place back when it left ACTIVE_STATES, so replacing frees nothing: the replacement takes a place
# like any new nominee, and needs the window open and a place left.

def nominee_can_be_replaced(nominee: Nominee) -> bool:
    """Whether the nominee is one a replacement may stand for: rejected, refused by BPJS or ended,
    and not replaced yet (each once)."""
    return nominee.status in INACTIVE_STATES and not hasattr(nominee, "replaced_by")


def replacement_blocker(programme: Programme, village: Village, *, standing: QuotaStanding | None = None,
                        today: dt.date | None = None) -> str | None:
    """What the village must do (or wait for) before any of its replaceable nominees can be
    replaced now, or None when a replacement can be added. `standing` is the village's
    quotas.quota_standing when the caller has it (the village page), else it is read."""
    if not nomination_is_open(programme, today):
        return f"Belum bisa diganti. {_window_closed_message(programme)}"
    standing = standing or quota_standing(programme, village)
    if standing.is_full:
        return f"Belum bisa diganti. {standing.full_message}"
    return None


def nominee_replacement_refusal(nominee: Nominee, *, standing: QuotaStanding | None = None,
                                today: dt.date | None = None) -> str | None:
    """Why `nominee` cannot be replaced now (the message for the officer), or None when it can."""
    if not nominee_can_be_replaced(nominee):
        return (f"{nominee.full_name} tidak bisa diganti: hanya calon yang ditolak, ditolak BPJS atau berhenti "
                "yang bisa diganti, dan masing-masing sekali.")
    return replacement_blocker(nominee.programme, nominee.village, standing=standing, today=today)


def village_list_submit(*, programme: Programme, village: Village, submitted_by, minutes=None,
                        today: dt.date | None = None) -> int:
    """Sends the village's draft and corrected nominees to the regency and locks them; after
    commit the regency's reviewers get a notice and the regency's coverage is recomputed once (not
    once per nominee). Returns how many were sent. Raises ValidationError with the reason when it cannot."""
    if not can_edit_village_list(submitted_by, village):
        raise PermissionDenied
    pending = list(selectors.village_nominees_to_send(programme, village))
    if not pending:
        raise ValidationError("Tidak ada calon berstatus draf atau dikembalikan yang bisa dikirim.")
    only_corrections = all(n.status == S.RETURNED for n in pending)
    if not only_corrections and not nomination_is_open(programme, today):
        raise ValidationError(f"Pengusulan sudah ditutup pada {format_date(programme.nomination_closes)}.")
    if programme.requires_minutes and not minutes and not selectors.minutes_on_file(programme, village):
        raise ValidationError("Unggah berita acara musyawarah desa (PDF atau foto) sebelum mengirim daftar.")
    now = timezone.now()
    sent = {"last_submitted_at": now, "last_submitted_by": submitted_by} | ({"minutes": minutes} if minutes else {})
    with transaction.atomic(), events.collected():
        workflow.nominees_submit(nominee_pks=[nominee.pk for nominee in pending], actor=submitted_by)
        # The village's one submission row, written or brought up to date in one statement: the
        # first sending's time stays, the minutes only change when new ones come.
        VillageSubmission.objects.bulk_create(
            [VillageSubmission(programme=programme, village=village, first_submitted_at=now, **sent)],
            update_conflicts=True, unique_fields=["programme", "village"], update_fields=list(sent))
        transaction.on_commit(partial(notices.list_submitted, programme=programme, village=village,
                                      count=len(pending)))
    return len(pending)


# --- Village quota overrides ------------------------------------------------------------------


@transaction.atomic
def village_quota_set(*, programme: Programme, village: Village, quota: int, changed_by) -> VillageQuota | None:
    """Gives one village a quota other than the programme's per-village number (regency staff who
    may manage programmes). Setting it back to that number removes the override. Refuses a quota
    below the places the village already holds, so no active nominee is ever over quota.
    Returns the override, or None when the village follows the programme's number again."""
    if not can_manage_programmes(changed_by, programme.regency):
        raise PermissionDenied
    if programme.quota_rule != QuotaRule.PER_VILLAGE:
        raise ValidationError("Kuota per desa hanya berlaku untuk program dengan aturan kuota per desa.")
    if village.subdistrict.regency_id != programme.regency_id:
        raise ValidationError(f"{village.name} bukan desa/kelurahan di {programme.regency.name}.")
    if quota < 0:
        raise ValidationError("Kuota tidak boleh negatif.")
    # The same lock nominee_create takes, so no officer fills a place while we lower the quota.
    _lock_quota(programme, village)
    taken = places_taken(programme, village)
    if quota < taken:
        raise ValidationError(
            f"{village.name} sudah punya {taken} calon aktif; kuota tidak bisa kurang dari {taken}."
        )
    logger.info("%s set the quota of village %s in programme %s to %s",
                changed_by.username, village.code, programme.pk, quota)
    if quota == programme.quota_per_village:
        VillageQuota.objects.filter(programme=programme, village=village).delete()
        return None
    override, _ = VillageQuota.objects.update_or_create(programme=programme, village=village,
                                                         defaults={"quota": quota})
    return override
