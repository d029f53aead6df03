"""Who may read and enter coverage figures (UCJ, DOMAIN.md §4). Pure predicates: views, services
and commands all call them. Scope (which regions) comes from villages.selectors.region_scope."""

from __future__ import annotations

from accounts.enums import Role
from villages.models import Province, Regency, Subdistrict, Village
from villages.selectors import region_scope

# Regency staff who enter targets, official figures and village denominators: the admin, and the
# approver (the head of the office's side, who signs off the numbers sent to the regent).
COVERAGE_ENTRY_ROLES = frozenset({Role.REGENCY_ADMIN, Role.REGENCY_APPROVER})


def _is_system_admin(user) -> bool:
    return user.role == Role.SYSTEM_ADMIN or user.is_superuser


def _regency_of(region) -> Regency | None:
    if isinstance(region, Regency):
        return region
    if isinstance(region, Subdistrict):
        return region.regency
    if isinstance(region, Village):
        return region.subdistrict.regency
    return None


def can_enter_coverage(user, region) -> bool:
    """Set a target, record an official figure or a village denominator for `region`: the regency
    admin or approver of the region's regency (a Regency, or a Subdistrict/Village within it), or
    the system administrator. Province targets and figures: the system administrator only."""
    if not user.is_authenticated or not user.is_active:
        return False
    if _is_system_admin(user):
        return True
    regency = _regency_of(region)
    return (regency is not None and user.role in COVERAGE_ENTRY_ROLES
            and regency.pk in region_scope(user).regency_ids)


def can_view_coverage(user, region) -> bool:
    """Read a region's coverage figures and snapshots: everyone above the village (regency staff,
    the regent's office, BPJS, province viewers, the system administrator) for regions within their
    scope. A province's figures: the system administrator and that province's viewers."""
    if not user.is_authenticated or not user.is_active or user.role == Role.VILLAGE_OFFICER:
        return False
    scope = region_scope(user)
    if scope.everything:
        return True
    if isinstance(region, Province):
        return region.pk in scope.province_ids
    regency = _regency_of(region)
    if regency is None:
        return False
    return regency.pk in scope.regency_ids or regency.province_id in scope.province_ids
