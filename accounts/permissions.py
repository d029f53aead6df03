"""Pure predicates on who may do what. Views and services both call them; scope (which regions)
comes from villages.selectors, the role from the user."""

from accounts.scope import region_scope

from .enums import CONTACT_ROLES, REGENCY_ROLES, RESET_BY_SYSTEM_ADMIN_ROLES, Role


def can_manage_regency(user, regency) -> bool:
    """Edit the regency's settings and create its village accounts."""
    if not user.is_authenticated:
        return False
    if user.is_system_admin:
        return True
    return user.role == Role.REGENCY_ADMIN and regency.pk in region_scope(user).regency_ids


def can_browse_regency(user) -> bool:
    """See the regency overview and its subdistricts (everyone above the village)."""
    return user.is_authenticated and user.role != Role.VILLAGE_OFFICER


def is_regency_staff(user) -> bool:
    return user.is_authenticated and user.role in REGENCY_ROLES


def can_reset_password(admin, user, regency) -> bool:
    """The system administrator resets anyone's password but their own; a regency admin resets the
    regency's village officers, its viewer and its BPJS officer, never a reviewer's, an approver's
    or an admin's (`RESET_BY_SYSTEM_ADMIN_ROLES`: one person holding a reviewer's and an approver's
    new passwords could defeat four eyes). `user` must already be known to work in `regency`."""
    if admin.pk == user.pk or not can_manage_regency(admin, regency):
        return False
    if admin.is_system_admin:
        return True
    return user.role not in RESET_BY_SYSTEM_ADMIN_ROLES and not user.is_system_admin


def can_edit_contact(admin, user, regency) -> bool:
    """Change an account's name and phone number on *Akun pengguna*: whoever manages the regency
    (its admin, the system administrator). `user` must already be known to work in `regency`.
    A name and a phone number give no right, so unlike a password any account of the regency."""
    return can_manage_regency(admin, regency)


def can_see_phone_numbers(user) -> bool:
    """An account's phone number in full (submission tracking, its Excel, *Akun pengguna*): the
    staff who call villages (`CONTACT_ROLES`). Everyone else gets common.phones.phone_masked and no
    WhatsApp link; the system administrator handles no personal data, so is masked too."""
    return user.is_authenticated and user.role in CONTACT_ROLES and not user.is_superuser
