"""Membership fixtures on top of the personas in tests/conftest.py: Seluma's 2026 stage I with
members registered on 15 March 2026, judged on fixed dates."""

import datetime as dt

import pytest

from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

REGISTERED_ON = dt.date(2026, 3, 15)


@pytest.fixture
def members(programme, niur, add_nominees):
    """members(count, status, paid_until) → Niur's members in `status`, paid up to `paid_until`."""

    def _add(count, status=S.ACTIVE, paid_until=dt.date(2026, 6, 14), village=niur):
        added = add_nominees(programme, village, count, status, REGISTERED_ON)
        Nominee.objects.filter(pk__in=[n.pk for n in added]).update(paid_until=paid_until)
        return [Nominee.objects.get(pk=n.pk) for n in added]

    return _add
