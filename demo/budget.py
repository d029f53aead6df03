"""The demo programme's money (DOMAIN.md §9): Seluma's budget from the Perbup, Rp101,808,000 for
2,020 workers × Rp16,800 × 3 months, and two of BPJS's bills: the first month's, paid by SP2D, and
the next two months', not yet paid, billing two members more than the portal counts (the budget
page flags it). Written through the membership services as the demo's regency admin. Safe to run
again: a programme that already has a budget is left alone."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from membership import bills as rules
from membership.budget import services
from membership.models import BudgetEntry
from registrations.enums import FundingSource
from registrations.models import Nominee, Programme

SELUMA_BUDGET = 2_020 * 16_800 * 3  # Rp101,808,000 (DOMAIN.md §3)
EXTRA_BILLED = 2  # members BPJS bills that the portal does not count


def demo_budget_load(regency, *, programme_name: str, admin_username: str) -> None:
    programme = Programme.objects.filter(regency=regency, name=programme_name).first()
    if programme is None or BudgetEntry.objects.filter(programme=programme).exists():
        return
    admin = User.objects.get(username=admin_username)
    services.budget_entry_create(programme=programme, source=FundingSource.APBD, amount=SELUMA_BUDGET,
                                 legal_basis=programme.legal_basis or "Perbup Seluma (contoh)",
                                 decided_on=dt.date(programme.year - 1, 12, 15), created_by=admin)
    first = rules.month_start(programme.coverage_start)
    second, third = rules.add_months(first, 1), rules.add_months(first, 2)
    counted = rules.members_counted([
        rules.CountedPeriod("first", programme.pk, first, rules.period_end(first)),
        rules.CountedPeriod("rest", programme.pk, second, rules.period_end(third)),
    ]) if Nominee.objects.filter(programme=programme).exists() else {"first": 0, "rest": 0}
    today = dt.date.today()
    paid_members = max(counted["first"], 1)
    unpaid_members = counted["rest"] + EXTRA_BILLED
    services.bills_record(programme=programme, recorded_by=admin, today=today, rows=[
        rules.BillValues(first_month=first, last_month=first, members=paid_members,
                         amount=rules.bill_expected_amount(programme, members=paid_members, months=1),
                         due_on=first + dt.timedelta(days=14), paid_on=today,
                         payment_document=f"0001/SP2D-LS/BPKAD/{today.year}"),
        rules.BillValues(first_month=second, last_month=third, members=unpaid_members,
                         amount=rules.bill_expected_amount(programme, members=unpaid_members, months=2),
                         due_on=second + dt.timedelta(days=14)),
    ])
