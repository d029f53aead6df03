"""Writes of the budget room: a budget entry, and premium bills recorded one by one (the form) or
many at once (the import). A programme has one bill per first month, so recording a bill for a
period already billed updates that bill: entering or importing the same bill again changes
nothing. Every write locks the programme row first, so two officers saving bills of one
programme at the same moment are checked one after the other (no two overlapping bills).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from registrations.models import Programme

from .. import bills as rules
from ..models import BudgetEntry, PremiumBill
from ..permissions import can_manage_budget

BILL_FIELDS = ("last_month", "members", "amount", "due_on", "paid_on", "payment_document")


def budget_entry_create(*, programme: Programme, source: str, amount: int, legal_basis: str, decided_on: dt.date,
                        created_by) -> BudgetEntry:
    """Adds an allocation (APBD or APBD-P, per Perbup) to the programme's budget. Only
    `can_manage_budget` users (PermissionDenied)."""
    if not can_manage_budget(created_by, programme.regency):
        raise PermissionDenied
    if amount <= 0:
        raise ValidationError({"amount": "Jumlah anggaran harus lebih dari 0."})
    return BudgetEntry.objects.create(programme=programme, source=source, amount=amount, legal_basis=legal_basis,
                                      decided_on=decided_on, created_by=created_by)


def _lock(programme: Programme) -> None:
    Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk").get()


def bill_change(existing: PremiumBill | None, values: rules.BillValues) -> str:
    """"new", "update" or "unchanged": what recording `values` does to the bill of its first month."""
    if existing is None:
        return "new"
    same = all(getattr(existing, name) == getattr(values, name) for name in BILL_FIELDS)
    return "unchanged" if same else "update"


def bills_record(*, programme: Programme, rows: Sequence[rules.BillValues], recorded_by,
                 today: dt.date | None = None) -> dict[str, int]:
    """Records the bills `rows` of the programme in one transaction, under the programme's lock:
    new first months are created, changed ones updated, equal ones left alone (bulk statements,
    whatever the number of rows). Every row is checked again (rules.bill_problems, against the
    bills stored and the other rows); if one is refused, nothing is saved (ValidationError naming
    the period). Returns how many were new, updated and unchanged. Only `can_manage_budget` users
    (PermissionDenied)."""
    if not can_manage_budget(recorded_by, programme.regency):
        raise PermissionDenied
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock(programme)
        stored = {bill.first_month: bill for bill in PremiumBill.objects.filter(programme=programme)}
        periods = {first: (first, bill.last_month) for first, bill in stored.items()}
        periods.update({row.first_month: (row.first_month, row.last_month) for row in rows})
        created, updated, result = [], [], {"new": 0, "update": 0, "unchanged": 0}
        for row in rows:
            problems = rules.bill_problems(row, programme=programme, other_periods=periods.values(), today=today)
            if problems:
                messages = " ".join(message for _, message in problems)
                raise ValidationError(f"Tagihan {row.first_month:%m-%Y}: {messages}")
            existing = stored.get(row.first_month)
            change = bill_change(existing, row)
            result[change] += 1
            if change == "new":
                created.append(PremiumBill(
                    programme=programme, first_month=row.first_month, created_by=recorded_by, updated_by=recorded_by,
                    **{name: getattr(row, name) for name in BILL_FIELDS}))
            elif change == "update":
                for name in BILL_FIELDS:
                    setattr(existing, name, getattr(row, name))
                existing.updated_by = recorded_by
                existing.updated_at = timezone.now()
                updated.append(existing)
        PremiumBill.objects.bulk_create(created, batch_size=500)
        PremiumBill.objects.bulk_update(updated, [*BILL_FIELDS, "updated_by", "updated_at"], batch_size=500)
    return result


def bill_record(*, programme: Programme, values: rules.BillValues, recorded_by,
                today: dt.date | None = None) -> str:
    """One bill from the form (a new period, or the payment of a period already billed): the same
    path as the import. Returns "new", "update" or "unchanged"."""
    result = bills_record(programme=programme, rows=[values], recorded_by=recorded_by, today=today)
    return next(change for change, count in result.items() if count)
