"""The village officer's pages: "Desa saya", add / edit / remove / replace a nominee, and "kirim ke
kabupaten". Each view parses input, calls one service, and renders; the rules (window, quota, NIK,
who may change what) live in services.py, validation.py and permissions.py.

Scope: the village comes from accounts.scope.village_get_for_user and every nominee from
selectors.nominee_get_for_user, both 404 out of scope. Changing needs can_edit_village_list (404
for anyone else in scope, e.g. the bupati's viewer); a nominee that is already with the regency
answers with a message saying why it is locked, also when it was sent between the page's check and
the service's (the service's PermissionDenied never reaches the person as a 403).

The nominee form keeps a draft in the browser while it is being sent (common/drafts.py,
static/js/drafts.js): each form page names its draft (`_draft_key`), and each answer that saved
the nominee, or found it saved by an earlier sending, tells the next page to delete it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.enums import Role
from accounts.scope import region_scope, village_get_for_user
from common.access_log import reveal_record
from common.drafts import draft_done, draft_key
from common.formatting import format_datetime
from common.replays import shown_at
from common.working_days import working_days
from registrations import list_pages, quotas, selectors, services
from registrations.enums import EDITABLE_STATES
from registrations.enums import NomineeStatus as S
from registrations.forms import NomineeForm, blank_fields
from registrations.identifiers import identifiers_visible, shown_nik
from registrations.nik import nik_search_hash
from registrations.permissions import can_edit_nominee, can_edit_village_list
from registrations.workflow import TransitionError

from .forms import VillageSubmitForm


@login_required
def village(request, village_pk):
    """"Desa saya": the current programme, its window, the quota used and the village's list.

    The village's officer works on it. Everyone else in scope reads it: the regent's office, the
    province and BPJS come here from the coverage dashboard (reports.views._village_href), so for
    them the page sits under the dashboard (`from_dashboard`: the breadcrumb back to it) and says
    nothing addressed to the village officer."""
    village = village_get_for_user(request.user, village_pk)
    programme = selectors.current_programme(village.subdistrict.regency_id)
    can_edit = can_edit_village_list(request.user, village)
    context = {"village": village, "programme": programme, "can_edit": can_edit,
               "from_dashboard": request.user.role != Role.VILLAGE_OFFICER}
    if programme is not None:
        context.update(_programme_context(request.user, programme, village, can_edit))
    return render(request, "registrations/village_detail.html", context)


def _programme_context(user, programme, village, can_edit) -> dict:
    today = timezone.localdate()
    is_open = services.nomination_is_open(programme, today)
    standing = quotas.quota_standing(programme, village)
    full_identifiers = identifiers_visible(user)
    # The replace rule (services.nominee_replacement_refusal) in two parts: which nominees may be
    # replaced at all (per row), and what must happen first (the same for every row of the page).
    blocker = services.replacement_blocker(programme, village, standing=standing, today=today) if can_edit else None
    rows = []
    for nominee in selectors.village_nominees(programme, village):
        # A nominating body's nominee living here: the village reads it, the body keeps it.
        keeps = can_edit and nominee.nominating_body_id is None
        replaceable = keeps and services.nominee_can_be_replaced(nominee)
        rows.append({
            "nominee": nominee,
            "nik": shown_nik(nominee, full=full_identifiers),
            "editable": keeps and nominee.status in EDITABLE_STATES,
            "replaceable": replaceable and blocker is None,
            "replace_blocked": blocker if replaceable else None,
        })
    pending = sum(row["editable"] for row in rows)
    return {
        "is_open": is_open,
        "not_yet_open": today < programme.nomination_opens,
        "working_days_left": working_days(today, programme.nomination_closes) if is_open else None,
        "quota": standing,
        "rows": rows,
        "returned_count": sum(row["nominee"].status == S.RETURNED for row in rows),
        "pending": pending,
        "can_add": can_edit and is_open and not standing.is_full,
        "add_draft": _draft_key(user, village),
        "can_submit": can_edit and pending > 0,
        "submission": programme.submissions.filter(village=village).first(),
    }


def _village_for_editing(user, village_pk):
    """The village, if this user may change its list; 404 for everyone else (in scope or not)."""
    village = village_get_for_user(user, village_pk)
    if not can_edit_village_list(user, village):
        raise Http404("Desa/kelurahan tidak ditemukan.")
    return village


def _draft_key(user, village, *, nominee=None, replaces=None) -> str:
    """The name of the nominee form's draft in the browser: the user, the village and which form
    (a new nominee, this nominee's edit, this nominee's replacement)."""
    if nominee is not None:
        return draft_key(user, "nominee", village.pk, "ubah", nominee.pk)
    if replaces is not None:
        return draft_key(user, "nominee", village.pk, "ganti", replaces.pk)
    return draft_key(user, "nominee", village.pk, "tambah")


def _nominee_for_editing(request, pk):
    """(nominee, None) when the user may change it now; (nominee, redirect) with a message when
    the nominee is theirs but already locked; 404 when it is not theirs."""
    nominee = selectors.nominee_get_for_user(request.user, pk)
    if not can_edit_village_list(request.user, nominee.village):
        raise Http404("Calon peserta tidak ditemukan.")
    if nominee.nominating_body_id is not None:
        messages.error(request, (f"{nominee.full_name} diusulkan oleh {nominee.nominating_body.name}: hanya "
                                 "lembaga itu yang bisa mengubah datanya."))
        return nominee, redirect("registrations:village", village_pk=nominee.village_id)
    if not can_edit_nominee(request.user, nominee):
        # What the officer typed can no longer be saved: the browser need not keep it.
        draft_done(request, _draft_key(request.user, nominee.village, nominee=nominee))
        messages.error(request, list_pages.locked_message(nominee))
        return nominee, redirect("registrations:village", village_pk=nominee.village_id)
    return nominee, None


def _refused_now(request, pk):
    """A service refused a change this page had allowed: the nominee was sent to the regency (or
    left the user's hands) meanwhile. The page's answer for the nominee as it now stands: the
    locked message, or the 404 of a nominee that is not theirs."""
    _, refused = _nominee_for_editing(request, pk)
    if refused is None:
        raise Http404("Calon peserta tidak ditemukan.")
    return refused


def _programme_or_message(request, village):
    programme = selectors.current_programme(village.subdistrict.regency_id)
    if programme is None:
        messages.error(request, "Kabupaten/kota Anda belum membuka program. Tunggu kabar dari dinas.")
    return programme


@login_required
def nominee_create(request, village_pk):
    village = _village_for_editing(request.user, village_pk)
    programme = _programme_or_message(request, village)
    if programme is None:
        return redirect("registrations:village", village_pk=village.pk)
    return _nominee_form_page(request, programme=programme, village=village, replaces=None)


@login_required
def nominee_replace(request, pk):
    """Replace a rejected, refused or ended nominee with a new one, who takes a place in the quota
    (services.nominee_replacement_refusal says when that cannot work and what to do first)."""
    old = selectors.nominee_get_for_user(request.user, pk)
    if not can_edit_village_list(request.user, old.village) or old.nominating_body_id is not None:
        raise Http404("Calon peserta tidak ditemukan.")
    draft = _draft_key(request.user, old.village, replaces=old)
    if request.method == "POST" and (already := _added_already(request, old.programme, old.village, draft=draft)):
        return already
    # The rule the village page asked before showing the button, asked again: the quota may have
    # filled or the window closed since.
    if refusal := services.nominee_replacement_refusal(old):
        draft_done(request, draft)
        messages.error(request, refusal)
        return redirect("registrations:village", village_pk=old.village_id)
    return _nominee_form_page(request, programme=old.programme, village=old.village, replaces=old)


def _added_already(request, programme, village, *, draft):
    """A replay of the "tambah calon" form (double click, back and send again; common.replays):
    the redirect to the list, saying the first sending saved the person; None otherwise. Also when
    the first sending's answer never reached the phone (poor signal): the draft the browser put
    back carries the first page's time, and goes once the officer is told."""
    since = shown_at(request.POST)
    nominee = since and selectors.nominee_added_since(
        user=request.user, programme=programme, village=village, since=since,
        nik_hash=nik_search_hash(request.POST.get("nik", "")))
    if not nominee:
        return None
    draft_done(request, draft)
    messages.info(request, f"{nominee.full_name} sudah tersimpan di daftar pada "
                           f"{format_datetime(timezone.localtime(nominee.created_at))} (kiriman pertama Anda); "
                           "kiriman kedua tidak menambah apa-apa.")
    return redirect("registrations:village", village_pk=village.pk)


def _nominee_form_page(request, *, programme, village, replaces):
    blocked = list_pages.why_no_place(programme, village=village) if request.method == "GET" else None
    draft = _draft_key(request.user, village, replaces=replaces)
    if request.method == "POST" and (already := _added_already(request, programme, village, draft=draft)):
        return already
    form = NomineeForm(list_pages.posted(request), programme=programme, village=village,
                       scope=region_scope(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            nominee = services.nominee_create(programme=programme, village=village, created_by=request.user,
                                              replaces=replaces, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            draft_done(request, draft)
            messages.success(request, f"{nominee.full_name} ditambahkan ke daftar (draf). "
                                      "Kirim ke kabupaten bila daftar sudah lengkap.")
            return redirect("registrations:village", village_pk=village.pk)
    # Two clicks at once: the first saved the person while this one was checked (its NIK is taken).
    if request.method == "POST" and (already := _added_already(request, programme, village, draft=draft)):
        return already
    return render(request, "registrations/nominee_form.html", {
        "form": form, "programme": programme, "village": village, "replaces": replaces, "blocked": blocked,
        "draft": draft, "blank_fields": None if blocked else blank_fields(form),
    })


@login_required
def nominee_update(request, pk):
    nominee, refused = _nominee_for_editing(request, pk)
    if refused:
        return refused
    form = NomineeForm(list_pages.posted(request), instance=nominee, programme=nominee.programme,
                       village=nominee.village, scope=region_scope(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            nominee = services.nominee_update(nominee=nominee, changed_by=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            return _refused_now(request, pk)
        else:
            draft_done(request, _draft_key(request.user, nominee.village, nominee=nominee))
            messages.success(request, f"Data {nominee.full_name} disimpan.")
            return redirect("registrations:village", village_pk=nominee.village_id)
    # The form shows the stored NIK and KK in full: a reveal, logged like an export.
    reveal_record(requested_by=request.user, regency=nominee.village.subdistrict.regency, village=nominee.village,
                  nominee_id=nominee.pk)
    return render(request, "registrations/nominee_form.html", {
        "form": form, "programme": nominee.programme, "village": nominee.village, "nominee": nominee,
        "draft": _draft_key(request.user, nominee.village, nominee=nominee),
    })


@login_required
def nominee_delete(request, pk):
    """GET asks to confirm; POST removes."""
    nominee, refused = _nominee_for_editing(request, pk)
    if refused:
        return refused
    if request.method == "POST":
        try:
            services.nominee_delete(nominee=nominee, deleted_by=request.user)
        except PermissionDenied:
            return _refused_now(request, pk)
        messages.success(request, f"{nominee.full_name} dihapus dari daftar.")
        return redirect("registrations:village", village_pk=nominee.village_id)
    return render(request, "registrations/nominee_confirm_delete.html", {"nominee": nominee})


@login_required
def village_submit(request, village_pk):
    """"Kirim ke kabupaten": sends the draft and corrected nominees, with the musdes minutes."""
    village = _village_for_editing(request.user, village_pk)
    programme = _programme_or_message(request, village)
    if programme is None:
        return redirect("registrations:village", village_pk=village.pk)
    has_minutes = selectors.minutes_on_file(programme, village)
    form = VillageSubmitForm(list_pages.posted(request), request.FILES if request.method == "POST" else None,
                             minutes_required=programme.requires_minutes and not has_minutes)
    if request.method == "POST" and (already := _sent_already(request, programme, village)):
        return already
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.village_list_submit(programme=programme, village=village, submitted_by=request.user,
                                                minutes=form.cleaned_data["minutes"])
        except (ValidationError, TransitionError) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, f"{sent} calon dikirim ke kabupaten. Data mereka terkunci sampai "
                                      "diperiksa verifikator dinas.")
            return redirect("registrations:village", village_pk=village.pk)
    # Two clicks at once: this one met the nominees the first had just sent.
    if request.method == "POST" and (already := _sent_already(request, programme, village)):
        return already
    pending = list(selectors.village_nominees_to_send(programme, village))
    return render(request, "registrations/village_submit.html", {
        "form": form, "programme": programme, "village": village, "pending": pending, "has_minutes": has_minutes,
    })


def _sent_already(request, programme, village):
    """A replay of the "kirim ke kabupaten" form (common.replays): the redirect to the list, saying
    the first sending sent it; None otherwise (also when new drafts wait since)."""
    since = shown_at(request.POST)
    submission = since and selectors.village_list_sent_since(user=request.user, programme=programme,
                                                             village=village, since=since)
    if not submission:
        return None
    sent_at = format_datetime(timezone.localtime(submission.last_submitted_at))
    messages.info(request, f"Daftar sudah dikirim ke kabupaten pada {sent_at} (kiriman pertama Anda); "
                           "kiriman kedua tidak mengubah apa-apa.")
    return redirect("registrations:village", village_pk=village.pk)
