"""accounts/models.py: User.is_system_admin, the one test for "the system administrator", and the
places that ask it."""

import pytest
from django.test import RequestFactory

from accounts.enums import Role
from accounts.models import User
from accounts.permissions import can_manage_regency, can_reset_password
from accounts.scope import region_scope
from registrations.context_processors import notices as notices_context
from registrations.permissions import can_manage_programmes, can_see_review_pages
from reports.permissions import can_enter_coverage, can_see_export_log


@pytest.mark.parametrize(("role", "is_superuser", "expected"), [
    (Role.SYSTEM_ADMIN, True, True),
    (Role.SYSTEM_ADMIN, False, True),  # the role alone
    (Role.REGENCY_VIEWER, True, True),  # a superuser from createsuperuser keeps the default role
    (Role.VILLAGE_OFFICER, True, True),
    (Role.REGENCY_ADMIN, False, False),
    (Role.REGENCY_APPROVER, False, False),
    (Role.PROVINCE_VIEWER, False, False),
    (Role.VILLAGE_OFFICER, False, False),
])
def test_is_system_admin(role, is_superuser, expected):
    assert User(role=role, is_superuser=is_superuser).is_system_admin is expected


@pytest.fixture
def superuser(db):
    """A Django superuser made outside user_create: the default role, no region."""
    return User.objects.create_superuser(username="root", password="x", email="")


def test_a_superuser_of_any_role_is_the_system_administrator_everywhere(superuser, seluma, regency_admin):
    request = RequestFactory().get("/")
    request.user = superuser

    assert (superuser.role, region_scope(superuser).everything) == (Role.REGENCY_VIEWER, True)
    assert [can_manage_regency(superuser, seluma), can_reset_password(superuser, regency_admin, seluma),
            can_manage_programmes(superuser, seluma), can_see_review_pages(superuser, seluma),
            can_enter_coverage(superuser, seluma), can_see_export_log(superuser, seluma)] == [True] * 6
    assert notices_context(request)["shows_review_links"] is True


def test_a_regency_admin_may_not_reset_a_superuser(superuser, seluma, regency_admin, officer):
    assert (can_reset_password(regency_admin, superuser, seluma),
            can_reset_password(regency_admin, officer, seluma)) == (False, True)
