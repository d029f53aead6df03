"""Reads of the budget room: a programme's money (budget, committed, billed, paid, remaining, months
left) and its bills checked against the members the app counts. Set-based: the figures of any
number of programmes, and the checks of any number of bills, take the same few queries.

Callers have already found the programme through registrations.selectors.programme_get_for_user
(and its regency through accounts.scope), so nothing here widens what a user sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from registrations.enums import FundingSource
from registrations.models import Programme

from .. import bills as rules
from ..models import BudgetEntry, PremiumBill


@dataclass(frozen=True)
class BudgetFigures:
    """A programme's money, in Rupiah. `remaining` is the budget less what BPJS billed (an unpaid
    bill is still owed from it); `months_left` is how many whole months of the members counted this
    month the remaining budget still pays (None without members)."""

    programme: Programme
    apbd: int
    apbd_p: int
    committed_members: int
    billed: int
    paid: int
    members_now: int

    @property
    def budget(self) -> int:
        return self.apbd + self.apbd_p

    @property
    def committed(self) -> int:
        """Members counted for the programme's funded months × premium × its months paid."""
        return rules.bill_expected_amount(self.programme, members=self.committed_members,
                                          months=self.programme.months_paid)

    @property
    def unpaid(self) -> int:
        return self.billed - self.paid

    @property
    def remaining(self) -> int:
        return self.budget - self.billed

    @property
    def monthly_cost(self) -> int:
        return rules.bill_expected_amount(self.programme, members=self.members_now, months=1)

    @property
    def months_left(self) -> int | None:
        if not self.monthly_cost:
            return None
        return max(self.remaining, 0) // self.monthly_cost


def _funded_key(programme_id: int) -> str:
    return f"funded_{programme_id}"


def _now_key(programme_id: int) -> str:
    return f"now_{programme_id}"


def _bill_key(bill_id: int) -> str:
    return f"bill_{bill_id}"


def _programme_periods(programmes: Sequence[Programme], today: dt.date) -> list[rules.CountedPeriod]:
    periods = []
    this_month = rules.month_start(today)
    for programme in programmes:
        start, end = rules.funded_period(programme)
        periods.append(rules.CountedPeriod(_funded_key(programme.pk), programme.pk, start, end))
        periods.append(rules.CountedPeriod(_now_key(programme.pk), programme.pk, this_month,
                                           rules.period_end(this_month)))
    return periods


def _bill_periods(bills: Sequence[PremiumBill]) -> list[rules.CountedPeriod]:
    return [rules.CountedPeriod(_bill_key(bill.pk), bill.programme_id, bill.first_month,
                                rules.period_end(bill.last_month)) for bill in bills]


def _figures(programmes: Sequence[Programme], counts: dict[str, int]) -> dict[int, BudgetFigures]:
    """Two queries: the budget per programme and source, and the bills' sums per programme."""
    ids = [programme.pk for programme in programmes]
    budgets: dict[tuple[int, str], int] = {
        (row["programme_id"], row["source"]): row["total"]
        for row in BudgetEntry.objects.filter(programme_id__in=ids).values("programme_id", "source")
        .annotate(total=Sum("amount")).order_by()
    }
    sums = {
        row["programme_id"]: row
        for row in PremiumBill.objects.filter(programme_id__in=ids).values("programme_id")
        .annotate(billed=Sum("amount"), paid=Sum("amount", filter=Q(paid_on__isnull=False))).order_by()
    }
    figures = {}
    for programme in programmes:
        bill_sums = sums.get(programme.pk, {})
        figures[programme.pk] = BudgetFigures(
            programme=programme,
            apbd=budgets.get((programme.pk, FundingSource.APBD), 0),
            apbd_p=budgets.get((programme.pk, FundingSource.APBD_P), 0),
            committed_members=counts.get(_funded_key(programme.pk)) or 0,
            billed=bill_sums.get("billed") or 0, paid=bill_sums.get("paid") or 0,
            members_now=counts.get(_now_key(programme.pk)) or 0,
        )
    return figures


@dataclass(frozen=True)
class CheckedBill:
    bill: PremiumBill
    check: rules.BillCheck


def programme_budget(programme: Programme, *, bills: Sequence[PremiumBill], today: dt.date
                     ) -> tuple[BudgetFigures, list[CheckedBill]]:
    """The programme's figures and `bills` (a page of its bills) each checked against the members
    the app counts for its period. Three queries: members counted (every period at once), budget
    sums, bill sums."""
    counts = rules.members_counted([*_programme_periods([programme], today), *_bill_periods(bills)])
    figures = _figures([programme], counts)[programme.pk]
    checked = [CheckedBill(bill, rules.bill_check(bill, programme=programme, counted=counts[_bill_key(bill.pk)]))
               for bill in bills]
    return figures, checked


def programmes_with_money(regency_id: int) -> QuerySet[Programme]:
    """The regency's programmes that have a budget entry or a bill, latest first."""
    return (Programme.objects.filter(regency_id=regency_id)
            .filter(Exists(BudgetEntry.objects.filter(programme=OuterRef("pk")))
                    | Exists(PremiumBill.objects.filter(programme=OuterRef("pk"))))
            .order_by("-year", "-stage", "name"))


def regency_budget_figures(regency_id: int, *, today: dt.date, limit: int = 5) -> list[BudgetFigures]:
    """The dashboard's figures: the regency's latest `limit` programmes with money. One query when
    there are none; four otherwise (programmes, members counted, budget sums, bill sums)."""
    programmes = list(programmes_with_money(regency_id)[:limit])
    if not programmes:
        return []
    counts = rules.members_counted(_programme_periods(programmes, today))
    figures = _figures(programmes, counts)
    return [figures[programme.pk] for programme in programmes]


def bill_for_period(programme: Programme, first_month: dt.date) -> PremiumBill | None:
    return PremiumBill.objects.filter(programme=programme, first_month=first_month).first()
