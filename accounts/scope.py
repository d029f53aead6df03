"""Region scope: the one place that decides which regions a user may see.

Every list, detail page, export and API starts from a `*_for_user` queryset here (or from
`RegionScope.village_filter` for rows that hang off a village), so nothing shows more than the
user's regions. Out of scope and missing look the same: `*_get_for_user` raises Http404 for both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from villages.models import Province, Regency, Subdistrict, Village

from .enums import INSTITUTION_ROLES
from .system import is_system_account


@dataclass(frozen=True)
class RegionScope:
    everything: bool = False
    province_ids: frozenset[int] = frozenset()
    regency_ids: frozenset[int] = frozenset()
    village_ids: frozenset[int] = frozenset()

    def village_filter(self, path: str = "") -> Q:
        """Q for rows whose village (reached through `path`, e.g. "village__") lies in scope."""
        if self.everything:
            return Q()
        query = Q(pk__in=[])  # matches nothing: a user with no regions sees nothing
        if self.village_ids:
            query |= Q(**{f"{path}pk__in": self.village_ids})
        if self.regency_ids:
            query |= Q(**{f"{path}subdistrict__regency_id__in": self.regency_ids})
        if self.province_ids:
            query |= Q(**{f"{path}subdistrict__regency__province_id__in": self.province_ids})
        return query

    def regency_filter(self) -> Q:
        """Q on Regency: regencies the user sees as a whole (not a village officer's regency)."""
        if self.everything:
            return Q()
        return Q(pk__in=self.regency_ids) | Q(province_id__in=self.province_ids)

    def sees_village(self, village_id: int, regency_id: int, province_id: int) -> bool:
        """`village_filter` for one village already read (its regency and province known): no query."""
        return (self.everything or village_id in self.village_ids or regency_id in self.regency_ids
                or province_id in self.province_ids)

    @property
    def is_village_level(self) -> bool:
        return not self.everything and not self.regency_ids and not self.province_ids


def region_scope(user) -> RegionScope:
    """The user's scope, read once per request object (one query) and kept on the user."""
    if not user.is_authenticated or not user.is_active:
        return RegionScope()
    cached = getattr(user, "_region_scope", None)
    if cached is not None:
        return cached
    if user.is_system_admin or is_system_account(user):
        scope = RegionScope(everything=True)
    elif user.role in INSTITUTION_ROLES:
        # A nominating body's officer (lembaga pengusul) is assigned to its regency but sees no
        # region as such: no village list, no coverage page. What it sees is its body's nominees,
        # wherever in the regency they live (registrations.selectors.nominees_for_user).
        scope = RegionScope()
    else:
        rows = list(user.region_assignments.values_list("province_id", "regency_id", "village_id"))
        scope = RegionScope(
            province_ids=frozenset(p for p, _, _ in rows if p),
            regency_ids=frozenset(r for _, r, _ in rows if r),
            village_ids=frozenset(v for _, _, v in rows if v),
        )
    user._region_scope = scope
    return scope


def villages_for_user(user) -> QuerySet[Village]:
    return Village.objects.filter(region_scope(user).village_filter()).select_related("subdistrict__regency")


def village_get_for_user(user, pk) -> Village:
    """The village by its key, then the scope's own rule for one village read (`sees_village`): no
    scope filter built and sent on every page that starts from a village (every page of a village
    officer). Out of scope and missing both answer 404."""
    scope = region_scope(user)
    try:
        village = Village.objects.select_related("subdistrict__regency").get(pk=pk)
    except (Village.DoesNotExist, ValueError, TypeError):
        raise Http404("Desa/kelurahan tidak ditemukan.") from None
    regency = village.subdistrict.regency
    if not scope.sees_village(village.pk, regency.pk, regency.province_id):
        raise Http404("Desa/kelurahan tidak ditemukan.")
    return village


def regencies_for_user(user) -> QuerySet[Regency]:
    return Regency.objects.filter(region_scope(user).regency_filter()).select_related("province")


def regency_get_for_user(user, pk) -> Regency:
    try:
        return regencies_for_user(user).get(pk=pk)
    except (Regency.DoesNotExist, ValueError):
        raise Http404("Kabupaten/kota tidak ditemukan.") from None


def subdistricts_for_user(user) -> QuerySet[Subdistrict]:
    scope = region_scope(user)
    if scope.everything:
        return Subdistrict.objects.select_related("regency")
    return Subdistrict.objects.filter(
        Q(regency_id__in=scope.regency_ids) | Q(regency__province_id__in=scope.province_ids)
    ).select_related("regency")


def subdistrict_get_for_user(user, pk) -> Subdistrict:
    try:
        return subdistricts_for_user(user).get(pk=pk)
    except (Subdistrict.DoesNotExist, ValueError):
        raise Http404("Kecamatan tidak ditemukan.") from None


def provinces_for_user(user) -> QuerySet[Province]:
    scope = region_scope(user)
    if scope.everything:
        return Province.objects.all()
    return Province.objects.filter(pk__in=scope.province_ids)


def province_get_for_user(user, pk) -> Province:
    try:
        return provinces_for_user(user).get(pk=pk)
    except (Province.DoesNotExist, ValueError):
        raise Http404("Provinsi tidak ditemukan.") from None


def villages_with_officer_counts(subdistrict: Subdistrict) -> QuerySet[Village]:
    return (
        subdistrict.villages.filter(is_retired=False)
        .annotate(officer_count=Count("assignments", filter=Q(assignments__user__is_active=True)))
        .order_by("code")
    )


def home_regency_for_user(user) -> Regency | None:
    """The regency whose settings (office name, time zone) frame this user's pages."""
    assignment = (
        user.region_assignments.select_related("regency", "village__subdistrict__regency").first()
        if user.is_authenticated else None
    )
    if assignment is None:
        return None
    if assignment.regency_id:
        return assignment.regency
    if assignment.village_id:
        return assignment.village.subdistrict.regency
    return None
