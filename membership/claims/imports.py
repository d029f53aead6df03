"""The BPJS branch's file of benefit claims paid: preview (no writes), then apply on confirmation.

Columns (headers as branches write them, compared after workbooks.normalise_header):
NIK · Nomor KPJ · Nama · Jenis manfaat (JKM/JKK) · Tanggal bayar · Jumlah (Rp) · Penerima · Nama
penerima · Nomor referensi. Each row gets one outcome:
- NEW: a member of the importer's regency (found by KPJ number, else NIK), a claim the rules of
  services.claim_problems accept, with a reference not yet recorded: applying records it;
- ALREADY_RECORDED: the reference is recorded for the same member and benefit: unchanged. This is
  what makes importing the same file twice change nothing;
- UNKNOWN_MEMBER: no member with that KPJ number or NIK in the regency;
- MALFORMED: a NIK or KPJ number stored as a number cell (Excel has dropped its leading zeros or its
  16th digit), a date that cannot be read, a rule refused, a reference held by another claim, or a
  reference repeated inside the file.

The file is all or nothing: it is saved only when no row needs fixing, in one transaction with one
bulk insert, so a bad file saves nothing. Who: permissions.can_record_claims. Between preview and
confirmation the file waits under a random token (common.uploads), never in the session: it holds NIKs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bpjs import answers
from common import workbooks
from common.formatting import format_date, format_number, format_rupiah, read_whole_number
from membership.enums import BeneficiaryRelation, Benefit
from membership.models import BenefitClaim
from registrations.identifiers import masked_typed_nik
from registrations.nik import nik_search_hash, normalise_nik, strip_separators
from registrations.nominee_import.workbook import numeric_identifier_message

from .permissions import can_record_claims
from .selectors import members_of_regency
from .services import ClaimError, claim_problems

# The BPJS answer file's limits (bpjs.answers, settings.BPJS_ANSWER_MAX_ROWS); above
# settings.BPJS_INLINE_MAX_ROWS rows the file is previewed and saved by the worker (jobs.py).
MAX_BYTES = answers.MAX_BYTES
_HEADER_ROWS = 10
BLANK_RUN = 1000

NEW, ALREADY_RECORDED, UNKNOWN_MEMBER, MALFORMED = "new", "already_recorded", "unknown_member", "malformed"
OUTCOME_LABELS = {NEW: "Akan dicatat", ALREADY_RECORDED: "Sudah tercatat", UNKNOWN_MEMBER: "Peserta tidak dikenal",
                  MALFORMED: "Baris tidak sah"}

COLUMNS = {
    "nik": "NIK", "kpj_number": "Nomor KPJ", "full_name": "Nama", "benefit": "Jenis manfaat",
    "paid_on": "Tanggal bayar", "amount": "Jumlah (Rp)", "relation": "Penerima",
    "beneficiary_name": "Nama penerima", "bpjs_reference": "Nomor referensi",
}
REQUIRED = ("benefit", "paid_on", "amount", "relation", "bpjs_reference")
_ALIASES = {
    "nik": ["nik", "no nik", "nomor nik", "nik ktp"],
    "kpj_number": ["nomor kpj", "no kpj", "kpj", "nomor peserta", "no peserta"],
    "full_name": ["nama", "nama peserta", "nama tenaga kerja", "nama lengkap"],
    "benefit": ["jenis manfaat", "manfaat", "jenis klaim", "program", "jenis"],
    "paid_on": ["tanggal bayar", "tgl bayar", "tanggal klaim", "tgl klaim", "tanggal pembayaran", "tanggal"],
    "amount": ["jumlah", "jumlah rp", "nominal", "jumlah klaim", "nilai klaim", "jumlah dibayar"],
    "relation": ["penerima", "hubungan", "hubungan penerima", "hubungan ahli waris", "ahli waris"],
    "beneficiary_name": ["nama penerima", "nama ahli waris"],
    "bpjs_reference": ["nomor referensi", "no referensi", "referensi", "nomor klaim", "no klaim",
                       "nomor referensi bpjs"],
}
FIELDS_BY_HEADER = {header: name for name, headers in _ALIASES.items() for header in headers}
_BENEFIT_WORDS = {"jkm": Benefit.JKM, "jaminan kematian": Benefit.JKM, "kematian": Benefit.JKM,
                  "jkk": Benefit.JKK, "jaminan kecelakaan kerja": Benefit.JKK, "kecelakaan kerja": Benefit.JKK}
_RELATION_WORDS = {
    **{str(label).lower(): value for value, label in BeneficiaryRelation.choices},
    "peserta": BeneficiaryRelation.MEMBER, "suami": BeneficiaryRelation.SPOUSE, "istri": BeneficiaryRelation.SPOUSE,
    "isteri": BeneficiaryRelation.SPOUSE, "ayah": BeneficiaryRelation.PARENT, "ibu": BeneficiaryRelation.PARENT,
    "saudara": BeneficiaryRelation.SIBLING, "lainnya": BeneficiaryRelation.OTHER,
}
_KPJ = COLUMNS["kpj_number"]


@dataclass
class ClaimRow:
    row: int
    outcome: str = NEW
    message: str = ""
    nik: str = ""
    kpj_number: str = ""
    full_name: str = ""
    benefit: str = ""
    paid_on: dt.date | None = None
    amount: int | None = None
    relation: str = ""
    beneficiary_name: str = ""
    bpjs_reference: str = ""
    nominee_pk: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def nik_masked(self) -> str:
        return masked_typed_nik(self.nik)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def benefit_label(self) -> str:
        return Benefit(self.benefit).label if self.benefit else ""

    @property
    def amount_label(self) -> str:
        return format_rupiah(self.amount) if self.amount else ""


@dataclass
class ClaimReport:
    rows: list[ClaimRow]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def outcome_counts(self) -> list[tuple[str, str, int]]:
        return [(outcome, label, self.count(outcome)) for outcome, label in OUTCOME_LABELS.items()]

    @property
    def to_fix(self) -> int:
        return self.count(UNKNOWN_MEMBER) + self.count(MALFORMED)

    @property
    def new_count(self) -> int:
        return self.count(NEW)

    @property
    def can_apply(self) -> bool:
        return self.to_fix == 0 and self.count(NEW) > 0

    @property
    def already_recorded_count(self) -> int:
        return self.count(ALREADY_RECORDED)

    @property
    def summary(self) -> str:
        """What saving the file did (or would do)."""
        return (f"{format_number(self.count(NEW))} klaim dicatat, {format_number(self.already_recorded_count)} "
                "sudah tercatat sebelumnya (tidak berubah)")


def report_to_json(report: ClaimReport) -> bytes:
    """The report as a job's preview or the result page keeps it beside the upload (common.uploads)."""
    rows = [{**asdict(row), "paid_on": row.paid_on and row.paid_on.isoformat()} for row in report.rows]
    return json.dumps({"rows": rows}, separators=(",", ":")).encode()


def report_from_json(content: bytes) -> ClaimReport:
    return ClaimReport(rows=[ClaimRow(**{**row, "paid_on": row["paid_on"] and dt.date.fromisoformat(row["paid_on"])})
                             for row in json.loads(content)["rows"]])


# --- Reading the file -----------------------------------------------------------------------

def read_rows(content: bytes, *, first: int | None = None) -> list[tuple[int, dict]]:
    """(row number, {field: raw cell value}) for each non-blank row under the header
    (common.workbooks.read_table, with the BPJS answer file's limits), or only its `first` data
    rows when given (the upload's quick look at a file large enough for a job). Raises
    workbooks.WorkbookError for a file that is not an .xlsx, too large (bytes, archive, rows), or
    lacks a required column: then nothing is kept."""
    rows = workbooks.read_table(content, max_bytes=MAX_BYTES, max_rows=settings.BPJS_ANSWER_MAX_ROWS,
                                fields_by_header=FIELDS_BY_HEADER, labels=COLUMNS, required=REQUIRED,
                                key="bpjs_reference", what="Berkas klaim", first=first, header_rows=_HEADER_ROWS,
                                blank_run=BLANK_RUN)
    # Each row holds every column the header named: a file with neither identifier names no member.
    if "nik" not in rows[0][1] and "kpj_number" not in rows[0][1]:
        raise workbooks.WorkbookError(f"Kolom NIK atau Nomor KPJ tidak ditemukan di baris judul. Berkas klaim harus "
                                      f"berkolom: {' · '.join(COLUMNS.values())}.")
    return rows


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return format_date(value)
    return " ".join(str(value).split())


def _parse(number: int, values: dict) -> ClaimRow:
    """The row as read; its problems so far (the member and the rules come later)."""
    row = ClaimRow(row=number, full_name=_text(values.get("full_name")),
                   beneficiary_name=_text(values.get("beneficiary_name")),
                   bpjs_reference=_text(values.get("bpjs_reference")))
    problems = row.problems
    raw_nik, raw_kpj = values.get("nik"), values.get("kpj_number")
    if _is_number(raw_nik):
        problems.append(numeric_identifier_message("nik"))
    elif typed := strip_separators(_text(raw_nik)):
        if (nik := normalise_nik(typed)) is None:
            problems.append(f"NIK harus 16 angka (terbaca {len(typed)} karakter).")
        else:
            row.nik = nik
    if _is_number(raw_kpj):
        # A number cell has dropped the KPJ's leading zeros (and past 15 digits, its last ones).
        problems.append(f"{_KPJ} tersimpan sebagai angka, sehingga angka 0 di depan bisa hilang. Format kolom "
                        f"{_KPJ} sebagai Teks, lalu ketik ulang nomornya dari data BPJS.")
    elif typed := strip_separators(_text(raw_kpj)):
        if not typed.isdigit():
            problems.append(f"{_KPJ} \"{typed}\" harus berupa angka.")
        else:
            row.kpj_number = typed
    if not row.nik and not row.kpj_number and not problems:
        problems.append("NIK dan Nomor KPJ kosong: isi salah satu.")

    benefit = _text(values.get("benefit")).lower()
    row.benefit = _BENEFIT_WORDS.get(benefit, "")
    if not row.benefit:
        problems.append(f"Jenis manfaat \"{_text(values.get('benefit'))}\" tidak dikenal: isi JKM atau JKK."
                        if benefit else "Jenis manfaat kosong: isi JKM atau JKK.")
    relation = _text(values.get("relation")).lower()
    row.relation = _RELATION_WORDS.get(relation, "")
    if not row.relation:
        choices = ", ".join(str(label).lower() for label in BeneficiaryRelation.labels)
        problems.append(f"Penerima \"{_text(values.get('relation'))}\" tidak dikenal: isi salah satu dari {choices}."
                        if relation else f"Penerima kosong: isi salah satu dari {choices}.")
    raw_date = values.get("paid_on")
    if workbooks.filled(raw_date):
        row.paid_on = workbooks.cell_date(raw_date)
        if row.paid_on is None:
            problems.append(f"Tanggal bayar \"{_text(raw_date)}\" bukan tanggal (tulis HH-BB-TTTT).")
    raw_amount = values.get("amount")
    if workbooks.filled(raw_amount):
        try:
            row.amount = read_whole_number(_text(raw_amount).removeprefix("Rp").strip()
                                           if isinstance(raw_amount, str) else raw_amount)
        except ValueError:
            problems.append(f"Jumlah \"{_text(raw_amount)}\" bukan angka rupiah utuh (mis. 42.000.000).")
    return row


# --- Preview and apply ----------------------------------------------------------------------

def claims_preview(*, content: bytes, regency) -> ClaimReport:
    """What importing the file would do, row by row; writes nothing. Reads the regency's members
    matching the file (one query), the references already recorded (one) and the members' JKM
    claims (one), whatever the number of rows. Raises workbooks.WorkbookError for an unusable file."""
    report = ClaimReport(rows=[_parse(number, values) for number, values in read_rows(content)])
    rows = [row for row in report.rows if not row.problems]
    kpjs = {row.kpj_number for row in rows if row.kpj_number}
    hashes = {row.nik: nik_search_hash(row.nik) for row in rows if row.nik}
    by_kpj, by_hash = {}, {}
    for member in (members_of_regency(regency).filter(Q(kpj_number__in=kpjs) | Q(nik_hash__in=set(hashes.values())))
                   .only("pk", "full_name", "status", "kpj_number", "nik_hash", "registered_on").order_by("pk")):
        by_kpj[member.kpj_number] = member
        by_hash[member.nik_hash] = member
    references = {row.bpjs_reference for row in report.rows if row.bpjs_reference}
    recorded = {reference: (nominee_pk, benefit) for reference, nominee_pk, benefit in BenefitClaim.objects.filter(
        bpjs_reference__in=references).values_list("bpjs_reference", "nominee_id", "benefit")}
    member_pks = {member.pk for member in (*by_kpj.values(), *by_hash.values())}
    jkm_holders = dict(BenefitClaim.objects.filter(benefit=Benefit.JKM, nominee_id__in=member_pks)
                       .values_list("nominee_id", "bpjs_reference"))
    today = timezone.localdate()
    for row in rows:
        by_number = by_kpj.get(row.kpj_number) if row.kpj_number else None
        by_nik = by_hash.get(hashes[row.nik]) if row.nik else None
        if row.kpj_number and row.nik and by_number and by_nik and by_number.pk != by_nik.pk:
            row.problems.append(f"{_KPJ} dan NIK menunjuk dua peserta berbeda ({by_number.full_name} dan "
                                f"{by_nik.full_name}).")
            continue
        member = by_number or by_nik
        if member is None:
            row.outcome = UNKNOWN_MEMBER
            row.message = "Tidak ada peserta dengan nomor KPJ atau NIK ini di kabupaten/kota ini."
            continue
        row.nominee_pk, row.full_name = member.pk, member.full_name
        if row.bpjs_reference in recorded:
            if recorded[row.bpjs_reference] == (member.pk, row.benefit):
                row.outcome = ALREADY_RECORDED
                row.message = f"Klaim {row.bpjs_reference} untuk {member.full_name} sudah tercatat; tidak diubah."
            else:
                row.problems.append(f"Nomor referensi {row.bpjs_reference} sudah tercatat untuk klaim lain.")
            continue
        row.problems.extend(claim_problems(nominee=member, benefit=row.benefit, paid_on=row.paid_on,
                                           amount=row.amount, relation=row.relation,
                                           bpjs_reference=row.bpjs_reference, today=today,
                                           jkm_holder=jkm_holders.get(member.pk)))
        if not row.problems:
            row.message = (f"{member.full_name}: {row.benefit_label}, {format_rupiah(row.amount)}, dibayar "
                           f"{format_date(row.paid_on)}.")
    _flag_repeats(report.rows)
    for row in report.rows:
        if row.problems:
            row.outcome, row.message = MALFORMED, " ".join(row.problems)
    return report


def _flag_repeats(rows: list[ClaimRow]) -> None:
    """One reference, one claim; one JKM per member: repeats inside the file are refused."""
    groups: dict[tuple, list[ClaimRow]] = defaultdict(list)
    for row in rows:
        if row.outcome == NEW and not row.problems:
            groups[("ref", row.bpjs_reference)].append(row)
            if row.benefit == Benefit.JKM:
                groups[("jkm", row.nominee_pk)].append(row)
    for (kind, _), repeated in groups.items():
        if len(repeated) > 1:
            numbers = ", ".join(str(row.row) for row in repeated[:10])
            message = (f"Nomor referensi yang sama ada di baris {numbers}." if kind == "ref"
                       else f"Klaim JKM untuk peserta yang sama ada di baris {numbers}; seorang peserta hanya sekali "
                            "menerima JKM.")
            for row in repeated:
                row.problems.append(message)


def claims_apply(*, content: bytes, regency, actor) -> ClaimReport:
    """Checks the file again (the members and claims may have changed since the preview) and, when
    no row needs fixing, records its new claims in one transaction (one bulk insert). Raises
    ClaimError, saving nothing, when a row needs fixing or someone recorded one of its claims
    meanwhile; importing the same file again records nothing (its rows come back ALREADY_RECORDED)."""
    if not can_record_claims(actor, regency):
        raise ClaimError("Anda tidak berwenang mencatat klaim untuk kabupaten/kota ini.")
    report = claims_preview(content=content, regency=regency)
    if report.to_fix:
        raise ClaimError(f"{format_number(report.to_fix)} baris perlu diperbaiki; tidak ada klaim yang dicatat.")
    claims = [BenefitClaim(nominee_id=row.nominee_pk, regency=regency, benefit=row.benefit, paid_on=row.paid_on,
                           amount=row.amount, relation=row.relation, beneficiary_name=row.beneficiary_name,
                           bpjs_reference=row.bpjs_reference, recorded_by=actor)
              for row in report.rows if row.outcome == NEW]
    try:
        with transaction.atomic():
            BenefitClaim.objects.bulk_create(claims, batch_size=500)
    except IntegrityError:
        raise ClaimError("Sebagian klaim di berkas ini baru saja dicatat oleh petugas lain; tidak ada yang dicatat. "
                         "Buka pratinjaunya lagi.") from None
    return report
