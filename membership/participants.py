"""BPJS's participant file (DOMAIN.md §8, §9): each month the branch sends the regency's list of
programme participants — Nomor KPJ · NIK · Nama · Status (aktif / tidak aktif) · Masa iur s.d. —
the source for who is paid and who is not. Preview (no writes), then apply on confirmation.

Each row gets one outcome:
- PAID: "aktif" with a paid-up date: the date is recorded and the member's status follows it
  (membership.rules.status_for_payment on the day of the import: arrears or lapsed → active);
- UNPAID: "tidak aktif": the member lapses (active or in arrears → lapsed), the date recorded if given;
- UNCHANGED: the portal already holds this date and this status: what makes re-importing the same
  file change nothing;
- UNKNOWN: no member with that NIK in the regency; NOT_A_MEMBER: the person is in the portal but not
  registered with BPJS (or their membership ended); KPJ_MISMATCH: the KPJ is not the member's;
- MALFORMED: a NIK or KPJ cell that is a number or not digits, an unreadable date, an unknown
  status, a NIK repeated in the file.
A file with a MALFORMED row is refused as a whole (nothing saved): the branch corrects it and sends
it again. The members of the regency BPJS no longer lists are shown in the result (`unlisted`),
not moved: the office asks the branch why.

The file is read by common.workbooks.read_table (the archive checks against bombs, the row limit)
and its cells by bpjs.answers' readers (numeric NIK and KPJ cells, dates as Excel or people write
them), as the answer file is. The status moves go through registrations.workflow
(nominees_follow_payment: bulk writes, event rows by the importer, one coverage recompute); a
paid-up date extended without a status change is one bulk UPDATE with its history rows
(workflow.nominees_paid_until_record). Who: the BPJS officer and the
office (bpjs.permissions.can_import_bpjs_results), as for the answer file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import transaction

from bpjs import answers
from bpjs.permissions import can_import_bpjs_results
from common import workbooks
from common.formatting import format_date, format_number
from registrations import workflow
from registrations.enums import MEMBER_STATES
from registrations.enums import NomineeStatus as S
from registrations.identifiers import masked_typed_nik
from registrations.models import Nominee
from registrations.nik import nik_search_hash

from . import rules

MAX_BYTES = answers.MAX_BYTES

PAID, UNPAID, UNCHANGED = "paid", "unpaid", "unchanged"
UNKNOWN, NOT_A_MEMBER, KPJ_MISMATCH, MALFORMED = "unknown", "not_a_member", "kpj_mismatch", "malformed"
OUTCOMES = (PAID, UNPAID, UNCHANGED, UNKNOWN, NOT_A_MEMBER, KPJ_MISMATCH, MALFORMED)
OUTCOME_LABELS = {
    PAID: "Iuran dibayar",
    UNPAID: "Tidak aktif",
    UNCHANGED: "Tidak berubah",
    UNKNOWN: "NIK tidak dikenal",
    NOT_A_MEMBER: "Bukan peserta terdaftar",
    KPJ_MISMATCH: "KPJ berbeda",
    MALFORMED: "Baris tidak sah",
}
# The rows that change something when saved.
CHANGING = (PAID, UNPAID)

COLUMNS = {"kpj_number": "Nomor KPJ", "nik": "NIK", "full_name": "Nama", "bpjs_status": "Status",
           "paid_until": "Masa iur s.d."}
REQUIRED = ("kpj_number", "nik", "bpjs_status", "paid_until")
# The branch writes these headers as it writes them in its answer file (bpjs.answers).
FIELDS_BY_HEADER = {header: name for header, name in answers.FIELDS_BY_HEADER.items() if name in COLUMNS}
_PAID_WORDS = frozenset({"aktif"})
_UNPAID_WORDS = frozenset({"tidak aktif", "non aktif", "nonaktif", "non-aktif"})


@dataclass
class ParticipantRow:
    """One row of the participant file and what importing it does (or did)."""

    row: int
    outcome: str
    message: str = ""
    nik: str = ""
    full_name: str = ""
    kpj_number: str = ""
    paid: bool = False  # "aktif"
    paid_until: dt.date | None = None
    nominee_pk: int | None = None
    from_status: str = ""
    to_status: str = ""
    applied: bool = False

    @property
    def nik_masked(self) -> str:
        return masked_typed_nik(self.nik)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    def as_dict(self) -> dict:
        """For --json: the NIK masked, no other identifier."""
        return {"row": self.row, "outcome": self.outcome, "message": self.message, "nik": self.nik_masked,
                "name": self.full_name, "kpj_number": self.kpj_number,
                "paid_until": self.paid_until.isoformat() if self.paid_until else None,
                "from_status": self.from_status, "to_status": self.to_status, "applied": self.applied}


@dataclass
class Unlisted:
    """A member of the regency the file does not list."""

    nominee_pk: int
    full_name: str
    kpj_number: str
    status: str
    village: str

    @property
    def status_label(self) -> str:
        return S(self.status).label


@dataclass
class ParticipantReport:
    on: dt.date
    rows: list[ParticipantRow] = field(default_factory=list)
    unlisted: list[Unlisted] = field(default_factory=list)
    applied: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def outcome_counts(self) -> list[tuple[str, str, int]]:
        return [(outcome, OUTCOME_LABELS[outcome], self.count(outcome)) for outcome in OUTCOMES]

    @property
    def refused(self) -> bool:
        """A file with a malformed row is not saved at all."""
        return self.count(MALFORMED) > 0

    @property
    def changing_count(self) -> int:
        return sum(1 for row in self.rows if row.outcome in CHANGING)

    @property
    def applied_count(self) -> int:
        return sum(1 for row in self.rows if row.applied)

    @property
    def summary(self) -> str:
        return (f"{format_number(self.applied_count)} peserta diperbarui, {format_number(self.count(UNCHANGED))} "
                f"tidak berubah, {format_number(len(self.unlisted))} peserta tidak ada di daftar BPJS")

    def as_dict(self) -> dict:
        return {"on": self.on.isoformat(), "refused": self.refused,
                "totals": {"rows": len(self.rows), **{outcome: self.count(outcome) for outcome in OUTCOMES}},
                "rows": [row.as_dict() for row in self.rows],
                "unlisted": [{"name": member.full_name, "kpj_number": member.kpj_number, "status": member.status,
                              "village": member.village} for member in self.unlisted]}


def report_to_json(report: ParticipantReport) -> bytes:
    """The result as the page keeps it beside the upload (common.uploads.store_result)."""
    data = {"on": report.on.isoformat(), "applied": report.applied,
            "rows": [{**asdict(row), "paid_until": row.paid_until and row.paid_until.isoformat()}
                     for row in report.rows],
            "unlisted": [asdict(member) for member in report.unlisted]}
    return json.dumps(data, separators=(",", ":")).encode()


def report_from_json(content: bytes) -> ParticipantReport:
    data = json.loads(content)
    rows = [ParticipantRow(**{**row, "paid_until": row["paid_until"] and dt.date.fromisoformat(row["paid_until"])})
            for row in data["rows"]]
    return ParticipantReport(on=dt.date.fromisoformat(data["on"]), rows=rows,
                             unlisted=[Unlisted(**member) for member in data["unlisted"]], applied=data["applied"])


# --- Reading the file -----------------------------------------------------------------------

def read_rows(content: bytes, *, first: int | None = None) -> list[tuple[int, dict]]:
    """The file's rows under its header (common.workbooks.read_table, with the answer file's
    limits), or only its `first` data rows when given (the upload's quick look at a file large
    enough for a job, as bpjs.answers.read_rows). Raises workbooks.WorkbookError for an unusable file."""
    return workbooks.read_table(content, max_bytes=MAX_BYTES, max_rows=settings.BPJS_ANSWER_MAX_ROWS,
                                fields_by_header=FIELDS_BY_HEADER, labels=COLUMNS, required=REQUIRED, key="nik",
                                what="Berkas daftar peserta BPJS", first=first)


def _parse(number: int, values: dict) -> ParticipantRow:
    row = ParticipantRow(row=number, outcome="", full_name=" ".join(str(values.get("full_name") or "").split()))
    problems = []
    row.nik, problem = answers.read_nik_cell(values.get("nik"))
    problems += [problem] if problem else []
    row.kpj_number, problem = answers.read_kpj_cell(values.get("kpj_number"))
    problems += [problem] if problem else []
    if not problem and not row.kpj_number:
        problems.append("Nomor KPJ kosong.")
    status = workbooks.normalise_header(values.get("bpjs_status"))
    if status in _PAID_WORDS:
        row.paid = True
    elif status not in _UNPAID_WORDS:
        problems.append(f"Status \"{values.get('bpjs_status')}\" tidak dikenal: isi aktif atau tidak aktif."
                        if status else "Status kosong: isi aktif atau tidak aktif.")
    row.paid_until, problem = answers.read_date_cell(values.get("paid_until"), label="Masa iur s.d.")
    problems += [problem] if problem else []
    if row.paid and not problem and row.paid_until is None:
        problems.append("Masa iur s.d. kosong, padahal status aktif.")
    if problems:
        row.outcome, row.message = MALFORMED, " ".join(problems)
    return row


# --- Preview and apply ----------------------------------------------------------------------

def participants_preview(*, content: bytes, regency, on: dt.date) -> ParticipantReport:
    """Reads the file and says what importing it on `on` would do, row by row, and which members of
    `regency` it leaves out; writes nothing. A fixed number of queries whatever the file's size.
    Raises workbooks.WorkbookError for an unusable file."""
    report = ParticipantReport(on=on, rows=[_parse(number, values) for number, values in read_rows(content)])
    _flag_repeated_niks(report.rows)
    candidates = [row for row in report.rows if row.outcome != MALFORMED]
    hashes = {row.nik: nik_search_hash(row.nik) for row in candidates}
    # Every nomination of these people in the regency, newest first: the member is the one
    # registered with BPJS (as the answer file's `_pick` prefers the one sent).
    by_hash: dict[str, list[dict]] = defaultdict(list)
    for nominee in (Nominee.objects.filter(nik_hash__in=set(hashes.values()), village__subdistrict__regency=regency)
                    .order_by("-pk").values("pk", "nik_hash", "full_name", "status", "kpj_number", "paid_until",
                                            "village__subdistrict__regency__settings__registration_means_active")):
        by_hash[nominee["nik_hash"]].append(nominee)
    grace = rules.grace_months_on(on)
    listed = set()
    for row in candidates:
        nominees = by_hash.get(hashes[row.nik], [])
        nominee = next((n for n in nominees if n["status"] in MEMBER_STATES), nominees[0] if nominees else None)
        _classify(row, nominee, on=on, grace=grace)
        if row.nominee_pk:
            listed.add(row.nominee_pk)
    report.unlisted = [
        Unlisted(nominee_pk=pk, full_name=name, kpj_number=kpj, status=status, village=village)
        for pk, name, kpj, status, village in (
            Nominee.objects.filter(village__subdistrict__regency=regency, status__in=sorted(MEMBER_STATES))
            .exclude(pk__in=listed).order_by("village__name", "full_name", "pk")
            .values_list("pk", "full_name", "kpj_number", "status", "village__name"))]
    return report


def _classify(row: ParticipantRow, nominee: dict | None, *, on: dt.date, grace: int) -> None:
    if nominee is None:
        row.outcome, row.message = UNKNOWN, "Tidak ada peserta dengan NIK ini di kabupaten/kota ini."
        return
    row.nominee_pk, row.from_status = nominee["pk"], nominee["status"]
    name, label = nominee["full_name"], S(nominee["status"]).label
    if nominee["status"] not in MEMBER_STATES:
        row.outcome = NOT_A_MEMBER
        row.message = f"{name} berstatus '{label}', bukan peserta terdaftar; tidak diubah."
        return
    if nominee["kpj_number"] != row.kpj_number:
        row.outcome = KPJ_MISMATCH
        row.message = (f"Nomor KPJ {row.kpj_number} bukan KPJ {name} di portal ({nominee['kpj_number'] or 'kosong'}); "
                       "tidak diubah. Minta kantor cabang BPJS memeriksanya.")
        return
    paid_until = row.paid_until or nominee["paid_until"]
    if row.paid:
        row.to_status = rules.status_for_payment(status=nominee["status"], paid_until=paid_until, on=on,
                                                 grace_months=grace, registration_means_active=True)
    else:
        row.to_status = S.LAPSED
    row.paid_until = paid_until
    if row.to_status == nominee["status"] and paid_until == nominee["paid_until"]:
        row.outcome, row.message = UNCHANGED, f"{name}: sudah tercatat '{label}', iuran s.d. {_day(paid_until)}."
        return
    row.outcome = PAID if row.paid else UNPAID
    moved = (f"'{label}' → '{S(row.to_status).label}'" if row.to_status != nominee["status"]
             else f"tetap '{label}'")
    row.message = f"{name}: masa iur s.d. {_day(nominee['paid_until'])} → {_day(paid_until)}, {moved}."


def _day(day: dt.date | None) -> str:
    return format_date(day) if day else "—"


def _flag_repeated_niks(rows: list[ParticipantRow]) -> None:
    by_nik: dict[str, list[ParticipantRow]] = defaultdict(list)
    for row in rows:
        if row.nik and row.outcome != MALFORMED:
            by_nik[row.nik].append(row)
    for repeated in by_nik.values():
        if len(repeated) > 1:
            numbers = ", ".join(str(row.row) for row in repeated[:10])
            for row in repeated:
                row.outcome = MALFORMED
                row.message = f"NIK yang sama ada di baris {numbers}; perbaiki berkas dan unggah lagi."


class FileRefused(Exception):
    """The file has malformed rows: nothing is saved."""


def participants_apply(*, content: bytes, regency, actor, on: dt.date) -> ParticipantReport:
    """Checks the file again (members may have moved since the preview) and, when no row is
    malformed, records it in one transaction: the paid-up dates (one bulk UPDATE) and the status
    moves (registrations.workflow.nominees_follow_payment, as `actor`: event rows, one coverage
    recompute per regency). Raises FileRefused (nothing saved) for a file with malformed rows,
    workflow.TransitionError for someone who may not import for `regency`. Importing the same file
    again changes nothing: its rows come back UNCHANGED."""
    if not can_import_bpjs_results(actor, regency):
        raise workflow.TransitionError("Anda tidak berwenang mengimpor daftar peserta BPJS untuk kabupaten/kota ini.")
    report = participants_preview(content=content, regency=regency, on=on)
    if report.refused:
        raise FileRefused(f"Berkas ditolak: {report.count(MALFORMED)} baris tidak sah. Tidak ada yang disimpan; "
                          "perbaiki barisnya lalu unggah lagi.")
    changing = [row for row in report.rows if row.outcome in CHANGING]
    with transaction.atomic():
        workflow.nominees_paid_until_record(
            paid_until={row.nominee_pk: row.paid_until for row in changing if row.to_status == row.from_status},
            actor=actor)
        moves = [workflow.payment_move(nominee_pk=row.nominee_pk, to_status=row.to_status, seen_status=row.from_status,
                                       reason=_reason(row, on=on), fields={"paid_until": row.paid_until})
                 for row in changing if row.to_status != row.from_status]
        result = workflow.nominees_follow_payment(moves=moves, actor=actor)
        refused = dict(result.refused)
        for row in changing:
            if row.nominee_pk in refused:
                row.message = refused[row.nominee_pk]
            else:
                row.applied = True
    report.applied = True
    return report


def _reason(row: ParticipantRow, *, on: dt.date) -> str:
    listed = "aktif" if row.paid else "tidak aktif"
    return f"Daftar peserta BPJS per {format_date(on)}: {listed}, masa iur s.d. {_day(row.paid_until)}."
