"""Membership fixtures on top of the personas in tests/conftest.py: Seluma's 2026 programme
(`programme`: coverage from March 2026, Rp16,800 × 3 months) and members arranged with
`add_nominees`."""

import datetime as dt

import pytest

from membership import bills as rules

MARCH, APRIL, MAY = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)
TODAY = dt.date(2026, 6, 10)


def bill(first=MARCH, last=MARCH, members=10, amount=None, due_on=dt.date(2026, 3, 15), paid_on=None,
         payment_document="", months=None):
    """BillValues at the programme's Rp16,800 unless `amount` says otherwise."""
    months = months or rules.months_in(first, last)
    return rules.BillValues(first_month=first, last_month=last, members=members,
                            amount=amount if amount is not None else members * 16_800 * months, due_on=due_on,
                            paid_on=paid_on, payment_document=payment_document)


@pytest.fixture
def members(programme, niur, lubuk_sahung, add_nominees):
    """Seluma's members: 3 in Niur and 2 in Lubuk Sahung registered on 20 February 2026, one more in
    Niur registered on 10 April, and 2 nominees never registered (no KPJ)."""
    from registrations.enums import NomineeStatus as S

    early = add_nominees(programme, niur, 3, S.ACTIVE, dt.date(2026, 2, 20))
    early += add_nominees(programme, lubuk_sahung, 2, S.ACTIVE, dt.date(2026, 2, 20))
    late = add_nominees(programme, niur, 1, S.REGISTERED, dt.date(2026, 4, 10))
    add_nominees(programme, niur, 2, S.APPROVED)
    return early + late
