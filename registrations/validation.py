"""Every check a nominee passes before it is saved, in one place: the form, the Excel import and
the command all come through `check_nominee` (via NomineeForm)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from common.formatting import format_date
from villages.models import Village

from .enums import ACTIVE_STATES, NomineeStatus
from .models import Nominee, Programme
from .nik import Issue, age_on, check_kk, check_nik, nik_search_hash
from .phones import phone_normalised


@dataclass
class NomineeCheck:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    nik: str | None = None
    nik_hash: str | None = None
    kk: str | None = None
    phone: str = ""

    @property
    def warning_codes(self) -> list[str]:
        return sorted({w.code for w in self.warnings})


def check_nominee(*, programme: Programme, village: Village, nik: str, kk: str, birth_date: dt.date | None,
                  sex: str | None, phone: str = "", exclude_pk: int | None = None) -> NomineeCheck:
    result = NomineeCheck()
    nik_check = check_nik(nik, birth_date=birth_date, sex=sex)
    result.errors += nik_check.errors
    result.warnings += nik_check.warnings
    if nik_check.nik and not nik_check.errors:
        result.nik = nik_check.nik
        result.nik_hash = nik_search_hash(nik_check.nik)
        duplicate = duplicate_message(result.nik_hash, village=village, exclude_pk=exclude_pk)
        if duplicate:
            result.errors.append(Issue("nik", "duplicate", duplicate))

    result.kk, kk_errors = check_kk(kk)
    result.errors += kk_errors

    if birth_date:
        age = age_on(birth_date, programme.coverage_start)
        if not programme.min_age <= age < programme.max_age_exclusive:
            result.errors.append(Issue(
                "birth_date", "age",
                f"Umur pada mulai kepesertaan ({format_date(programme.coverage_start)}) {age} tahun; program ini "
                f"untuk umur {programme.min_age} sampai di bawah {programme.max_age_exclusive} tahun.",
            ))

    if phone:
        normalized = phone_normalised(phone)
        if normalized is None:
            result.errors.append(Issue("phone", "format",
                                       "Nomor HP tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890."))
        else:
            result.phone = normalized
    return result


def duplicate_message(nik_hash: str, *, village: Village, exclude_pk: int | None = None) -> str | None:
    """Where the NIK is already active, in words the village officer may see; never whose it is."""
    other = (
        Nominee.objects.filter(nik_hash=nik_hash, status__in=ACTIVE_STATES)
        .exclude(pk=exclude_pk)
        .select_related("village__subdistrict__regency", "programme")
        .first()
    )
    if other is None:
        return None
    status = NomineeStatus(other.status).label
    if other.village_id == village.pk:
        return f"NIK ini sudah ada di daftar desa Anda ({other.programme}), status: {status}."
    regency = other.village.subdistrict.regency
    if regency.pk == village.subdistrict.regency_id:
        return f"NIK ini sudah diusulkan oleh desa lain di {regency.name}, status: {status}."
    return f"NIK ini sudah diusulkan di kabupaten/kota lain ({regency.name}), status: {status}."


__all__ = ["NomineeCheck", "check_nominee", "duplicate_message"]
