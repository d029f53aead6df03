"""demo/budget.py: the demo programme has Seluma's budget, a paid bill and an unpaid, flagged one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.scenario import DEMO_PROGRAMME_NAME
from membership.budget.selectors import programme_budget
from membership.models import BudgetEntry, PremiumBill
from registrations.models import Programme


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_demo_has_a_budget_a_paid_bill_and_an_unpaid_flagged_one(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # a second run adds nothing
    programme = Programme.objects.get(name=DEMO_PROGRAMME_NAME)

    assert list(BudgetEntry.objects.filter(programme=programme).values_list("source", "amount")) == [
        ("apbd", 101_808_000)]
    bills = list(PremiumBill.objects.filter(programme=programme).order_by("first_month"))
    figures, checked = programme_budget(programme, bills=bills, today=timezone.localdate())
    paid, unpaid = checked
    assert paid.bill.payment_document and not paid.check.flagged
    assert unpaid.bill.paid_on is None and unpaid.check.member_difference == 2
    assert figures.budget == 101_808_000 and figures.paid == paid.bill.amount
    assert figures.remaining == 101_808_000 - paid.bill.amount - unpaid.bill.amount
