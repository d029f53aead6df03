"""Programme pages for regency staff: the regency's programmes, create, edit, and a programme's
detail with its money (premium, budget) and per-village quota overrides.

Who: anyone who may see the regency (regency staff, the bupati's office, BPJS, the province)
reads; only `permissions.can_manage_programmes` writes. A regency out of scope, and a write page
for someone who may only read, are the same 404 as a missing regency or programme. Writes go
through services.programme_create / programme_update / village_quota_set.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.enums import DECISION_ROLES
from accounts.scope import regency_get_for_user
from common.formatting import format_number, format_rupiah
from registrations import services
from registrations.enums import ACTIVE_STATES, QuotaRule
from registrations.models import VillageQuota
from registrations.permissions import can_import_nominees, can_manage_programmes
from registrations.premiums import programme_budget
from registrations.quotas import places_taken, places_taken_by_village, programme_quota_total, quota_rule_label
from registrations.selectors import programme_get_for_user, programmes_for_user
from villages.selectors import regency_settings_get

from .forms import ProgrammeForm, VillageQuotaForm


def _window_label(programme, today) -> str:
    if today < programme.nomination_opens:
        return "belum dibuka"
    if today > programme.nomination_closes:
        return "sudah ditutup"
    return "dibuka"


@login_required
def programme_list(request, regency_pk):
    regency = regency_get_for_user(request.user, regency_pk)
    today = timezone.localdate()
    programmes = list(
        programmes_for_user(request.user).filter(regency=regency)
        .annotate(active_count=Count("nominees", filter=Q(nominees__status__in=ACTIVE_STATES)))
        .order_by("-year", "-stage", "name")
    )
    for programme in programmes:
        programme.window_label = _window_label(programme, today)
        programme.premium_label = format_rupiah(programme.premium_per_month)
        programme.quota_rule_label = quota_rule_label(programme)
    can_manage = can_manage_programmes(request.user, regency)
    return render(request, "registrations/programme_list.html", {
        "regency": regency,
        "programmes": programmes,
        "can_manage": can_manage,
        # Reviewers and approvers were once told (and may still expect) that they set up programmes.
        "managed_by_admin_note": not can_manage and request.user.role in DECISION_ROLES,
    })


@login_required
def programme_create(request, regency_pk):
    regency = regency_get_for_user(request.user, regency_pk)
    if not can_manage_programmes(request.user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    today = timezone.localdate()
    initial = {"year": today.year, "implementing_office": regency_settings_get(regency).office_name}
    form = ProgrammeForm(request.POST or None, initial=initial, regency=regency)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(regency=regency, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Program {programme} dibuat. Iuran {format_rupiah(programme.premium_per_month)} "
                                      "per pekerja per bulan.")
            return redirect("registrations:programme-detail", pk=programme.pk)
    return render(request, "registrations/programme_form.html", {"regency": regency, "form": form, "programme": None})


@login_required
def programme_edit(request, pk):
    programme = _programme_to_manage(request.user, pk)
    form = ProgrammeForm(request.POST or None, instance=programme, regency=programme.regency)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_update(programme=programme, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Perubahan {programme} disimpan.")
            return redirect("registrations:programme-detail", pk=programme.pk)
    return render(request, "registrations/programme_form.html",
                  {"regency": programme.regency, "form": form, "programme": programme})


@login_required
def programme_detail(request, pk):
    programme = _programme_for_regency_staff(request.user, pk)
    return _render_detail(request, programme, quota_form=None)


@login_required
@require_POST
def programme_village_quota(request, pk):
    """Sets one village's quota; errors are shown on the detail page."""
    programme = _programme_to_manage(request.user, pk)
    form = VillageQuotaForm(request.POST, programme=programme)
    if form.is_valid():
        village = form.cleaned_data["village"]
        try:
            override = services.village_quota_set(programme=programme, village=village,
                                                  quota=form.cleaned_data["quota"], changed_by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if override is None:
                messages.success(request, f"{village.name} kembali memakai kuota umum ({programme.quota_per_village}).")
            else:
                messages.success(request, f"Kuota {village.name} menjadi {override.quota}.")
            return redirect("registrations:programme-detail", pk=programme.pk)
    return _render_detail(request, programme, quota_form=form, status=400)


def _add_service_errors(form, error: ValidationError) -> None:
    """Shows a service's ValidationError next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _programme_for_regency_staff(user, pk):
    """The programme, if the user sees its regency as a whole (village officers do not): else 404."""
    programme = programme_get_for_user(user, pk)
    regency_get_for_user(user, programme.regency_id)
    return programme


def _programme_to_manage(user, pk):
    """The programme, for those who may change its regency's programmes: anyone else gets the 404
    of a missing programme, whether or not they may read it."""
    programme = _programme_for_regency_staff(user, pk)
    if not can_manage_programmes(user, programme.regency):
        raise Http404("Program tidak ditemukan.")
    return programme


def _render_detail(request, programme, *, quota_form, status=200):
    can_manage = can_manage_programmes(request.user, programme.regency)
    per_village = programme.quota_rule == QuotaRule.PER_VILLAGE
    if per_village and can_manage and quota_form is None:
        quota_form = VillageQuotaForm(programme=programme)
    overrides = list(
        VillageQuota.objects.filter(programme=programme)
        .select_related("village__subdistrict").order_by("village__code")
    )
    taken_by_village = places_taken_by_village(programme, [override.village_id for override in overrides])
    for override in overrides:
        override.taken = taken_by_village.get(override.village_id, 0)
    budget = programme_budget(programme)
    quota_total = programme_quota_total(programme)
    return render(request, "registrations/programme_detail.html", {
        "programme": programme,
        "regency": programme.regency,
        "can_manage": can_manage,
        "can_import": can_import_nominees(request.user, programme.regency),
        "window_label": _window_label(programme, timezone.localdate()),
        "premium_label": format_rupiah(programme.premium_per_month),
        "quota_rule_label": quota_rule_label(programme),
        "budget_label": format_rupiah(budget) if budget is not None else None,
        "quota_total_label": None if quota_total is None else format_number(quota_total),
        "places_taken_label": format_number(places_taken(programme)),
        "income_tier_label": format_rupiah(programme.income_tier),
        "overrides": overrides,
        "quota_form": quota_form if per_village and can_manage else None,
    }, status=status)
