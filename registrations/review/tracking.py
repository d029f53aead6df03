"""Submission tracking (pemantauan pengiriman): for one programme, where every village of the
regency stands with its list, so the office knows whom to chase before the window closes.

Read-only. `submission_rows` answers with one row per village in two queries however many villages
and nominees there are (the villages with their counts, then the village officers' names and
phone numbers); the page and the Excel export both call it, so the export never says more than
the page. `officer_contacts` turns a row's officers into what the person may see: the number in
full and a WhatsApp link with a ready message (`reminder_text`) for the staff who call villages
(accounts.permissions.can_see_phone_numbers) when the village has not sent, the masked number
for everyone else. A
village's quota is registrations.quotas' rule (`per_village_quota` over the override annotated in
the same query), as on the village's own page.
Callers check `permissions.can_see_review_pages` first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import RegionAssignment
from common.formatting import format_date, format_phone
from common.phones import phone_masked, whatsapp_link
from common.working_days import working_days
from registrations import quotas
from registrations.enums import ACTIVE_STATES, MEMBER_STATES
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee, Programme, VillageSubmission
from villages.models import Village

# Approved, and everything after it that still holds a place: the office counts them as "done".
APPROVED_AND_LATER = frozenset({S.APPROVED, S.SENT_TO_BPJS, *MEMBER_STATES})


class SubmissionState(models.TextChoices):
    """Where a village stands with its list, in the order the summary shows them."""

    EMPTY = "belum_mengisi", _("Belum mengisi")
    PARTIAL = "sebagian", _("Sebagian terisi, belum dikirim")
    FILLED = "terisi", _("Terisi, belum dikirim")
    RETURNED = "perbaikan", _("Perlu perbaikan")
    SENT = "terkirim", _("Sudah dikirim")
    LATE = "terlambat", _("Terlambat")


@dataclass(frozen=True)
class Officer:
    """A village officer's account as submission tracking needs it: who to call. `phone` is the
    stored form (+62…, or ""); what a person sees of it is `officer_contacts`' business."""

    username: str
    name: str
    phone: str


@dataclass(frozen=True)
class Contact:
    """An officer as one person sees them on the page or in the export."""

    name: str  # "Siti Aminah (op-1705012002)", or the username alone when the account has no name
    phone: str  # 081234567890 in full, 0812****7890 masked, "" when none was given
    whatsapp: str  # https://wa.me/62…?text=… (full numbers, villages that have not sent), else ""


@dataclass(frozen=True)
class SubmissionRow:
    village: Village  # with its subdistrict
    quota: int | None  # None: the programme has no per-village quota
    filled: int  # nominees holding a place (ACTIVE_STATES)
    drafts: int  # not yet sent to the regency
    submitted: int  # waiting for the reviewer
    verified: int  # waiting for the approver
    approved: int  # approved, or further on with BPJS
    returned: int  # returned, waiting for the village to correct and resend
    last_submitted_at: dt.datetime | None
    state: SubmissionState
    officers: tuple[Officer, ...]  # the village's active officers, by username

    @property
    def not_sent(self) -> bool:
        """The village still owes the regency its list (or its corrections): the ones to chase."""
        return self.state != SubmissionState.SENT


def _state(*, total: int, filled: int, drafts: int, returned: int, quota: int | None,
           closed: bool) -> SubmissionState:
    """The village's state. After the window closes a village that never sent, or still holds
    drafts, is late: drafts can no longer be sent (services.village_list_submit), whereas returned
    nominees may still be corrected and resent, so "Perlu perbaikan" stays what it is."""
    if total == 0:
        return SubmissionState.LATE if closed else SubmissionState.EMPTY
    if drafts and closed:
        return SubmissionState.LATE
    if returned:
        return SubmissionState.RETURNED
    if drafts:
        if quota is not None and not quotas.is_full(quota=quota, taken=filled):
            return SubmissionState.PARTIAL
        return SubmissionState.FILLED
    return SubmissionState.SENT


def _count(statuses: Iterable[str]) -> Count:
    return Count("listed", filter=Q(listed__status__in=sorted(statuses)))


def submission_rows(programme: Programme, *, today: dt.date,
                    subdistrict_id: int | None = None) -> list[SubmissionRow]:
    """One row per village of the programme's regency (retired villages only if they hold
    nominees), sorted by subdistrict and village name, optionally of one subdistrict. Two queries."""
    submission = VillageSubmission.objects.filter(programme=programme, village=OuterRef("pk"))
    villages = (
        Village.objects.filter(subdistrict__regency_id=programme.regency_id)
        .filter(Q(is_retired=False) | Exists(Nominee.objects.filter(programme=programme, village=OuterRef("pk"))))
        .select_related("subdistrict")
        .annotate(
            quota_override=quotas.quota_override_subquery(programme),
            last_submitted_at=Subquery(submission.values("last_submitted_at")[:1]),
            # Only this programme's nominees join, so each count is of this programme alone; and only
            # the village's own list: a nominating body's nominees living here are the body's to send.
            listed=FilteredRelation("nominees", condition=Q(nominees__programme=programme,
                                                             nominees__nominating_body__isnull=True)),
        )
        .annotate(
            total=Count("listed"),
            filled=_count(ACTIVE_STATES),
            drafts=_count([S.DRAFT]),
            submitted=_count([S.SUBMITTED]),
            verified=_count([S.VERIFIED]),
            approved=_count(APPROVED_AND_LATER),
            returned=_count([S.RETURNED]),
        )
        .order_by("subdistrict__name", "name", "code")
    )
    if subdistrict_id is not None:
        villages = villages.filter(subdistrict_id=subdistrict_id)
    officers = defaultdict(list)
    for village_id, username, first_name, last_name, phone in (
        RegionAssignment.objects.filter(village__subdistrict__regency_id=programme.regency_id,
                                        user__role=Role.VILLAGE_OFFICER, user__is_active=True)
        .order_by("user__username")
        .values_list("village_id", "user__username", "user__first_name", "user__last_name", "user__phone")
    ):
        name = f"{first_name} {last_name}".strip()
        officers[village_id].append(Officer(username=username, name=name, phone=phone))

    closed = today > programme.nomination_closes
    rows = []
    for village in villages:
        quota = quotas.per_village_quota(programme, village.quota_override)
        rows.append(SubmissionRow(
            village=village, quota=quota, filled=village.filled, drafts=village.drafts,
            submitted=village.submitted, verified=village.verified, approved=village.approved,
            returned=village.returned, last_submitted_at=village.last_submitted_at,
            state=_state(total=village.total, filled=village.filled, drafts=village.drafts,
                         returned=village.returned, quota=quota, closed=closed),
            officers=tuple(officers.get(village.pk, ())),
        ))
    return rows


def reminder_text(*, programme: Programme, row: SubmissionRow, officer: Officer, today: dt.date,
                  sender: str = "") -> str:
    """The ready WhatsApp message to a village that has not sent: whom, which village, which
    programme, what is missing and by when, in the office's words. No personal data but the
    officer's own name."""
    village = row.village
    greeting = f"Yth. Bapak/Ibu {officer.name}" if officer.name else "Yth. Bapak/Ibu operator"
    where = f"{village.get_kind_display()} {village.name}"
    closes = format_date(programme.nomination_closes)
    if row.state == SubmissionState.RETURNED:
        what = (f"ada {row.returned} calon peserta {programme} dari {where} yang dikembalikan untuk diperbaiki. "
                f"Mohon diperbaiki dan dikirim lagi ke kabupaten")
        when = f" paling lambat {closes}." if today <= programme.nomination_closes else " secepatnya."
    elif row.state == SubmissionState.LATE:
        what = (f"daftar calon peserta {programme} dari {where} belum dikirim ke kabupaten, dan batas "
                f"pengusulan {closes} sudah lewat. Mohon segera menghubungi dinas")
        when = "."
    else:
        what = f"daftar calon peserta {programme} dari {where} belum dikirim ke kabupaten. Mohon dilengkapi dan dikirim"
        when = f" paling lambat {closes}."
    signature = f" Terima kasih. — {sender}" if sender else " Terima kasih."
    return (f"{greeting}, {what}{when} Caranya: masuk ke Jamsostek Portal, menu Desa saya, lalu Kirim ke "
            f"kabupaten.{signature}")


def officer_contacts(row: SubmissionRow, *, programme: Programme, today: dt.date, full: bool,
                     sender: str = "") -> list[Contact]:
    """The row's officers as this person may see them: with `full` (the staff who call villages,
    accounts.permissions.can_see_phone_numbers) the number as an office dials it and, for a
    village that has not sent, a WhatsApp link with `reminder_text`; otherwise the masked number
    and no link. Pure: no query."""
    contacts = []
    for officer in row.officers:
        name = f"{officer.name} ({officer.username})" if officer.name else officer.username
        if not full:
            contacts.append(Contact(name=name, phone=phone_masked(officer.phone), whatsapp=""))
            continue
        link = whatsapp_link(officer.phone, reminder_text(programme=programme, row=row, officer=officer,
                                                          today=today, sender=sender)) if row.not_sent else ""
        contacts.append(Contact(name=name, phone=format_phone(officer.phone) if officer.phone else "", whatsapp=link))
    return contacts


def state_summary(rows: Iterable[SubmissionRow]) -> list[tuple[SubmissionState, int]]:
    """(state, number of villages) for every state, in SubmissionState's order, zeros included."""
    counts = Counter(row.state for row in rows)
    return [(state, counts[state]) for state in SubmissionState]


@dataclass(frozen=True)
class Deadline:
    """The nomination window seen from `today`, counted in Indonesian working days."""

    is_open: bool
    is_closed: bool
    working_days: int  # left until the close (the closing day included), or passed since it
    label: str  # "4 hari kerja lagi (ditutup 2 Desember 2026)", "ditutup 3 hari kerja lalu (…)"


def deadline(programme: Programme, today: dt.date) -> Deadline:
    opens, closes = programme.nomination_opens, programme.nomination_closes
    if today < opens:
        return Deadline(is_open=False, is_closed=False, working_days=0,
                        label=f"belum dibuka (dibuka {format_date(opens)})")
    if today <= closes:
        days = working_days(today, closes)
        return Deadline(is_open=True, is_closed=False, working_days=days,
                        label=f"{days} hari kerja lagi (ditutup {format_date(closes)})")
    days = working_days(closes + dt.timedelta(days=1), today)
    since = f"ditutup {days} hari kerja lalu" if days else "baru ditutup"
    return Deadline(is_open=False, is_closed=True, working_days=days,
                    label=f"{since} ({format_date(closes)})")

