"""membership.rules: the months unpaid, the grace period in force on a date, and the status a
member's payment calls for."""

import datetime as dt

import pytest

from membership import rules
from membership.models import GracePeriod
from registrations.enums import NomineeStatus as S

D = dt.date


@pytest.mark.parametrize(("paid_until", "on", "months"), [
    (D(2026, 1, 31), D(2026, 1, 31), 0),
    (D(2026, 1, 31), D(2026, 2, 1), 1),
    (D(2026, 1, 31), D(2026, 2, 28), 1),
    (D(2026, 1, 31), D(2026, 3, 1), 2),
    (D(2026, 6, 14), D(2026, 9, 14), 3),
    (D(2026, 6, 14), D(2026, 9, 15), 4),
    (None, D(2026, 9, 15), 0),
])
def test_months_unpaid_counts_the_months_begun_after_the_paid_period(paid_until, on, months):
    assert rules.months_unpaid(paid_until, on) == months


@pytest.mark.parametrize(("status", "on", "expected"), [
    (S.ACTIVE, D(2026, 6, 14), S.ACTIVE),      # the last paid day
    (S.ACTIVE, D(2026, 6, 15), S.ARREARS),     # the day after
    (S.ACTIVE, D(2026, 9, 14), S.ARREARS),     # 3 months unpaid: still within the grace period
    (S.ACTIVE, D(2026, 9, 15), S.LAPSED),      # more than 3 months
    (S.ARREARS, D(2026, 9, 15), S.LAPSED),
    (S.LAPSED, D(2026, 7, 1), S.LAPSED),       # lapsed stays lapsed until paid
    (S.REGISTERED, D(2026, 6, 1), S.ACTIVE),
    (S.ENDED, D(2026, 9, 15), S.ENDED),        # an ended membership is not the payment's to move
])
def test_status_for_payment(status, on, expected):
    assert rules.status_for_payment(status=status, paid_until=D(2026, 6, 14), on=on, grace_months=3,
                                    registration_means_active=True) == expected


def test_a_registered_member_stays_registered_where_registration_is_not_activity():
    assert rules.status_for_payment(status=S.REGISTERED, paid_until=D(2026, 6, 14), on=D(2026, 6, 1),
                                    grace_months=3, registration_means_active=False) == S.REGISTERED


def test_a_member_without_a_paid_up_date_is_left_as_is():
    assert rules.status_for_payment(status=S.ACTIVE, paid_until=None, on=D(2030, 1, 1), grace_months=3,
                                    registration_means_active=True) == S.ACTIVE


@pytest.mark.django_db
def test_the_grace_period_is_the_row_in_force_on_the_date():
    GracePeriod.objects.create(valid_from=D(2027, 1, 1), months=2, legal_basis="Peraturan baru (uji)")

    assert (rules.grace_months_on(D(2026, 12, 31)), rules.grace_months_on(D(2027, 1, 1))) == (3, 2)
