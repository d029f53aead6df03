"""Every check a nominee passes before it is saved, in one place: the village page's form comes
through `check_nominee`, the Excel import and its command through `check_nominee_data` and
`active_nominations` (one query for a whole file), with the same messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from common.formatting import format_date
from common.phones import PHONE_INVALID, phone_normalised
from villages.models import Village

from .enums import ACTIVE_STATES, NomineeStatus
from .models import Nominee, Programme
from .nik import Issue, age_on, check_kk, check_nik, nik_search_hash


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
    """Every check on one nominee: `check_nominee_data`, then whether the NIK is already active
    (one query)."""
    result = check_nominee_data(programme=programme, nik=nik, kk=kk, birth_date=birth_date, sex=sex, phone=phone)
    if result.nik_hash:
        duplicate = duplicate_message(result.nik_hash, village=village, exclude_pk=exclude_pk)
        if duplicate:
            result.errors.insert(0, Issue("nik", "duplicate", duplicate))
    return result


def check_nominee_data(*, programme: Programme, nik: str, kk: str, birth_date: dt.date | None, sex: str | None,
                       phone: str = "") -> NomineeCheck:
    """The checks that need no database: NIK and KK shape and sense, the NIK against the birth date
    and sex, the age on the programme's coverage start, the phone number. When `nik_hash` is set the
    NIK is sound, and whether it is already active is the caller's question (`check_nominee` for one
    nominee, `active_nominations` for a file): its answer comes before every other error."""
    result = NomineeCheck()
    nik_check = check_nik(nik, birth_date=birth_date, sex=sex)
    result.errors += nik_check.errors
    result.warnings += nik_check.warnings
    if nik_check.nik and not nik_check.errors:
        result.nik = nik_check.nik
        result.nik_hash = nik_search_hash(nik_check.nik)

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
            result.errors.append(Issue("phone", "format", PHONE_INVALID))
        else:
            result.phone = normalized
    return result


@dataclass(frozen=True)
class ActiveNomination:
    """Where a NIK is active: what the duplicate message may say (never whose it is)."""

    village_id: int
    regency_id: int
    regency_name: str
    status: str
    programme: str


def duplicate_message(nik_hash: str, *, village: Village, exclude_pk: int | None = None) -> str | None:
    """Where the NIK is already active, in words the village officer may see; never whose it is.
    One query, the file's own (`active_nominations`): the few columns the message names, not the
    nomination's rows with their village, kecamatan, regency and programme."""
    other = active_nominations([nik_hash], exclude_pk=exclude_pk).get(nik_hash)
    if other is None:
        return None
    return duplicate_text(other, village_id=village.pk, regency_id=village.subdistrict.regency_id)


def active_nominations(nik_hashes: Iterable[str], *, exclude_pk: int | None = None) -> dict[str, ActiveNomination]:
    """nik_hash → where it is active, for many NIKs in one query (a file's import), or one
    (`duplicate_message`, which leaves out the nominee being edited: `exclude_pk`). The one-active-
    nomination index holds at most one active nomination per NIK."""
    hashes = list(nik_hashes)
    active = Nominee.objects.filter(status__in=ACTIVE_STATES)
    if exclude_pk is not None:
        active = active.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":  # one array parameter, however many NIKs
        table = Nominee._meta.db_table
        batches = [active.extra(where=[f"{table}.nik_hash = ANY(%s)"], params=[hashes])] if hashes else []
    else:  # the embedded SQLite: its limit on parameters
        batches = [active.filter(nik_hash__in=hashes[start:start + 500]) for start in range(0, len(hashes), 500)]
    found = {}
    for batch in batches:
        for nik_hash, village_id, regency_id, regency_name, status, name, stage in batch.values_list(
                "nik_hash", "village_id", "village__subdistrict__regency_id", "village__subdistrict__regency__name",
                "status", "programme__name", "programme__stage"):
            found[nik_hash] = ActiveNomination(village_id, regency_id, regency_name, status,
                                               str(Programme(name=name, stage=stage)))
    return found


def duplicate_text(other: ActiveNomination, *, village_id: int | None, regency_id: int) -> str:
    """The duplicate message for a NIK active at `other`, as read by whoever nominates it for the
    village `village_id` (None: not known, e.g. a row without a valid Kode desa) of `regency_id`."""
    status = NomineeStatus(other.status).label
    if other.village_id == village_id:
        return f"NIK ini sudah ada di daftar desa Anda ({other.programme}), status: {status}."
    if other.regency_id == regency_id:
        return f"NIK ini sudah diusulkan oleh desa lain di {other.regency_name}, status: {status}."
    return f"NIK ini sudah diusulkan di kabupaten/kota lain ({other.regency_name}), status: {status}."


__all__ = ["ActiveNomination", "NomineeCheck", "active_nominations", "check_nominee", "check_nominee_data",
           "duplicate_message", "duplicate_text"]
