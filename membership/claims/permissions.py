"""Who may read and record benefit claims. Pure predicates: views, services and the import call
them. Scope (which regions) is accounts.scope.region_scope; the role groups are accounts.enums'."""

from accounts.enums import BPJS_ROLES, Role
from accounts.scope import region_scope


def _sees_regency(user, regency) -> bool:
    scope = region_scope(user)
    return scope.everything or regency.pk in scope.regency_ids or regency.province_id in scope.province_ids


def can_record_claims(user, regency) -> bool:
    """Record a claim by hand or import the branch's claims file: the BPJS officer and the regency
    admin of the regency (BPJS_ROLES, the same people who record the branch's registration answers)."""
    return (user.is_authenticated and user.is_active and user.role in BPJS_ROLES
            and regency.pk in region_scope(user).regency_ids)


def can_see_claims(user, regency) -> bool:
    """Read a regency's claims: everyone who reads the regency as a whole (regency staff, the
    regent's office, BPJS, the province viewer, the system administrator); not a village officer."""
    return (user.is_authenticated and user.is_active and user.role != Role.VILLAGE_OFFICER
            and _sees_regency(user, regency))
