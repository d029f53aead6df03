"""Who may do what in the membership pages. Pure predicates: views and services both call them.
Scope (which regions) comes from accounts.scope.region_scope."""

from __future__ import annotations

from accounts.enums import OFFICE_ROLES
from accounts.scope import region_scope


def can_manage_budget(user, regency) -> bool:
    """Enter a programme's budget, record its premium bills and their payment (by hand or from the
    branch's spreadsheet): the office that pays (accounts.enums.OFFICE_ROLES: the regency admin
    and approver) of the regency, or the system administrator. Everyone who may read the
    programme reads its budget page."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_system_admin:
        return True
    return user.role in OFFICE_ROLES and regency.pk in region_scope(user).regency_ids
