"""Writes on nominating bodies (lembaga pengusul, DOMAIN §9): offices and institutions that nominate
beside the villages. The regency admin records a body, lets a programme accept it with a quota and
makes its officer's account; the officer keeps the body's list through services.nominee_create
(with `nominating_body`), nominee_update and nominee_delete, and sends it with `body_list_submit`.
The quota rule for bodies lives in quotas.py (VILLAGE_PLACES, body_standing)."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from accounts.services import initial_password_generate, user_create
from common import events
from common.formatting import format_date
from villages.models import Regency

from . import notices, workflow
from .enums import ACTIVE_STATES, EDITABLE_STATES
from .enums import NomineeStatus as S
from .models import BodyOfficer, NominatingBody, Nominee, NomineeEvent, Programme, ProgrammeBody
from .permissions import can_edit_body_list, can_manage_programmes
from .services import nomination_is_open

logger = logging.getLogger(__name__)


@transaction.atomic
def nominating_body_create(*, regency: Regency, name: str, kind: str, created_by) -> NominatingBody:
    """Records an office or institution of the regency that may nominate (the regency admin or the
    system administrator: can_manage_programmes). Raises ValidationError for a name already used."""
    if not can_manage_programmes(created_by, regency):
        raise PermissionDenied
    name = " ".join(name.split())
    if NominatingBody.objects.filter(regency=regency, name__iexact=name).exists():
        raise ValidationError(f"Lembaga \u201c{name}\u201d sudah terdaftar di {regency.name}.")
    body = NominatingBody(regency=regency, name=name, kind=kind)
    body._history_user = created_by
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def programme_body_set(*, programme: Programme, body: NominatingBody, quota: int, changed_by) -> ProgrammeBody:
    """The programme accepts the body's nominations with `quota` places (set again: the new quota).
    Refuses a body of another regency and a quota below the places the body already holds."""
    if not can_manage_programmes(changed_by, programme.regency):
        raise PermissionDenied
    if body.regency_id != programme.regency_id:
        raise ValidationError(f"{body.name} bukan lembaga di {programme.regency.name}.")
    if quota < 0:
        raise ValidationError("Kuota tidak boleh negatif.")
    ProgrammeBody.objects.select_for_update().filter(programme=programme, body=body).first()
    taken = Nominee.objects.filter(programme=programme, nominating_body=body, status__in=ACTIVE_STATES).count()
    if quota < taken:
        raise ValidationError(f"{body.name} sudah punya {taken} calon aktif; kuota tidak bisa kurang dari {taken}.")
    place, _ = ProgrammeBody.objects.update_or_create(programme=programme, body=body, defaults={"quota": quota})
    logger.info("%s set the quota of body %s in programme %s to %s", changed_by.username, body.pk, programme.pk, quota)
    return place


def body_officer_username(body: NominatingBody) -> str:
    """"lembaga-1705-3": the regency's code and the body's number, then -2, -3… for a second officer."""
    base = f"lembaga-{body.regency.code.replace('.', '')}-{body.pk}"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def body_officer_create(*, body: NominatingBody, created_by, full_name: str = "") -> tuple[User, str]:
    """Makes an account "Operator lembaga pengusul" for the body: assigned to the body's regency,
    bound to the body, with an initial password to change at first login. Who: the regency admin or
    the system administrator. Returns the account and its password, which exists nowhere else (the
    page shows it once)."""
    if not can_manage_programmes(created_by, body.regency):
        raise PermissionDenied
    NominatingBody.objects.select_for_update().filter(pk=body.pk).first()  # one username at a time
    password = initial_password_generate()
    user = user_create(username=body_officer_username(body), role=Role.INSTITUTION_OFFICER, regions=[body.regency],
                       password=password, full_name=full_name or f"Operator {body.name}"[:150],
                       must_change_password=True)
    BodyOfficer.objects.create(user=user, body=body)
    logger.info("%s created the officer account %s for body %s", created_by.username, user.username, body.pk)
    return user, password


def body_list_submit(*, programme: Programme, body: NominatingBody, submitted_by, today: dt.date | None = None) -> int:
    """Sends the body's draft and corrected nominees to the regency (the same move as a village's
    list: workflow.nominees_submit) and locks them; after commit the regency's reviewers get a notice.
    Returns how many were sent; ValidationError with the reason when it cannot."""
    if not can_edit_body_list(submitted_by, body):
        raise PermissionDenied
    pending = list(Nominee.objects.filter(programme=programme, nominating_body=body, status__in=EDITABLE_STATES)
                   .only("pk", "status"))
    if not pending:
        raise ValidationError("Tidak ada calon berstatus draf atau dikembalikan yang bisa dikirim.")
    only_corrections = all(nominee.status == S.RETURNED for nominee in pending)
    if not only_corrections and not nomination_is_open(programme, today):
        raise ValidationError(f"Pengusulan sudah ditutup pada {format_date(programme.nomination_closes)}.")
    with transaction.atomic(), events.collected():
        workflow.nominees_submit(nominee_pks=[nominee.pk for nominee in pending], actor=submitted_by)
        transaction.on_commit(partial(notices.body_list_submitted, programme=programme, body=body, count=len(pending)))
    return len(pending)


def submitted_at(programme: Programme, body: NominatingBody):
    """When the body last sent its list (its latest submit event), or None."""
    event = (NomineeEvent.objects.filter(nominee__programme=programme, nominee__nominating_body=body,
                                         to_status=S.SUBMITTED, from_status__in=sorted(EDITABLE_STATES))
             .order_by("-created_at").values_list("created_at", flat=True).first())
    return timezone.localtime(event) if event else None
