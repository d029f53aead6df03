"""Who may do what with programmes and nominees. Scope (which villages) is villages.selectors'."""

from django.db.models import Q

from accounts.enums import (
    DECISION_ROLES,
    INSTITUTION_ROLES,
    OFFICE_ROLES,
    PROGRAMME_MANAGER_ROLES,
    REVIEW_PAGE_ROLES,
    REVIEW_WORK_ROLES,
    Role,
)
from accounts.scope import region_scope

from .enums import EDITABLE_STATES


def can_edit_village_list(user, village) -> bool:
    """Add, edit, remove and submit nominees: only the village's own officer."""
    return (user.is_authenticated and user.role == Role.VILLAGE_OFFICER
            and village.pk in region_scope(user).village_ids)


def officer_body_id(user) -> int | None:
    """The nominating body a "lembaga pengusul" officer is bound to (BodyOfficer), None for anyone
    else; read once per request object (one query) and kept on the user, like the region scope."""
    if not user.is_authenticated or not user.is_active or user.role not in INSTITUTION_ROLES:
        return None
    if not hasattr(user, "_body_id"):
        from .models import BodyOfficer

        user._body_id = BodyOfficer.objects.filter(user=user).values_list("body_id", flat=True).first()
    return user._body_id


def nominee_scope(user) -> Q:
    """Q over Nominee for the nominees the user may see: those living in the user's regions; a
    nominating body's officer (no region as such, accounts.scope) sees its body's nominees,
    wherever they live. selectors.nominees_for_user and the workflow's lookup both start here."""
    body_id = officer_body_id(user)
    if body_id is not None:
        return Q(nominating_body_id=body_id)
    return region_scope(user).village_filter("village__")


def can_edit_body_list(user, body) -> bool:
    """Add, edit, remove and submit a nominating body's nominees: only the body's own officer."""
    return body is not None and officer_body_id(user) == body.pk


def can_keep_nominee(user, nominee) -> bool:
    """Whose list the nominee is on, whatever its status: the body's officer for a body's nominee
    (the village where the person lives only reads it), else the village's officer."""
    if nominee.nominating_body_id is not None:
        return officer_body_id(user) == nominee.nominating_body_id
    return can_edit_village_list(user, nominee.village)


def can_edit_nominee(user, nominee) -> bool:
    return nominee.status in EDITABLE_STATES and can_keep_nominee(user, nominee)


def _regency_staff_or_sysadmin(user, regency, roles: frozenset) -> bool:
    """One of `roles` working in the regency, or the system administrator (who sees everything)."""
    if not user.is_authenticated:
        return False
    if user.is_system_admin:
        return True
    return user.role in roles and regency.pk in region_scope(user).regency_ids


def can_manage_programmes(user, regency) -> bool:
    """Create and edit the regency's programmes and set village quotas: the regency admin
    (accounts.enums.PROGRAMME_MANAGER_ROLES, which says why not the reviewers and approvers) or the
    system administrator. The one rule: the programme pages, their buttons and the services ask here."""
    return _regency_staff_or_sysadmin(user, regency, PROGRAMME_MANAGER_ROLES)


def can_import_nominees(user, regency) -> bool:
    """Import the office's list of nominees for the whole regency (a DTSEN extract, another
    office's list): the regency admin and approver, or the system administrator."""
    return _regency_staff_or_sysadmin(user, regency, OFFICE_ROLES)


def can_see_review_pages(user, regency) -> bool:
    return _regency_staff_or_sysadmin(user, regency, REVIEW_PAGE_ROLES)


def works_in_review(user, regency) -> bool:
    """Staff who work the review (accounts.enums.REVIEW_WORK_ROLES) or the system administrator:
    pages lead them into the review pages and speak of verification. Everyone else who reads a
    village's list (the regent's office, the province, BPJS) reads it as a list, not as a queue."""
    return _regency_staff_or_sysadmin(user, regency, REVIEW_WORK_ROLES)


def can_decide_in(user, regency) -> bool:
    """Shows the decision controls (the workflow still checks each nominee)."""
    return (user.is_authenticated and user.role in DECISION_ROLES
            and regency.pk in region_scope(user).regency_ids)


def can_export_events(user, regency) -> bool:
    """The auditor's export of a regency's workflow events (names and masked NIKs only)."""
    return can_see_review_pages(user, regency)


