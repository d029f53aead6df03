"""Reads of programmes and nominees, always starting from the user's scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from villages.models import Village
from villages.selectors import region_scope

from .enums import NomineeStatus
from .models import Nominee, Programme


def programmes_for_user(user) -> QuerySet[Programme]:
    scope = region_scope(user)
    programmes = Programme.objects.select_related("regency")
    if scope.everything:
        return programmes
    return programmes.filter(
        regency_id__in=set(scope.regency_ids)
        | set(Village.objects.filter(pk__in=scope.village_ids).values_list("subdistrict__regency_id", flat=True)),
    ) | programmes.filter(regency__province_id__in=scope.province_ids)


def programme_get_for_user(user, pk) -> Programme:
    try:
        return programmes_for_user(user).get(pk=pk)
    except (Programme.DoesNotExist, ValueError):
        raise Http404("Program tidak ditemukan.") from None


def current_programme(regency_id: int, today: dt.date | None = None) -> Programme | None:
    """The stage a village works on: the one whose window is open today, else the latest."""
    today = today or timezone.localdate()
    programmes = Programme.objects.filter(regency_id=regency_id)
    return (
        programmes.filter(nomination_opens__lte=today, nomination_closes__gte=today).order_by("-coverage_start").first()
        or programmes.order_by("-coverage_start", "-pk").first()
    )


def nominees_for_user(user) -> QuerySet[Nominee]:
    return Nominee.objects.filter(region_scope(user).village_filter("village__"))


def nominee_get_for_user(user, pk) -> Nominee:
    try:
        return nominees_for_user(user).select_related("programme", "village__subdistrict__regency",
                                                      "occupation").get(pk=pk)
    except (Nominee.DoesNotExist, ValueError):
        raise Http404("Calon peserta tidak ditemukan.") from None


def village_nominees(programme: Programme, village: Village) -> QuerySet[Nominee]:
    """The village's list, returned items first (they need the officer), then in entry order."""
    return (
        Nominee.objects.filter(programme=programme, village=village)
        # replaced_by: services.nominee_can_be_replaced asks it of every row (one query, not N).
        .select_related("occupation", "replaced_by")
        .annotate(returned_first=Case(When(status=NomineeStatus.RETURNED, then=Value(0)), default=Value(1),
                                      output_field=IntegerField()))
        .order_by("returned_first", "created_at", "pk")
    )
