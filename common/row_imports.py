"""What the small all-or-nothing workbook imports share once their rows are checked: each row is
OK or ERROR, and an OK row is NEW, UPDATEs what is stored, or leaves it UNCHANGED. Used by the
official-figures import (reports/imports.py) and the premium bills import
(membership/budget/imports.py), which keep their own rows, rules and labels. Pure, no database."""

from __future__ import annotations

from dataclasses import dataclass

OK, ERROR = "ok", "error"
NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"  # what an OK row does to what is stored


@dataclass
class RowsReport:
    """The checked rows of one file (each with `status` and `action`), counted for the preview."""

    rows: list

    def count(self, *, status: str | None = None, action: str | None = None) -> int:
        return sum(1 for row in self.rows
                   if (status is None or row.status == status) and (action is None or row.action == action))

    @property
    def totals(self) -> dict[str, int]:
        return {"rows": len(self.rows), ERROR: self.count(status=ERROR), NEW: self.count(action=NEW),
                UPDATE: self.count(action=UPDATE), UNCHANGED: self.count(action=UNCHANGED)}
