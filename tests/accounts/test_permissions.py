"""accounts/permissions.py: who manages and who browses a regency."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.permissions import can_browse_regency, can_manage_regency


@pytest.mark.parametrize(("persona", "expected"), [
    ("regency_admin", True),
    ("sysadmin", True),
    ("reviewer", False),
    ("approver", False),
    ("viewer", False),
    ("bpjs_officer", False),
    ("province_viewer", False),
    ("officer", False),
    ("other_admin", False),
])
def test_can_manage_seluma(request, seluma, persona, expected):
    assert can_manage_regency(request.getfixturevalue(persona), seluma) is expected


def test_other_admin_manages_their_own_regency(other_admin, other_regency):
    assert can_manage_regency(other_admin, other_regency) is True


@pytest.mark.parametrize(("persona", "expected"), [
    ("reviewer", True),
    ("viewer", True),
    ("province_viewer", True),
    ("sysadmin", True),
    ("officer", False),
])
def test_can_browse_regency(request, persona, expected):
    assert can_browse_regency(request.getfixturevalue(persona)) is expected


def test_strangers_can_do_nothing(seluma):
    assert (can_manage_regency(AnonymousUser(), seluma), can_browse_regency(AnonymousUser())) == (False, False)
