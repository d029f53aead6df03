"""Recording benefit claims (DOMAIN.md §9). The rules a claim must meet live in `claim_problems`
alone: the form and the branch's file (claim_import) both ask it.

A claim never changes the membership itself: a JKM claim for a member whose membership still
runs is shown with the offer to end it with the reason "meninggal dunia", which the office does
through registrations.workflow (the END action of the nominee page), so the event is written there.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.formatting import format_date, format_rupiah
from membership.enums import HEIR_RELATIONS, Benefit, BeneficiaryRelation
from membership.models import BenefitClaim

from .permissions import can_record_claims
from .selectors import MEMBER_STATES

# Above this a typed amount is a slip of the keyboard: JKM is Rp42 million in all (PP 82/2019);
# JKK pays treatment as needed, but a single claim of a billion rupiah is not a BPU worker's.
MAX_AMOUNT = 1_000_000_000
REFERENCE_MAX = BenefitClaim._meta.get_field("bpjs_reference").max_length


class ClaimError(Exception):
    """The claim cannot be recorded; the message is for the user."""


def claim_problems(*, nominee, benefit: str, paid_on: dt.date | None, amount: int | None, relation: str,
                   bpjs_reference: str, today: dt.date, jkm_holder: str | None = None) -> list[str]:
    """Why this claim cannot be recorded (an empty list when it can). `jkm_holder`: the reference of a
    JKM claim the member already has, if any (the caller reads it: one query for a whole file)."""
    problems = []
    if nominee.status not in MEMBER_STATES or not nominee.kpj_number:
        problems.append(f"{nominee.full_name} belum terdaftar sebagai peserta BPJS (belum ada nomor KPJ).")
    if benefit not in Benefit.values:
        problems.append("Jenis manfaat harus JKM atau JKK.")
    if relation not in BeneficiaryRelation.values:
        problems.append("Pilih penerima dari daftar.")
    elif benefit == Benefit.JKM and relation not in HEIR_RELATIONS:
        problems.append("Manfaat JKM dibayarkan kepada ahli waris, bukan kepada peserta sendiri.")
    if paid_on is None:
        problems.append("Tanggal klaim dibayar kosong.")
    elif paid_on > today:
        problems.append(f"Tanggal klaim dibayar {format_date(paid_on)} belum terjadi.")
    elif nominee.registered_on and paid_on < nominee.registered_on:
        problems.append(f"Tanggal klaim dibayar {format_date(paid_on)} sebelum tanggal kepesertaan "
                        f"{format_date(nominee.registered_on)}.")
    if amount is None or amount <= 0:
        problems.append("Jumlah klaim harus lebih dari Rp0.")
    elif amount > MAX_AMOUNT:
        problems.append(f"Jumlah klaim {format_rupiah(amount)} tidak wajar; periksa lagi angkanya.")
    if not bpjs_reference:
        problems.append("Nomor referensi BPJS kosong.")
    elif len(bpjs_reference) > REFERENCE_MAX:
        problems.append(f"Nomor referensi BPJS paling panjang {REFERENCE_MAX} karakter.")
    if benefit == Benefit.JKM and jkm_holder and jkm_holder != bpjs_reference:
        problems.append(f"{nominee.full_name} sudah tercatat menerima klaim JKM (referensi {jkm_holder}); "
                        "seorang peserta hanya sekali menerima JKM.")
    return problems


def claim_record(*, nominee, benefit: str, paid_on: dt.date, amount: int, relation: str, bpjs_reference: str,
                 actor, beneficiary_name: str = "") -> BenefitClaim:
    """Records one claim for `nominee` (a member of a regency the actor records claims for:
    permissions.can_record_claims). Returns the claim; raises ClaimError with the user's message
    when a rule refuses it (claim_problems) or the reference is already recorded. No side effects."""
    regency = nominee.village.subdistrict.regency
    if not can_record_claims(actor, regency):
        raise ClaimError("Anda tidak berwenang mencatat klaim untuk kabupaten/kota ini.")
    bpjs_reference = bpjs_reference.strip()
    existing = BenefitClaim.objects.filter(bpjs_reference=bpjs_reference).first()
    if existing is not None:
        raise ClaimError(f"Nomor referensi {bpjs_reference} sudah tercatat untuk klaim lain; tidak dicatat dua kali.")
    jkm_holder = (BenefitClaim.objects.filter(nominee=nominee, benefit=Benefit.JKM)
                  .values_list("bpjs_reference", flat=True).first())
    problems = claim_problems(nominee=nominee, benefit=benefit, paid_on=paid_on, amount=amount, relation=relation,
                              bpjs_reference=bpjs_reference, today=timezone.localdate(),
                              jkm_holder=jkm_holder or None)
    if benefit == Benefit.JKM and jkm_holder == bpjs_reference:
        problems.append("Klaim JKM ini sudah tercatat.")
    if problems:
        raise ClaimError(" ".join(problems))
    try:
        with transaction.atomic():
            return BenefitClaim.objects.create(
                nominee=nominee, regency=regency, benefit=benefit, paid_on=paid_on, amount=amount, relation=relation,
                beneficiary_name=beneficiary_name.strip(), bpjs_reference=bpjs_reference, recorded_by=actor)
    except IntegrityError:  # the same claim recorded by someone else at this moment
        raise ClaimError("Klaim ini baru saja dicatat oleh petugas lain; tidak dicatat dua kali.") from None
