"""Writes on programmes and nominees (status changes are workflow.py's). Pages, the Excel import,
the management commands and the admin all call these; each checks its own permission."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common import events
from common.events import ChangeKind
from common.formatting import format_date
from villages.models import Regency, Village
from villages.selectors import regency_settings_get

from . import notices, workflow
from .enums import EDITABLE_STATES, INACTIVE_STATES, QuotaRule
from .enums import NomineeStatus as S
from .identifiers import mask_identifier
from .models import Nominee, NomineeEvent, Programme, VillageQuota, VillageSubmission
from .permissions import (
    can_edit_nominee,
    can_edit_village_list,
    can_manage_programmes,
)
from .premiums import premium_per_month, rate_on
from .quotas import places_taken, quota_standing
from .validation import duplicate_message

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
    _set_premium(programme)
    programme._history_user = changed_by
    programme.full_clean()
    programme.save()
    return programme


def _set_premium(programme: Programme) -> None:
    programme.premium_per_month = premium_per_month(
        rate=rate_on(programme.coverage_start), income_tier=programme.income_tier,
        includes_jht=programme.includes_jht,
    )


def nomination_is_open(programme: Programme, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return programme.nomination_opens <= today <= programme.nomination_closes


# --- Nominees -----------------------------------------------------------------------------

def _lock_quota(programme: Programme, village: Village) -> None:
    """Serialises everyone taking a place in the same quota: the village row for a per-village
    quota, the programme row for a regency-wide one (PostgreSQL row locks)."""
    if programme.quota_rule == QuotaRule.PER_VILLAGE:
        Village.objects.select_for_update().filter(pk=village.pk).first()
    elif programme.quota_rule == QuotaRule.REGENCY_TOTAL:
        Programme.objects.select_for_update().filter(pk=programme.pk).first()


def nominee_create(*, programme: Programme, village: Village, created_by, nik: str, nik_hash: str, kk: str,
                   phone: str = "", confirmed_warnings: list[str] | None = None, replaces: Nominee | None = None,
                   today: dt.date | None = None, **fields) -> Nominee:
    """Adds a draft nominee to the village's list. Identifiers come checked and normalised from
    validation.check_nominee (through NomineeForm). Raises ValidationError when the window is
    closed, the quota is full, or the NIK became active elsewhere meanwhile."""
    if not can_edit_village_list(created_by, village) or village.subdistrict.regency_id != programme.regency_id:
        raise PermissionDenied
    if not nomination_is_open(programme, today):
        raise ValidationError(
            f"Pengusulan untuk {programme} dibuka {format_date(programme.nomination_opens)} sampai "
            f"{format_date(programme.nomination_closes)}; hari ini di luar jadwal."
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            _lock_quota(programme, village)
            full = quota_standing(programme, village).full_message
            if full:
                raise ValidationError(full)
            nominee = Nominee(
                programme=programme, village=village, nik=nik, nik_hash=nik_hash, nik_masked=mask_identifier(nik),
                kk=kk, kk_masked=mask_identifier(kk), phone=phone, confirmed_warnings=confirmed_warnings or [],
                replaces=replaces, consent_at=now, consent_by=created_by, created_by=created_by, **fields,
            )
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


def nominee_can_be_replaced(nominee: Nominee) -> bool:
    return nominee.status in INACTIVE_STATES and not hasattr(nominee, "replaced_by")


def village_list_submit(*, programme: Programme, village: Village, submitted_by, minutes=None,
                        today: dt.date | None = None) -> int:
    """Sends the village's draft and corrected nominees to the regency and locks them; after
    commit the regency's reviewers get a notice and the regency's coverage is recomputed once (not
    once per nominee). Returns how many were sent. Raises ValidationError with the reason when it cannot."""
    if not can_edit_village_list(submitted_by, village):
        raise PermissionDenied
    pending = list(Nominee.objects.filter(programme=programme, village=village, status__in=EDITABLE_STATES))
    if not pending:
        raise ValidationError("Tidak ada calon berstatus draf atau dikembalikan yang bisa dikirim.")
    only_corrections = all(n.status == S.RETURNED for n in pending)
    if not only_corrections and not nomination_is_open(programme, today):
        raise ValidationError(f"Pengusulan sudah ditutup pada {format_date(programme.nomination_closes)}.")
    submission = VillageSubmission.objects.filter(programme=programme, village=village).first()
    if programme.requires_minutes and not minutes and not (submission and submission.minutes):
        raise ValidationError("Unggah berita acara musyawarah desa (PDF atau foto) sebelum mengirim daftar.")
    now = timezone.now()
    with transaction.atomic(), events.collected():
        for nominee in pending:
            workflow.nominee_submit(nominee=nominee, actor=submitted_by)
        submission, _ = VillageSubmission.objects.get_or_create(
            programme=programme, village=village,
            defaults={"first_submitted_at": now, "last_submitted_at": now, "last_submitted_by": submitted_by},
        )
        submission.last_submitted_at, submission.last_submitted_by = now, submitted_by
        if minutes:
            submission.minutes = minutes
        submission.save()
        transaction.on_commit(partial(notices.list_submitted, programme_pk=programme.pk, village_pk=village.pk,
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
