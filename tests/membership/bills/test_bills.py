"""membership/bills.py and membership/budget/services.py: who the app counts for a period, a bill's
problems, and recording bills (one per first month, so the same bill twice changes nothing)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from membership import bills as rules
from membership.budget import services
from membership.models import PremiumBill
from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

from .conftest import APRIL, MARCH, MAY, TODAY, bill


def _count(programme, start, end):
    return rules.members_counted([rules.CountedPeriod("n", programme.pk, start, end)])["n"]


def test_months_and_labels():
    assert rules.months_in(MARCH, MAY) == 3
    assert rules.months_in(dt.date(2026, 12, 1), dt.date(2027, 2, 1)) == 3
    assert rules.period_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    assert rules.period_label(MARCH, MAY) == "Maret – Mei 2026"
    assert rules.period_label(MARCH, MARCH) == "Maret 2026"
    assert rules.period_label(dt.date(2026, 12, 1), dt.date(2027, 2, 1)) == "Desember 2026 – Februari 2027"


def test_members_counted_are_registered_by_the_period_end_and_not_ended_before_its_start(programme, members):
    # March: the five registered in February; the one registered on 10 April is not yet a member.
    assert _count(programme, MARCH, dt.date(2026, 3, 31)) == 5
    assert _count(programme, APRIL, dt.date(2026, 4, 30)) == 6
    # One ends on 15 April: still counted for April (billed whole months), not for May.
    ended = members[0]
    Nominee.objects.filter(pk=ended.pk).update(
        status=S.ENDED, status_changed_at=timezone.make_aware(dt.datetime(2026, 4, 15, 9)))
    assert _count(programme, APRIL, dt.date(2026, 4, 30)) == 6
    assert _count(programme, MAY, dt.date(2026, 5, 31)) == 5


def test_members_counted_takes_one_query_for_any_number_of_periods(programme, members, django_assert_num_queries):
    periods = [rules.CountedPeriod(f"p{month}", programme.pk, dt.date(2026, month, 1),
                                   rules.period_end(dt.date(2026, month, 1))) for month in range(3, 9)]
    with django_assert_num_queries(1):
        counts = rules.members_counted(periods)
    assert counts == {"p3": 5, "p4": 6, "p5": 6, "p6": 6, "p7": 6, "p8": 6}


def test_members_counted_by_village(programme, members, niur, lubuk_sahung):
    rows = rules.members_counted_by_village(programme, start=MARCH, end=dt.date(2026, 3, 31))
    assert [(row["village__name"], row["members"]) for row in rows] == [(niur.name, 3), (lubuk_sahung.name, 2)]


@pytest.mark.parametrize(("values", "field", "message"), [
    (bill(first=APRIL, last=MARCH, amount=1), "last_month", "Periode sampai tidak boleh sebelum periode mulai."),
    (bill(first=dt.date(2026, 2, 1), last=dt.date(2026, 2, 1)), "first_month", "Periode mulai sebelum program mulai"),
    (bill(members=0, amount=1), "members", "Jumlah peserta harus lebih dari 0."),
    (bill(paid_on=dt.date(2026, 3, 10)), "payment_document", "Tagihan yang sudah dibayar perlu nomor SP2D."),
    (bill(payment_document="SP2D 1"), "paid_on", "Isi tanggal bayar sesuai SP2D"),
    (bill(paid_on=dt.date(2026, 7, 1), payment_document="SP2D 1"), "paid_on", "sesudah hari ini"),
])
def test_bill_problems(programme, values, field, message):
    problems = rules.bill_problems(values, programme=programme, other_periods=[], today=TODAY)
    assert len(problems) == 1
    assert problems[0][0] == field and message in problems[0][1]


def test_a_bill_overlapping_another_is_refused_but_its_own_period_is_not(programme):
    problems = rules.bill_problems(bill(first=APRIL, last=MAY), programme=programme,
                                   other_periods=[(MARCH, APRIL), (APRIL, APRIL)], today=TODAY)
    assert problems == [("first_month", "Periode bertumpang tindih dengan tagihan Maret – April 2026; satu bulan "
                                        "hanya ditagih sekali.")]


def test_bill_check_flags_members_and_amount_differences(programme):
    stored = PremiumBill(first_month=MARCH, last_month=MAY, members=12, amount=12 * 16_800 * 3 + 500)
    check = rules.bill_check(stored, programme=programme, counted=10)
    assert (check.months, check.member_difference, check.expected_amount, check.amount_difference) == (
        3, 2, 604_800, 500)
    assert check.flagged
    assert check.summary == ("ditagih 2 peserta lebih banyak dari yang tercatat; jumlah tagihan berbeda Rp500 dari "
                             "peserta × iuran × bulan")
    assert not rules.bill_check(PremiumBill(first_month=MARCH, last_month=MARCH, members=10, amount=168_000),
                                programme=programme, counted=10).flagged


def test_recording_the_same_bill_twice_changes_nothing_and_paying_it_updates_it(programme, regency_admin):
    assert services.bill_record(programme=programme, values=bill(), recorded_by=regency_admin, today=TODAY) == "new"
    assert services.bill_record(programme=programme, values=bill(), recorded_by=regency_admin,
                                today=TODAY) == "unchanged"
    paid = bill(paid_on=dt.date(2026, 3, 12), payment_document="0007/SP2D-LS/2026")
    assert services.bill_record(programme=programme, values=paid, recorded_by=regency_admin, today=TODAY) == "update"

    stored = PremiumBill.objects.get(programme=programme)
    assert (stored.paid_on, stored.payment_document, stored.amount) == (dt.date(2026, 3, 12), "0007/SP2D-LS/2026",
                                                                        168_000)


def test_bills_record_is_all_or_nothing(programme, regency_admin):
    with pytest.raises(ValidationError, match="Tagihan 04-2026"):
        services.bills_record(programme=programme, recorded_by=regency_admin, today=TODAY,
                              rows=[bill(), bill(first=APRIL, last=APRIL, members=0)])
    assert not PremiumBill.objects.exists()


def test_bills_record_writes_in_a_fixed_number_of_statements(programme, regency_admin, django_assert_max_num_queries):
    rows = [bill(first=dt.date(2026, month, 1), last=dt.date(2026, month, 1)) for month in range(3, 13)]
    # savepoint, the lock, the stored bills, one INSERT, release: whatever the number of rows.
    with django_assert_max_num_queries(6):
        result = services.bills_record(programme=programme, recorded_by=regency_admin, today=TODAY, rows=rows)
    assert result == {"new": 10, "update": 0, "unchanged": 0}


@pytest.mark.parametrize("persona", ["reviewer", "viewer", "bpjs_officer", "other_admin"])
def test_only_the_paying_office_records_bills_and_budgets(request, programme, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.bill_record(programme=programme, values=bill(), recorded_by=user, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.budget_entry_create(programme=programme, source="apbd", amount=1, legal_basis="Perbup",
                                     decided_on=TODAY, created_by=user)
