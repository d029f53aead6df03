"""Who may read and enter coverage figures (UCJ, DOMAIN.md §4). Pure predicates: views, services
and commands all call them. Scope (which regions) comes from accounts.scope.region_scope."""

from __future__ import annotations

from accounts.enums import REGENCY_ROLES, Role
from accounts.scope import region_scope
from common.models import ExportRecord
from registrations.identifiers import identifiers_visible
from villages.models import Province, Regency
from villages.selectors import regency_of

# Regency staff who enter targets, official figures and village denominators: the admin, and the
# approver (the head of the office's side, who signs off the numbers sent to the regent).
COVERAGE_ENTRY_ROLES = frozenset({Role.REGENCY_ADMIN, Role.REGENCY_APPROVER})


def can_enter_coverage(user, region) -> bool:
    """Set a target, record an official figure or a village denominator for `region`: the regency
    admin or approver of the region's regency (a Regency, or a Subdistrict/Village within it), or
    the system administrator. Province targets and figures: the system administrator only."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_system_admin:
        return True
    regency = regency_of(region)
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
    regency = regency_of(region)
    if regency is None:
        return False
    return regency.pk in scope.regency_ids or regency.province_id in scope.province_ids


def can_open_export(user, record: ExportRecord) -> bool:
    """An export's status page and file: the person who asked, or a staff member of the same
    regency with the same right to NIK/KK in full (a masked file for those who see masked ones,
    a full one for those who see full ones). Everyone else: the 404 of a missing export."""
    if not user.is_authenticated or not user.is_active:
        return False
    if record.requested_by_id == user.pk:
        return True
    return (user.role in REGENCY_ROLES and record.regency_id in region_scope(user).regency_ids
            and identifiers_visible(user) == record.full_identifiers)


def can_see_export_log(user, regency: Regency) -> bool:
    """The regency's export log: its staff (every regency role) and the system administrator."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_system_admin:
        return True
    return user.role in REGENCY_ROLES and regency.pk in region_scope(user).regency_ids
