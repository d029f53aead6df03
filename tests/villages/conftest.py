"""Regions the villages tests name, on top of the personas in tests/conftest.py."""

import pytest

from villages.models import Province, Subdistrict


@pytest.fixture
def bengkulu(seluma):
    """Provinsi Bengkulu (17): the province of both loaded regencies."""
    return Province.objects.get(code="17")


@pytest.fixture
def sukaraja(seluma):
    """Kecamatan Sukaraja (17.05.01), where Niur and Lubuk Sahung lie: 21 villages."""
    return Subdistrict.objects.get(code="17.05.01")
