"""What the two lists a nominee is put on share: a village's (registrations/village_list) and a
nominating body's (registrations/body_list). The rooms do not know each other, so their common
answers live here, in the core: the form's data, why no one can be added now, and why a nominee can
no longer be changed. The rules themselves stay with services and quotas."""

from __future__ import annotations

from common.formatting import format_period

from . import quotas, services
from .enums import NomineeStatus


def posted(request):
    """The POST data, or None for a GET. Not `request.POST or None`: a POST with only a file (or
    nothing at all) has an empty QueryDict and must still bind the form."""
    return request.POST if request.method == "POST" else None


def why_no_place(programme, *, village=None, body=None) -> str | None:
    """Told before the officer types sixteen fields, not after (the service checks again on save):
    the nomination window is closed, or the quota of the village (or of the body) is full."""
    if not services.nomination_is_open(programme):
        return (f"Pengusulan dibuka {format_period(programme.nomination_opens, programme.nomination_closes)}; "
                "hari ini di luar jadwal.")
    standing = quotas.body_standing(programme, body) if body is not None else quotas.quota_standing(programme, village)
    return standing.full_message


def locked_message(nominee) -> str:
    """Why a nominee's data can no longer be changed by the list's officer (permissions.can_edit_nominee)."""
    return (f"Data {nominee.full_name} tidak bisa diubah lagi (status: {NomineeStatus(nominee.status).label}). "
            "Data hanya bisa diubah selama berstatus draf atau dikembalikan untuk diperbaiki.")
