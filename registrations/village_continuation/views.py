"""The village's confirmation of a continuing programme (registrations.continuation): the previous
programme's members still awaiting the village, each to continue or to leave with a reason, and
those already confirmed.

Who: the village's officer (permissions.can_edit_village_list) on GET and POST; everyone else, in
scope or not, gets the 404 of a missing village (accounts.scope.village_get_for_user), as does a
programme of another regency. The view parses the form and calls
continuation.village_continuation_confirm, which holds every rule (window, reasons, quota, once only).

Queries: a page of awaiting members (a count and the rows), a page of confirmed ones (a count and
the rows with their continuation), the quota standing — the same number for 1 or 50 members.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.scope import village_get_for_user
from common.formatting import format_number
from registrations import continuation, quotas, services
from registrations.enums import NomineeStatus as S
from registrations.identifiers import identifiers_visible, shown_nik
from registrations.permissions import can_edit_village_list
from registrations.selectors import programme_get_for_user
from registrations.workflow import TransitionError

from .forms import ContinuationForm

MEMBERS_PER_PAGE = 50


@login_required
def continuation_confirm(request, programme_pk, village_pk):
    village = village_get_for_user(request.user, village_pk)
    if not can_edit_village_list(request.user, village):
        raise Http404("Desa/kelurahan tidak ditemukan.")
    programme = programme_get_for_user(request.user, programme_pk)
    if programme.regency_id != village.subdistrict.regency_id:
        raise Http404("Program tidak ditemukan.")
    awaiting = continuation.members_awaiting(programme, village)
    page = Paginator(awaiting, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    form = ContinuationForm(members=page.object_list)
    status = 200
    if request.method == "POST":
        posted = {int(name.split("_", 1)[1]) for name in request.POST if name.startswith("nasib_")
                  and name.split("_", 1)[1].isdigit()}
        members = list(awaiting.filter(pk__in=posted))
        form = ContinuationForm(request.POST, members=members)
        already = len(posted) - len(members)  # confirmed before this request (a second submit)
        if not members:
            if already:
                messages.info(request, f"{format_number(already)} peserta sudah dikonfirmasi sebelumnya.")
            else:
                messages.error(request, "Tidak ada peserta yang menunggu konfirmasi.")
            return redirect("registrations:continuation-confirm", programme_pk=programme.pk, village_pk=village.pk)
        if form.is_valid():
            try:
                result = continuation.village_continuation_confirm(
                    programme=programme, village=village, actor=request.user, choices=form.choices())
            except (ValidationError, TransitionError) as error:
                form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            else:
                messages.success(request, _confirmed_message(result.continued, result.left,
                                                             already + result.already))
                return redirect("registrations:continuation-confirm", programme_pk=programme.pk,
                                village_pk=village.pk)
        status = 400
    full = identifiers_visible(request.user)
    confirmed = Paginator(continuation.members_confirmed(programme, village), MEMBERS_PER_PAGE).get_page(
        request.GET.get("selesai"))
    return render(request, "registrations/continuation_confirm.html", {
        "programme": programme, "village": village, "source": programme.continues_from,
        "is_open": services.nomination_is_open(programme, timezone.localdate()),
        "quota": quotas.quota_standing(programme, village),
        "page": page, "form": form,
        "rows": [(member, shown_nik(member, full=full), S(member.status).label, fate, reason, seen)
                 for member, fate, reason, seen in form.rows()],
        "confirmed": confirmed,
        "confirmed_rows": [(member, shown_nik(member, full=full)) for member in confirmed.object_list],
    }, status=status)


def _confirmed_message(continued: int, left: int, already: int) -> str:
    text = (f"Konfirmasi disimpan: {format_number(continued)} peserta lanjut, {format_number(left)} berhenti.")
    if left:
        text += " Tempat yang kosong bisa diisi calon baru lewat Tambah calon."
    if already:
        text += f" {format_number(already)} peserta sudah dikonfirmasi sebelumnya."
    return text
