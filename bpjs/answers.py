"""The BPJS branch's answer file (DOMAIN.md §8): preview (no writes) and apply (on confirmation).

The branch answers an export batch with a workbook: NIK · Nama · Nomor KPJ · Tanggal kepesertaan ·
Masa iur s.d. · Status (aktif/ditolak) · Keterangan. Each row gets one outcome:
- MATCHED: a nominee of the importer's regency, sent in a batch and still waiting: "aktif" will
  register it (workflow.register_move, KPJ kept as text), "ditolak" will refuse it
  (workflow.refuse_move; the village gets a notice with the Keterangan); applying records all
  matched rows together (workflow.nominees_record_bpjs_answers: one transaction, bulk writes);
- UNKNOWN_NIK: no nominee with that NIK in the regency (another regency's NIK lands here too);
- NOT_IN_BATCH: the nominee exists but was never sent in an export batch;
- ALREADY_REGISTERED: registered with the same KPJ, unchanged. With ALREADY_DECIDED (refused
  earlier, or any other state) this is what makes importing the same file twice change nothing;
- KPJ_TAKEN: "aktif" with a KPJ number another person already holds in the portal: one KPJ is one
  member, so it is never recorded for a second person (the branch must correct its file);
- MALFORMED: a NIK or KPJ that is not text digits, no KPJ or date for "aktif", an unknown status,
  or a NIK or KPJ number that repeats inside the file.

Who: the BPJS officer and the regency admin of the regency (permissions.BPJS_ROLES), the same people
the workflow lets record the branch's answer. Between preview and confirmation the file waits on
disk under a random token (uploads.store), never in the session: it holds NIKs.
"Masa iur s.d." (optional) is stored on the nominee with the KPJ number (Nominee.paid_until).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from common import workbooks
from common.formatting import format_date, format_number
from registrations import workflow
from registrations.enums import MEMBER_STATES, NomineeStatus
from registrations.identifiers import masked_typed_nik
from registrations.models import Nominee
from registrations.nik import nik_search_hash, normalise_nik, strip_separators
from registrations.nominee_import.workbook import numeric_identifier_message

from .permissions import can_import_bpjs_results

S = NomineeStatus
MAX_BYTES = 5 * 1024 * 1024

MATCHED = "matched"
UNKNOWN_NIK = "unknown_nik"
NOT_IN_BATCH = "not_in_batch"
ALREADY_REGISTERED = "already_registered"
ALREADY_DECIDED = "already_decided"
KPJ_TAKEN = "kpj_taken"
MALFORMED = "malformed"
OUTCOMES = (MATCHED, UNKNOWN_NIK, NOT_IN_BATCH, ALREADY_REGISTERED, ALREADY_DECIDED, KPJ_TAKEN, MALFORMED)
OUTCOME_LABELS = {
    MATCHED: "Cocok",
    UNKNOWN_NIK: "NIK tidak dikenal",
    NOT_IN_BATCH: "Belum pernah dikirim",
    ALREADY_REGISTERED: "Sudah terdaftar",
    ALREADY_DECIDED: "Sudah diputuskan",
    KPJ_TAKEN: "KPJ milik orang lain",
    MALFORMED: "Baris tidak sah",
}
# After apply, a matched row becomes one of these (or SKIPPED when the workflow refused it meanwhile).
REGISTERED, REFUSED, SKIPPED = "registered", "refused", "skipped"
# Rows the portal already held as the branch answers them: nothing to record, nothing to fix.
UNCHANGED_OUTCOMES = (ALREADY_REGISTERED, ALREADY_DECIDED)
# What the result page counts (AnswerReport.result_totals) and how it names each count.
UNCHANGED, NOT_RECORDED = "unchanged", "not_recorded"
RESULT_LABELS = {
    REGISTERED: "Nomor KPJ dicatat",
    REFUSED: "Penolakan BPJS dicatat",
    UNCHANGED: "Tidak berubah (sudah tercatat)",
    NOT_RECORDED: "Belum tercatat: perlu diperbaiki",
}

REGISTER, REFUSE = "register", "refuse"
_STATUS_WORDS = {"aktif": REGISTER, "ditolak": REFUSE}
DEFAULT_REFUSAL = "Ditolak BPJS Ketenagakerjaan tanpa keterangan; hubungi dinas."
_KPJ_HEADER = "Nomor KPJ"

COLUMNS = {
    "nik": "NIK",
    "full_name": "Nama",
    "kpj_number": _KPJ_HEADER,
    "registered_on": "Tanggal kepesertaan",
    "paid_until": "Masa iur s.d.",
    "bpjs_status": "Status",
    "remarks": "Keterangan",
}
REQUIRED = ("nik", "kpj_number", "bpjs_status")
# Branches write the headers their own way; each is compared after workbooks.normalise_header.
_ALIASES = {
    "nik": ["nik", "no nik", "nomor nik", "nik ktp", "nomor induk kependudukan"],
    "full_name": ["nama", "nama lengkap", "nama peserta", "nama tenaga kerja"],
    "kpj_number": ["nomor kpj", "no kpj", "kpj", "nomor peserta", "no peserta", "kpj number", "nomor kartu"],
    "registered_on": ["tanggal kepesertaan", "tgl kepesertaan", "tanggal kepesertaan bpjs", "tanggal terdaftar",
                      "tgl terdaftar", "tmt", "tanggal mulai"],
    "paid_until": ["masa iur s d", "masa iur sd", "masa iur sampai", "masa iur sampai dengan", "iur s d",
                   "masa iuran s d", "masa iuran sd"],
    "bpjs_status": ["status", "status kepesertaan", "status peserta"],
    "remarks": ["keterangan", "ket", "alasan", "catatan"],
}
FIELDS_BY_HEADER = {header: name for name, headers in _ALIASES.items() for header in headers}
_HEADER_ROWS = 10  # a title above the table is tolerated
_LISTED_ROWS = 10
BLANK_RUN = 1000  # blank rows in a row that end the data (a sheet formatted far below its last row)


@dataclass
class AnswerRow:
    """One row of the answer file and what importing it does (or did)."""

    row: int
    outcome: str
    message: str
    nik: str = ""
    full_name: str = ""
    action: str = ""  # REGISTER or REFUSE when the status was read
    kpj_number: str = ""
    registered_on: dt.date | None = None
    paid_until: dt.date | None = None
    remarks: str = ""
    nominee_pk: int | None = None
    applied: str = ""  # after apply: REGISTERED, REFUSED or SKIPPED (matched rows only)

    @property
    def nik_masked(self) -> str:
        return masked_typed_nik(self.nik)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def refusal_reason(self) -> str:
        return self.remarks or DEFAULT_REFUSAL

    @property
    def result(self) -> str:
        """After apply: REGISTERED, REFUSED, UNCHANGED (the portal already held this answer) or
        NOT_RECORDED (the row is left to fix: its `message` says why)."""
        if self.applied in (REGISTERED, REFUSED):
            return self.applied
        return UNCHANGED if self.outcome in UNCHANGED_OUTCOMES else NOT_RECORDED

    @property
    def problem_label(self) -> str:
        """Why a NOT_RECORDED row was not recorded, in a word or two."""
        return "Tidak jadi dicatat" if self.outcome == MATCHED else self.outcome_label

    def as_dict(self) -> dict:
        """For --json: the NIK masked, no other identifier."""
        return {"row": self.row, "outcome": self.outcome, "message": self.message, "nik": self.nik_masked,
                "name": self.full_name, "action": self.action, "kpj_number": self.kpj_number,
                "registered_on": self.registered_on.isoformat() if self.registered_on else None,
                "paid_until": self.paid_until.isoformat() if self.paid_until else None,
                **({"applied": self.applied} if self.applied else {})}


@dataclass
class AnswerReport:
    rows: list[AnswerRow] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def totals(self) -> dict[str, int]:
        return {"rows": len(self.rows), **{outcome: self.count(outcome) for outcome in OUTCOMES}}

    @property
    def outcome_counts(self) -> list[tuple[str, str, int]]:
        return [(outcome, OUTCOME_LABELS[outcome], self.count(outcome)) for outcome in OUTCOMES]

    @property
    def matched_rows(self) -> list[AnswerRow]:
        return [row for row in self.rows if row.outcome == MATCHED]

    @property
    def applied_totals(self) -> dict[str, int]:
        registered = sum(1 for row in self.rows if row.applied == REGISTERED)
        refused = sum(1 for row in self.rows if row.applied == REFUSED)
        return {REGISTERED: registered, REFUSED: refused, SKIPPED: len(self.rows) - registered - refused}

    @property
    def result_totals(self) -> dict[str, int]:
        """After apply: how many rows were recorded as registered and as refused, how many the
        portal already held (unchanged), and how many are left to fix (not recorded)."""
        totals = dict.fromkeys(RESULT_LABELS, 0)
        for row in self.rows:
            totals[row.result] += 1
        return totals

    @property
    def result_counts(self) -> list[tuple[str, str, int]]:
        totals = self.result_totals
        return [(key, label, totals[key]) for key, label in RESULT_LABELS.items()]

    @property
    def rows_to_fix(self) -> list[AnswerRow]:
        """After apply: the rows not recorded, each with its reason (`message`)."""
        return [row for row in self.rows if row.result == NOT_RECORDED]

    @property
    def summary(self) -> str:
        totals = self.result_totals
        return (f"{format_number(totals[REGISTERED])} nomor KPJ dicatat, {format_number(totals[REFUSED])} penolakan "
                f"dicatat, {format_number(totals[UNCHANGED])} tidak berubah, {format_number(totals[NOT_RECORDED])} "
                "belum tercatat")

    def as_dict(self) -> dict:
        return {"totals": self.totals, "rows": [row.as_dict() for row in self.rows]}


def report_to_json(report: AnswerReport) -> bytes:
    """The preview as a background job stores it for its page (uploads.store_preview, beside the
    upload, deleted with it): every field of every row, the NIK included, as the upload holds it."""
    return json.dumps([{**{name: getattr(row, name) for name in _ROW_FIELDS},
                        "registered_on": row.registered_on and row.registered_on.isoformat(),
                        "paid_until": row.paid_until and row.paid_until.isoformat()} for row in report.rows],
                      separators=(",", ":")).encode()


def report_from_json(content: bytes) -> AnswerReport:
    return AnswerReport(rows=[AnswerRow(**{**fields, **{name: fields[name] and dt.date.fromisoformat(fields[name])
                                                        for name in ("registered_on", "paid_until")}})
                              for fields in json.loads(content)])


_ROW_FIELDS = ("row", "outcome", "message", "nik", "full_name", "action", "kpj_number", "remarks", "nominee_pk",
               "applied")


# --- Reading the file -----------------------------------------------------------------------

def read_rows(content: bytes, *, first: int | None = None) -> list[tuple[int, dict]]:
    """(row number, {field: raw cell value}) for each non-blank row under the header, read as a
    stream: the file is refused at its settings.BPJS_ANSWER_MAX_ROWS + 1st data row, and reading
    stops after BLANK_RUN blank rows in a row, or after the `first` data rows when given (the
    upload's quick look at a file large enough for a job). Raises workbooks.WorkbookError when the
    file is not an .xlsx, too large (bytes, archive, rows), or lacks a required column."""
    return workbooks.read_table(content, max_bytes=MAX_BYTES, max_rows=settings.BPJS_ANSWER_MAX_ROWS,
                                fields_by_header=FIELDS_BY_HEADER, labels=COLUMNS, required=REQUIRED, key="nik",
                                what="Berkas jawaban BPJS", first=first, header_rows=_HEADER_ROWS,
                                blank_run=BLANK_RUN)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return format_date(value)
    return " ".join(str(value).split())


def read_nik_cell(raw) -> tuple[str, str]:
    """(the NIK, "") from a cell of a BPJS file, or ("", why it cannot be read): a number cell has
    lost its 16th digit, an empty cell, not 16 digits. The answer and participant files share it."""
    if _is_number(raw):
        return "", numeric_identifier_message("nik")
    typed = strip_separators(_text(raw))
    if not typed:
        return "", "NIK kosong."
    if (nik := normalise_nik(typed)) is None:
        return "", f"NIK harus 16 angka (terbaca {len(typed)} karakter)."
    return nik, ""


def read_kpj_cell(raw) -> tuple[str, str]:
    """(the KPJ number as text, "" or why it cannot be trusted) from a cell of a BPJS file; an empty
    cell gives ("", ""): whether it may be empty is the caller's rule."""
    if _is_number(raw):
        # A number cell has dropped the KPJ's leading zeros (and past 15 digits, its last ones).
        return "", (f"{_KPJ_HEADER} tersimpan sebagai angka, sehingga angka 0 di depan bisa hilang dan nomornya "
                    f"tidak bisa dipercaya. Format kolom {_KPJ_HEADER} sebagai Teks, lalu ketik ulang nomornya dari "
                    f"data BPJS.")
    kpj_number = strip_separators(_text(raw))
    if kpj_number and not kpj_number.isdigit():
        return kpj_number, f"{_KPJ_HEADER} \"{kpj_number}\" harus berupa angka."
    if len(kpj_number) > Nominee._meta.get_field("kpj_number").max_length:
        return kpj_number, f"{_KPJ_HEADER} terlalu panjang ({len(kpj_number)} angka)."
    return kpj_number, ""


def read_date_cell(raw, *, label: str) -> tuple[dt.date | None, str]:
    """(the date or None for an empty cell, "" or why it is not a date) from a cell of a BPJS file."""
    if not workbooks.filled(raw):
        return None, ""
    day = workbooks.cell_date(raw)
    return day, ("" if day is not None else f"{label} \"{_text(raw)}\" bukan tanggal (tulis HH-BB-TTTT).")


def _parse(number: int, values: dict) -> AnswerRow:
    """The row as read, MALFORMED with every problem found, or (provisionally) MATCHED."""
    row = AnswerRow(row=number, outcome=MATCHED, message="", full_name=_text(values.get("full_name")),
                    remarks=_text(values.get("remarks")))
    problems: list[str] = []

    row.nik, problem = read_nik_cell(values.get("nik"))
    if problem:
        problems.append(problem)

    status = _text(values.get("bpjs_status")).lower()
    row.action = _STATUS_WORDS.get(status, "")
    if not row.action:
        problems.append(f"Status \"{_text(values.get('bpjs_status'))}\" tidak dikenal: isi aktif atau ditolak."
                        if status else "Status kosong: isi aktif atau ditolak.")

    row.kpj_number, problem = read_kpj_cell(values.get("kpj_number"))
    if problem:
        problems.append(problem)
    elif row.action == REGISTER and not row.kpj_number:
        problems.append(f"{_KPJ_HEADER} kosong, padahal status aktif.")

    row.registered_on, problem = read_date_cell(values.get("registered_on"), label="Tanggal kepesertaan")
    if problem:
        problems.append(problem)
    elif row.action == REGISTER and not workbooks.filled(values.get("registered_on")):
        problems.append("Tanggal kepesertaan kosong, padahal status aktif.")
    row.paid_until, problem = read_date_cell(values.get("paid_until"), label="Masa iur s.d.")
    if problem:
        problems.append(problem)
    if row.action == REGISTER and (problem := workflow.paid_until_problem(registered_on=row.registered_on,
                                                                         paid_until=row.paid_until)):
        problems.append(problem)

    if problems:
        row.outcome, row.message = MALFORMED, " ".join(problems)
    return row


# --- Preview and apply ----------------------------------------------------------------------

def answer_preview(*, content: bytes, regency) -> AnswerReport:
    """Reads the file and says what importing it would do, row by row; writes nothing. Only the
    nominees of `regency` are looked at. Raises workbooks.WorkbookError for an unusable file."""
    report = AnswerReport(rows=[_parse(number, values) for number, values in read_rows(content)])
    _flag_repeated_niks(report.rows)
    _flag_repeated_kpjs(report.rows)
    candidates = [row for row in report.rows if row.outcome == MATCHED]
    hashes = {row.nik: nik_search_hash(row.nik) for row in candidates}
    by_hash: dict[str, list[Nominee]] = defaultdict(list)
    for nominee in (Nominee.objects.filter(nik_hash__in=set(hashes.values()), village__subdistrict__regency=regency)
                    .only("pk", "nik_hash", "full_name", "status", "export_batch_id", "kpj_number")
                    .order_by("-pk")):
        by_hash[nominee.nik_hash].append(nominee)
    for row in candidates:
        nominee = _pick(by_hash.get(hashes[row.nik], []))
        _classify(row, nominee)
    _flag_kpjs_held_by_others(report.rows, hashes)
    return report


def answer_apply(*, content: bytes, regency, actor) -> AnswerReport:
    """Checks the file again (statuses may have moved since the preview) and records the matched
    rows through the workflow at once (`workflow.nominees_record_bpjs_answers`: one transaction
    holding the rows' locks, bulk writes, one coverage recompute for the file). A row the workflow refuses meanwhile
    (someone else recorded it) is SKIPPED with its message; the others are recorded. Importing the same file again changes nothing: its
    rows come back ALREADY_REGISTERED or ALREADY_DECIDED."""
    if not can_import_bpjs_results(actor, regency):
        raise workflow.TransitionError("Anda tidak berwenang mengimpor jawaban BPJS untuk kabupaten/kota ini.")
    report = answer_preview(content=content, regency=regency)
    moves, rows = [], {}
    for row in report.matched_rows:
        try:
            if row.action == REGISTER:
                move = workflow.register_move(nominee_pk=row.nominee_pk, kpj_number=row.kpj_number,
                                              registered_on=row.registered_on, paid_until=row.paid_until,
                                              seen_status=S.SENT_TO_BPJS)
            else:
                move = workflow.refuse_move(nominee_pk=row.nominee_pk, reason=row.refusal_reason,
                                            seen_status=S.SENT_TO_BPJS)
        except workflow.TransitionError as error:
            row.applied, row.message = SKIPPED, str(error)
            continue
        moves.append(move)
        rows[row.nominee_pk] = row
    result = workflow.nominees_record_bpjs_answers(moves=moves, actor=actor)  # one recompute per regency
    for nominee in result.changed:
        rows[nominee.pk].applied = REGISTERED if rows[nominee.pk].action == REGISTER else REFUSED
    for nominee_pk, why in result.refused:
        rows[nominee_pk].applied, rows[nominee_pk].message = SKIPPED, why
    for row in report.rows:
        row.applied = row.applied or SKIPPED
    return report


def _pick(nominees: list[Nominee]) -> Nominee | None:
    """Of one person's nominations in the regency (newest first), the one the branch answers: the
    one waiting for BPJS, else the newest ever sent in a batch, else the newest."""
    for nominee in nominees:
        if nominee.status == S.SENT_TO_BPJS:
            return nominee
    for nominee in nominees:
        if nominee.export_batch_id:
            return nominee
    return nominees[0] if nominees else None


def _classify(row: AnswerRow, nominee: Nominee | None) -> None:
    if nominee is None:
        row.outcome, row.message = UNKNOWN_NIK, "Tidak ada calon peserta dengan NIK ini di kabupaten/kota ini."
        return
    row.nominee_pk = nominee.pk
    label = S(nominee.status).label
    if nominee.export_batch_id is None:
        row.outcome = NOT_IN_BATCH
        row.message = (f"{nominee.full_name} ada di portal (status '{label}') tetapi belum pernah dikirim dalam "
                       "batch kirim BPJS.")
    elif nominee.status == S.SENT_TO_BPJS:
        row.outcome = MATCHED
        if row.action == REGISTER:
            paid = f", iuran s.d. {format_date(row.paid_until)}" if row.paid_until else ""
            row.message = (f"{nominee.full_name} akan dicatat terdaftar: KPJ {row.kpj_number}, peserta sejak "
                           f"{format_date(row.registered_on)}{paid}.")
        else:
            row.message = (f"{nominee.full_name} akan dicatat ditolak BPJS. Alasan yang dikirim ke desa: "
                           f"{row.refusal_reason}")
    elif row.action == REGISTER and nominee.kpj_number == row.kpj_number and nominee.status in (
            *MEMBER_STATES, S.ENDED):
        row.outcome = ALREADY_REGISTERED
        row.message = f"{nominee.full_name} sudah terdaftar dengan KPJ {row.kpj_number}; tidak diubah."
    else:
        row.outcome = ALREADY_DECIDED
        extra = f" dengan KPJ {nominee.kpj_number}" if nominee.kpj_number else ""
        row.message = f"{nominee.full_name} sudah berstatus '{label}'{extra}; tidak diubah."


def _flag_repeated_niks(rows: list[AnswerRow]) -> None:
    """One person, one answer: rows sharing a NIK are refused, the file cannot tell which is right.
    Linear in the rows: each group's message is made once and shared by its rows."""
    rows_by_nik: dict[str, list[AnswerRow]] = defaultdict(list)
    for row in rows:
        if row.nik and row.outcome != MALFORMED:
            rows_by_nik[row.nik].append(row)
    for repeated in rows_by_nik.values():
        if len(repeated) > 1:
            message = f"NIK yang sama ada di baris {_row_numbers(repeated)}; perbaiki berkas dan unggah lagi."
            for row in repeated:
                row.outcome, row.message = MALFORMED, message


def _flag_repeated_kpjs(rows: list[AnswerRow]) -> None:
    """One KPJ, one member: "aktif" rows of different people sharing a KPJ number are refused (the
    same person twice is already refused by `_flag_repeated_niks`)."""
    rows_by_kpj: dict[str, list[AnswerRow]] = defaultdict(list)
    for row in rows:
        if row.action == REGISTER and row.kpj_number and row.outcome != MALFORMED:
            rows_by_kpj[row.kpj_number].append(row)
    for kpj_number, repeated in rows_by_kpj.items():
        if len(repeated) > 1:
            message = (f"{_KPJ_HEADER} {kpj_number} ada di baris {_row_numbers(repeated)}: satu nomor KPJ hanya "
                       "untuk satu orang. Minta kantor cabang BPJS memperbaiki berkasnya, lalu unggah lagi.")
            for row in repeated:
                row.outcome, row.message = MALFORMED, message


def _row_numbers(rows: list[AnswerRow]) -> str:
    """"4, 9, 12", or the first ten and how many more: a message stays short however often a
    value repeats (listing them all made a file of one repeated NIK grow with the square of its rows)."""
    numbers = ", ".join(str(row.row) for row in rows[:_LISTED_ROWS])
    return numbers if len(rows) <= _LISTED_ROWS else f"{numbers} dan {format_number(len(rows) - _LISTED_ROWS)} baris lain"


def _flag_kpjs_held_by_others(rows: list[AnswerRow], hashes: dict[str, str]) -> None:
    """A matched "aktif" row whose KPJ number another person already holds (any regency: a KPJ is
    national) is refused: one query for the whole file. The same person nominated again (same NIK)
    keeps their KPJ, so that is not "another person"."""
    waiting = {row.kpj_number: row for row in rows if row.outcome == MATCHED and row.action == REGISTER}
    if not waiting:
        return
    for kpj_number, nik_hash, full_name in (Nominee.objects.filter(kpj_number__in=list(waiting))
                                            .values_list("kpj_number", "nik_hash", "full_name")):
        row = waiting[kpj_number]
        if nik_hash != hashes[row.nik] and row.outcome == MATCHED:
            row.outcome = KPJ_TAKEN
            row.message = (f"{_KPJ_HEADER} {kpj_number} sudah tercatat untuk peserta lain ({full_name}); satu nomor "
                           "KPJ hanya untuk satu orang, jadi baris ini tidak dicatat. Minta kantor cabang BPJS "
                           "memeriksa nomornya.")
