"""The nominating bodies' pages (lembaga pengusul, DOMAIN §9).

The body's officer: "Daftar lembaga" (the body's list in the programme that accepts it, its quota),
add / edit / remove a nominee (the village where the person lives picked on the form) and "kirim ke
kabupaten". The regency admin: the regency's bodies, and per body the programmes' quotas and the
officer accounts. Regency staff who read the review pages read a body's list.

Scope: selectors.body_get_for_user and nominee_get_for_user (404 for missing and out of scope
alike); changing needs permissions.can_edit_body_list or can_manage_programmes (404 otherwise).
The rules (window, the body's quota, NIK, duplicates) are services.nominee_create's and
quotas.body_standing's, the same as for a village.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.scope import regency_get_for_user
from common.access_log import reveal_record
from common.working_days import working_days
from registrations import body_services, list_pages, quotas, selectors, services
from registrations.enums import EDITABLE_STATES
from registrations.enums import NomineeStatus as S
from registrations.identifiers import identifiers_visible, shown_nik
from registrations.models import ProgrammeBody
from registrations.permissions import (
    can_edit_body_list,
    can_edit_nominee,
    can_manage_programmes,
    can_see_review_pages,
    officer_body_id,
)
from registrations.workflow import TransitionError

from .forms import BodyNomineeForm, BodyOfficerForm, NominatingBodyForm, ProgrammeBodyForm

NOMINEES_PER_PAGE = 50
BODIES_PER_PAGE = 50


@login_required
def body_home(request):
    """The body officer's start page: its body's list."""
    body_id = officer_body_id(request.user)
    if body_id is None:
        raise Http404("Lembaga pengusul tidak ditemukan.")
    return redirect("registrations:body", pk=body_id)


def _body_for_reading(user, pk):
    body = selectors.body_get_for_user(user, pk)
    if not (can_edit_body_list(user, body) or can_see_review_pages(user, body.regency)):
        raise Http404("Lembaga pengusul tidak ditemukan.")
    return body


def _body_for_editing(user, pk):
    body = selectors.body_get_for_user(user, pk)
    if not can_edit_body_list(user, body):
        raise Http404("Lembaga pengusul tidak ditemukan.")
    return body


@login_required
def body(request, pk):
    """"Daftar lembaga": the programme that accepts the body, its quota and the body's list."""
    body = _body_for_reading(request.user, pk)
    programme = selectors.body_programme(body)
    can_edit = can_edit_body_list(request.user, body)
    context = {"body": body, "programme": programme, "can_edit": can_edit,
               "can_manage": can_manage_programmes(request.user, body.regency)}
    if programme is not None:
        today = timezone.localdate()
        is_open = services.nomination_is_open(programme, today)
        standing = quotas.body_standing(programme, body)
        full_identifiers = identifiers_visible(request.user)
        nominees = selectors.body_nominees(programme, body)
        page = Paginator(nominees, NOMINEES_PER_PAGE).get_page(request.GET.get("page"))
        rows = [{"nominee": nominee, "nik": shown_nik(nominee, full=full_identifiers),
                 "editable": can_edit and nominee.status in EDITABLE_STATES} for nominee in page.object_list]
        pending = nominees.filter(status__in=EDITABLE_STATES).count() if can_edit else 0
        context.update({
            "is_open": is_open, "not_yet_open": today < programme.nomination_opens,
            "working_days_left": working_days(today, programme.nomination_closes) if is_open else None,
            "quota": standing, "rows": rows, "page": page, "pending": pending,
            "can_add": can_edit and is_open and not standing.is_full,
            "can_submit": can_edit and pending > 0,
            "returned_count": nominees.filter(status=S.RETURNED).count(),
            "submitted_at": body_services.submitted_at(programme, body),
        })
    return render(request, "registrations/body_detail.html", context)


def _programme_or_message(request, body):
    programme = selectors.body_programme(body)
    if programme is None:
        messages.error(request, "Belum ada program yang menerima usulan dari lembaga Anda. Tunggu kabar dari dinas.")
    return programme


@login_required
def body_nominee_create(request, pk):
    body = _body_for_editing(request.user, pk)
    programme = _programme_or_message(request, body)
    if programme is None:
        return redirect("registrations:body", pk=body.pk)
    blocked = list_pages.why_no_place(programme, body=body) if request.method == "GET" else None
    form = BodyNomineeForm(list_pages.posted(request), body=body, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            nominee = services.nominee_create(programme=programme, created_by=request.user, nominating_body=body,
                                              **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{nominee.full_name} ditambahkan ke daftar lembaga (draf). "
                                      "Kirim ke kabupaten bila daftar sudah lengkap.")
            return redirect("registrations:body", pk=body.pk)
    return render(request, "registrations/body_nominee_form.html",
                  {"form": form, "programme": programme, "body": body, "blocked": blocked})


def _nominee_for_editing(request, pk):
    """(nominee, None) when the body's officer may change it now; (nominee, redirect) with a message
    when it is the body's but already sent; 404 when it is not the body's."""
    nominee = selectors.nominee_get_for_user(request.user, pk)
    if nominee.nominating_body_id is None or not can_edit_body_list(request.user, nominee.nominating_body):
        raise Http404("Calon peserta tidak ditemukan.")
    if not can_edit_nominee(request.user, nominee):
        messages.error(request, list_pages.locked_message(nominee))
        return nominee, redirect("registrations:body", pk=nominee.nominating_body_id)
    return nominee, None


@login_required
def body_nominee_update(request, pk):
    nominee, refused = _nominee_for_editing(request, pk)
    if refused:
        return refused
    body = nominee.nominating_body
    form = BodyNomineeForm(list_pages.posted(request), body=body, programme=nominee.programme, instance=nominee)
    if request.method == "POST" and form.is_valid():
        try:
            nominee = services.nominee_update(nominee=nominee, changed_by=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            raise Http404("Calon peserta tidak ditemukan.") from None
        else:
            messages.success(request, f"Data {nominee.full_name} disimpan.")
            return redirect("registrations:body", pk=body.pk)
    # The form shows the stored NIK and KK in full: a reveal, logged like an export.
    reveal_record(requested_by=request.user, regency=body.regency, village=nominee.village, nominee_id=nominee.pk)
    return render(request, "registrations/body_nominee_form.html",
                  {"form": form, "programme": nominee.programme, "body": body, "nominee": nominee})


@login_required
def body_nominee_delete(request, pk):
    """GET asks to confirm; POST removes."""
    nominee, refused = _nominee_for_editing(request, pk)
    if refused:
        return refused
    if request.method == "POST":
        try:
            services.nominee_delete(nominee=nominee, deleted_by=request.user)
        except PermissionDenied:
            raise Http404("Calon peserta tidak ditemukan.") from None
        messages.success(request, f"{nominee.full_name} dihapus dari daftar lembaga.")
        return redirect("registrations:body", pk=nominee.nominating_body_id)
    return render(request, "registrations/body_nominee_confirm_delete.html", {"nominee": nominee})


@login_required
def body_submit(request, pk):
    """"Kirim ke kabupaten": GET shows who will be sent, POST sends."""
    body = _body_for_editing(request.user, pk)
    programme = _programme_or_message(request, body)
    if programme is None:
        return redirect("registrations:body", pk=body.pk)
    error = None
    if request.method == "POST":
        try:
            sent = body_services.body_list_submit(programme=programme, body=body, submitted_by=request.user)
        except (ValidationError, TransitionError) as problem:
            error = " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)
        else:
            messages.success(request, f"{sent} calon dikirim ke kabupaten. Data mereka terkunci sampai "
                                      "diperiksa verifikator dinas.")
            return redirect("registrations:body", pk=body.pk)
    pending = list(selectors.body_nominees(programme, body).filter(status__in=EDITABLE_STATES))
    return render(request, "registrations/body_submit.html",
                  {"body": body, "programme": programme, "pending": pending, "error": error})


# --- The regency admin: bodies, their quotas and accounts ----------------------------------------

@login_required
def regency_bodies(request, regency_pk):
    """The regency's nominating bodies, and the form that records a new one."""
    regency = regency_get_for_user(request.user, regency_pk)
    if not can_manage_programmes(request.user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    form = NominatingBodyForm(list_pages.posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = body_services.nominating_body_create(regency=regency, created_by=request.user,
                                                           **form.cleaned_data)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, f"{created.name} dicatat. Atur kuotanya di program dan buat akun operatornya.")
            return redirect("registrations:body-manage", pk=created.pk)
    bodies = selectors.bodies_for_user(request.user).filter(regency=regency).order_by("name")
    page = Paginator(bodies, BODIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registrations/regency_bodies.html", {"regency": regency, "form": form, "page": page})


@login_required
def body_manage(request, pk):
    """One body for the regency admin: the programmes that accept it with their quotas, and its
    officer accounts (a new account's password is shown once, here)."""
    body = selectors.body_get_for_user(request.user, pk)
    if not can_manage_programmes(request.user, body.regency):
        raise Http404("Lembaga pengusul tidak ditemukan.")
    posted = list_pages.posted(request)
    what = request.POST.get("what") if posted is not None else None
    quota_form = ProgrammeBodyForm(posted if what == "quota" else None, body=body)
    officer_form = BodyOfficerForm(posted if what == "officer" else None)
    new_account = None
    if what == "quota" and quota_form.is_valid():
        try:
            body_services.programme_body_set(programme=quota_form.cleaned_data["programme"], body=body,
                                             quota=quota_form.cleaned_data["quota"], changed_by=request.user)
        except ValidationError as error:
            quota_form.add_error("quota", error)
        else:
            messages.success(request, f"Kuota {body.name} disimpan.")
            return redirect("registrations:body-manage", pk=body.pk)
    elif what == "officer" and officer_form.is_valid():
        user, password = body_services.body_officer_create(body=body, created_by=request.user,
                                                           full_name=officer_form.cleaned_data["full_name"])
        new_account = {"username": user.username, "password": password}
        officer_form = BodyOfficerForm()  # made: the form is empty again for another officer
    places = ProgrammeBody.objects.filter(body=body).select_related("programme").order_by("-programme__coverage_start")
    officers = body.officers.select_related("user").order_by("user__username")
    return render(request, "registrations/body_manage.html", {
        "body": body, "quota_form": quota_form, "officer_form": officer_form, "places": places,
        "officers": officers, "new_account": new_account,
    })
