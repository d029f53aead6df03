"""The region pages (wilayah): provinces, regencies, subdistricts and villages within the user's scope,
and a regency's settings. Here, not in villages, because they need who is asking (accounts.scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.permissions import can_browse_regency, can_manage_regency
from accounts.scope import (
    province_get_for_user,
    provinces_for_user,
    regencies_for_user,
    regency_get_for_user,
    subdistrict_get_for_user,
    village_get_for_user,
    villages_with_officer_counts,
)
from accounts.selectors import approval_shortfall
from accounts.views import refresh_session_regency
from villages import services
from villages.selectors import regency_settings_get, subdistricts_with_counts

from .forms import RegencySettingsForm

VILLAGES_PER_PAGE = 100


@login_required
def index(request):
    """Provinces with the regencies loaded in them, for the system administrator and viewers."""
    provinces = provinces_for_user(request.user).annotate(
        regency_count=Count("regencies", filter=Q(regencies__is_retired=False)),
    ).filter(regency_count__gt=0).order_by("code")  # Meta.ordering does not apply to GROUP BY queries
    return render(request, "villages/region_index.html", {"provinces": provinces})


@login_required
def province_detail(request, pk):
    province = province_get_for_user(request.user, pk)
    regencies = regencies_for_user(request.user).filter(province=province, is_retired=False).annotate(
        subdistrict_count=Count("subdistricts", filter=Q(subdistricts__is_retired=False)),
    ).order_by("code")
    return render(request, "villages/province_detail.html", {"province": province, "regencies": regencies})


@login_required
def regency_detail(request, pk):
    regency = regency_get_for_user(request.user, pk)
    if not can_browse_regency(request.user):
        raise Http404
    subdistricts = list(subdistricts_with_counts(regency))
    return render(request, "villages/regency_detail.html", {
        "regency": regency,
        "subdistricts": subdistricts,
        "village_total": sum(s.village_count for s in subdistricts),
        "kelurahan_total": sum(s.kelurahan_count for s in subdistricts),
        "regency_settings": regency_settings_get(regency),
        "can_manage": can_manage_regency(request.user, regency),
    })


@login_required
def subdistrict_detail(request, pk):
    subdistrict = subdistrict_get_for_user(request.user, pk)
    page = Paginator(villages_with_officer_counts(subdistrict), VILLAGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "villages/subdistrict_detail.html", {"subdistrict": subdistrict, "page": page})


@login_required
def village_detail(request, pk):
    village = village_get_for_user(request.user, pk)
    return render(request, "villages/village_detail.html", {
        "village": village,
        "officers": [a.user for a in village.assignments.select_related("user").filter(user__is_active=True)],
    })


@login_required
def regency_settings_edit(request, pk):
    regency = regency_get_for_user(request.user, pk)
    if not can_manage_regency(request.user, regency):
        raise Http404
    current = regency_settings_get(regency)
    form = RegencySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.regency_settings_update(regency=regency, changed_by=request.user, **form.cleaned_data)
        refresh_session_regency(request)
        messages.success(request, "Pengaturan kabupaten/kota disimpan.")
        return redirect("villages:regency-detail", pk=regency.pk)
    return render(request, "villages/regency_settings_edit.html", {
        "regency": regency, "form": form, "shortfall": approval_shortfall(regency),
    })
