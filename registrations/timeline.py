"""A nominee's story on one page ("Riwayat"): workflow steps and field corrections, oldest first.

Two sources are merged:
- NomineeEvent rows (workflow.py writes them): created, sent to the regency, each decision with
  its reason, the BPJS steps, the end of a membership;
- django-simple-history records of the Nominee: which fields changed, old → new. A workflow
  save also leaves a history record (status, status_reason, status_changed_at, updated_at); such
  a record is the event already, so it is skipped rather than shown twice. NIK, KK and mother's
  maiden name are never in the history (excluded_fields); the masked NIK is.

Later sources (an export batch, a BPJS answer) become entries of their own `kind` with the same
shape: when, who, a title and a list of details.

Queries: the events with their actors (1), the history with its users (1), and the occupation
names when an edit changed the occupation (1), whatever the length of the story.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from accounts.system import is_system_account
from common.formatting import format_date, format_datetime, format_phone, format_rupiah

from .checks import WARNING_LABELS
from .enums import NomineeStatus as S
from .models import Nominee, NomineeEvent, OccupationCategory


class EntryKind(models.TextChoices):
    EVENT = "event", "Langkah alur"
    EDIT = "edit", "Perubahan data"


@dataclass(frozen=True)
class Detail:
    """One line under an entry: "Alasan: KK tidak terbaca", or a change "Pekerjaan: Petani → Nelayan"
    (then `previous` is set)."""

    label: str
    value: str
    previous: str | None = None

    @property
    def is_change(self) -> bool:
        return self.previous is not None


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # EntryKind (later also an export batch, a BPJS answer)
    when: dt.datetime
    who: str  # the person's name; "Sistem" when nobody is recorded
    title: str
    details: list[Detail] = field(default_factory=list)
    role: str = ""  # the person's role, as the auditor reads it
    status: str = ""  # the status the step led to (for the badge), empty for edits


# The words for a step, by the status it leads to; a few depend on where it came from.
_TITLES = {
    S.DRAFT: "Dibuat",
    S.SUBMITTED: "Dikirim ke kabupaten",
    S.VERIFIED: "Diverifikasi",
    S.RETURNED: "Dikembalikan ke desa untuk diperbaiki",
    S.REJECTED: "Ditolak",
    S.APPROVED: "Disetujui",
    S.SENT_TO_BPJS: "Dikirim ke BPJS",
    S.REGISTERED: "Terdaftar di BPJS",
    S.REFUSED_BY_BPJS: "Ditolak BPJS",
    S.ACTIVE: "Aktif",
    S.ARREARS: "Menunggak iuran",
    S.LAPSED: "Tidak aktif: lewat masa tenggang iuran",
    S.ENDED: "Kepesertaan dihentikan",
}
_TITLES_FROM = {
    (S.RETURNED, S.SUBMITTED): "Dikirim lagi ke kabupaten setelah diperbaiki",
    (S.APPROVED, S.SUBMITTED): "Dibuka kembali",
    (S.REJECTED, S.SUBMITTED): "Dibuka kembali",
    (S.LAPSED, S.ACTIVE): "Aktif kembali",
    (S.ARREARS, S.ACTIVE): "Aktif kembali: iuran dibayar",
}

# Written by every workflow save: those records are the events.
_STATUS_FIELDS = frozenset({"status", "status_reason", "status_changed_at", "updated_at"})
# Never shown as a change: the key, and stamps no person sets.
_NOT_SHOWN = _STATUS_FIELDS | {"id", "created_at"}
NOBODY = "Sistem"
# Shown only to roles with full identifiers, like on the nominee page: the contact details, and
# the birth date, which with the region rebuilds a masked NIK (registrations.identifiers).
FULL_IDENTIFIER_FIELDS = frozenset({"phone", "email", "birth_date"})
HIDDEN_CHANGE = "diubah (tidak ditampilkan)"


def event_title(from_status: str, to_status: str) -> str:
    return _TITLES_FROM.get((from_status, to_status)) or _TITLES.get(to_status) or S(to_status).label


def _name(user) -> str:
    return user.display_name if user is not None else NOBODY


def _role(user) -> str:
    if user is None or is_system_account(user):  # the daily update: no person, no role
        return ""
    return str(user.get_role_display())


def nominee_timeline(nominee: Nominee, *, full_identifiers: bool = True) -> list[TimelineEntry]:
    """Every step and every correction of the nominee, oldest first. For anyone who may see the
    nominee: NIK appears only masked, and KK and mother's maiden name not at all; without
    `full_identifiers` (identifiers.identifiers_visible) a changed phone number, email or birth
    date says only that it changed."""
    entries = [_event_entry(event) for event in
               NomineeEvent.objects.filter(nominee=nominee).select_related("actor").order_by("created_at", "pk")]
    entries += _edit_entries(nominee, full_identifiers=full_identifiers)
    # Python's sort is stable: at the same instant an event stays before an edit.
    return sorted(entries, key=lambda entry: entry.when)


def _event_entry(event: NomineeEvent) -> TimelineEntry:
    details = [Detail("Alasan" if event.to_status != S.DRAFT else "Keterangan", event.reason)] if event.reason else []
    return TimelineEntry(kind=EntryKind.EVENT, when=event.created_at, who=_name(event.actor), role=_role(event.actor),
                         title=event_title(event.from_status, event.to_status), details=details,
                         status=event.to_status)


def _edit_entries(nominee: Nominee, *, full_identifiers: bool) -> list[TimelineEntry]:
    records = list(nominee.history.select_related("history_user").order_by("history_date", "history_id"))
    if not records:
        return []
    # Compared by hand rather than with diff_against: that skips non-editable fields, and the
    # masked NIK (editable=False) is the one trace a NIK correction leaves.
    compared = [f for f in records[0].tracked_fields if f.name not in _NOT_SHOWN]
    deltas = []
    for previous, record in zip(records, records[1:]):
        if record.history_type != "~":
            continue  # "+" is the "Dibuat" event; "-" leaves no page to show
        changes = [(f.name, f.value_from_object(previous), f.value_from_object(record)) for f in compared
                   if f.value_from_object(previous) != f.value_from_object(record)]
        if changes:
            deltas.append((record, changes))
    occupation_ids = {value for _, changes in deltas for name, old, new in changes if name == "occupation"
                      for value in (old, new) if value is not None}
    occupations = OccupationCategory.objects.in_bulk(occupation_ids) if occupation_ids else {}
    return [
        TimelineEntry(
            kind=EntryKind.EDIT, when=record.history_date, who=_name(record.history_user),
            role=_role(record.history_user), title="Data diubah",
            details=[
                Detail(_label(name), _show(name, new, occupations), previous=_show(name, old, occupations))
                if full_identifiers or name not in FULL_IDENTIFIER_FIELDS else Detail(_label(name), HIDDEN_CHANGE)
                for name, old, new in changes
            ],
        )
        for record, changes in deltas
    ]


def _label(field_name: str) -> str:
    label = str(Nominee._meta.get_field(field_name).verbose_name)
    return label[:1].upper() + label[1:]


def _show(field_name: str, value, occupations: dict) -> str:
    """A stored value as a person reads it: labels for choices, names for the occupation."""
    if value is None or value == "" or value == []:
        return "—"
    model_field = Nominee._meta.get_field(field_name)
    if field_name == "occupation":
        occupation = occupations.get(value)
        return occupation.name if occupation else f"#{value}"
    if field_name == "confirmed_warnings":
        return "; ".join(WARNING_LABELS.get(code, code) for code in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return format_datetime(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if field_name == "monthly_income":
        return format_rupiah(value)
    if field_name == "phone":
        return format_phone(value)
    if model_field.is_relation:
        return f"#{value}"
    return str(value)
