"""Who may make, download and answer BPJS export batches. Pure predicates: views, services and
commands all call them. Scope (which regions) is accounts.scope.region_scope; the role groups
are registrations.permissions' (the workflow's transition table uses the same ones)."""

from accounts.enums import BPJS_ROLES, EXPORT_BATCH_DOWNLOAD_ROLES, OFFICE_ROLES
from accounts.scope import region_scope
from registrations.identifiers import identifiers_visible


def can_create_export_batch(user, regency) -> bool:
    return (user.is_authenticated and user.role in OFFICE_ROLES
            and regency.pk in region_scope(user).regency_ids)


def can_download_export_batch(user, regency) -> bool:
    return (identifiers_visible(user) and user.role in EXPORT_BATCH_DOWNLOAD_ROLES
            and regency.pk in region_scope(user).regency_ids)


def can_import_bpjs_results(user, regency) -> bool:
    return (user.is_authenticated and user.role in BPJS_ROLES
            and regency.pk in region_scope(user).regency_ids)
