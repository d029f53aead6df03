"""Importing premium bills from the branch's spreadsheet: preview (no writes), then apply (the
officer confirmed) through services.bills_record, all rows in one transaction.

The same discipline as the other imports (reports/imports.py, bpjs/answers.py): the file is read
and refused as a whole by common.workbooks (wrong type, too large, a decompression bomb, missing
columns, no data), then waits as a staged upload (common.uploads) under a random token until the
officer confirms; confirming reads it again and checks every row again against the bills stored
by then. Unlike the official figures, a bill file is all or nothing: money is not half recorded,
so while any row is refused the preview offers no Simpan and nothing is saved. Re-importing the
same file changes nothing: a row equal to the stored bill of its first month is UNCHANGED.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from common.row_imports import ERROR, NEW, OK, UNCHANGED, UPDATE, RowsReport
from registrations.models import Programme

from .. import bills as rules
from ..models import PremiumBill
from . import services, workbook

ACTION_LABELS = {NEW: "tagihan baru", UPDATE: "memperbarui tagihan tersimpan", UNCHANGED: "sama dengan yang tersimpan"}
ROW_COLUMN = "Baris"


@dataclass
class RowOutcome:
    row: int
    values: dict
    status: str = OK
    action: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "")

    def bill_values(self) -> rules.BillValues:
        return rules.BillValues(**{name: self.values[name] for name in (
            "first_month", "last_month", "members", "amount", "due_on")},
            paid_on=self.values.get("paid_on"), payment_document=self.values.get("payment_document") or "")


class ImportReport(RowsReport):
    rows: list[RowOutcome]

    @property
    def can_apply(self) -> bool:
        """All or nothing: every row readable and acceptable, and at least one changes something."""
        return not self.count(status=ERROR) and bool(self.count(action=NEW) + self.count(action=UPDATE))


def import_preview(*, rows: list[workbook.SheetRow], programme: Programme,
                   today: dt.date | None = None) -> ImportReport:
    """Checks every row against the programme, the bills stored and the file's other rows; writes
    nothing. One query whatever the number of rows (the programme's bills)."""
    today = today or timezone.localdate()
    stored = {bill.first_month: bill for bill in PremiumBill.objects.filter(programme=programme)}
    outcomes = [RowOutcome(row=row.number, values=dict(row.values), errors=list(row.problems)) for row in rows]
    _flag_repeats(outcomes)
    readable = [outcome for outcome in outcomes if not outcome.errors]
    periods = {first: (first, bill.last_month) for first, bill in stored.items()}
    periods.update({o.values["first_month"]: (o.values["first_month"], o.values["last_month"]) for o in readable})
    for outcome in readable:
        values = outcome.bill_values()
        for name, message in rules.bill_problems(values, programme=programme, other_periods=periods.values(),
                                                 today=today):
            outcome.errors.append((workbook.HEADER_BY_FIELD[name], message))
        if not outcome.errors:
            outcome.action = services.bill_change(stored.get(values.first_month), values)
    for outcome in outcomes:
        if outcome.errors:
            outcome.status = ERROR
    return ImportReport(rows=outcomes)


def import_apply(*, rows: list[workbook.SheetRow], programme: Programme, recorded_by,
                 today: dt.date | None = None) -> ImportReport:
    """The preview again, then, when every row is acceptable, services.bills_record of all of them
    in one transaction (which checks them once more under the programme's lock). Returns the
    report; with refused rows nothing is written. PermissionDenied for users who may not record
    bills; ValidationError when a bill saved meanwhile makes a row unacceptable (nothing saved)."""
    report = import_preview(rows=rows, programme=programme, today=today)
    if report.count(status=ERROR):
        return report
    services.bills_record(programme=programme, rows=[outcome.bill_values() for outcome in report.rows],
                          recorded_by=recorded_by, today=today)
    return report


def _flag_repeats(outcomes: list[RowOutcome]) -> None:
    """One first month, one row: the file cannot say which of two bills for it is right."""
    by_month: dict[dt.date, list[RowOutcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.values.get("first_month"):
            by_month[outcome.values["first_month"]].append(outcome)
    for month, repeated in by_month.items():
        if len(repeated) > 1:
            numbers = ", ".join(str(outcome.row) for outcome in repeated)
            for outcome in repeated:
                outcome.errors.append((ROW_COLUMN, f"Periode mulai {month:%m-%Y} ada di baris {numbers}; sisakan "
                                                   "satu baris."))
