"""Regions the villages tests name, on top of the personas in tests/conftest.py."""

import pytest

from villages.models import Province


@pytest.fixture
def bengkulu(seluma):
    """Provinsi Bengkulu (17): the province of both loaded regencies."""
    return Province.objects.get(code="17")

