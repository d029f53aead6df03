"""Accounts fixtures on top of the personas in tests/conftest.py."""

import pytest

from accounts.enums import Role
from accounts.services import user_create
from villages.models import Province

INITIAL_PASSWORD = "Awal-2026xyz"


@pytest.fixture
def bengkulu(seluma):
    return Province.objects.get(code="17")


@pytest.fixture
def new_officer(niur):
    """Niur's officer on the day the account was handed over: the initial password must be changed."""
    return user_create(username="op-1705012002", role=Role.VILLAGE_OFFICER, regions=[niur],
                       password=INITIAL_PASSWORD, must_change_password=True, full_name="Siti Aminah")
