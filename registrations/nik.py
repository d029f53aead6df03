"""The NIK and KK shape and checks (DOMAIN.md §5), on top of lokal-id's structural NIK parser.

The one home of "what a NIK looks like": `normalise_nik` (16 digits once spaces, dots and dashes
are gone) and `nik_search_hash` (its keyed hash, stored as Nominee.nik_hash and searched for by
the review queue, the admin and the BPJS answer import). How a NIK is shown (full or masked) is
registrations.identifiers'.

Errors stop a nominee from being saved; warnings (sex or birth date that disagree with the KTP
data entered, a regency code Kemendagri no longer has) must be confirmed by the officer, because
the KTP is authoritative and old codes survive regency splits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from lokal import parse_nik
from lokal.wilayah import wilayah_name

from common.formatting import format_date

from .crypto import keyed_hash

_SEPARATORS = re.compile(r"[\s.\-]")
# A file of 100,000 people names a few dozen regencies and subdistricts: each is looked up once.
_wilayah_name = lru_cache(maxsize=16_384)(wilayah_name)
# ASCII digits only, as lokal's parse_nik has them: "١٧٠٥…" is no NIK on file.
_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")


@dataclass(frozen=True)
class Issue:
    field: str
    code: str
    message: str


@dataclass
class NikCheck:
    nik: str | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    birth_date: dt.date | None = None
    sex: str | None = None


def strip_separators(raw: str) -> str:
    if type(raw) is str and raw.isalnum():  # nothing to strip: most NIKs of a file, read four times each
        return raw
    return _SEPARATORS.sub("", str(raw or ""))


def normalise_nik(text: str) -> str | None:
    """The 16 digits of a NIK typed with or without separators ("1705 0145.0895-0001"), else None
    (15 or 17 digits, a letter, nothing). Only the shape: `check_nik` says whether the digits can
    be a NIK at all (province, birth date, serial)."""
    digits = strip_separators(text)
    return digits if _SIXTEEN_DIGITS.fullmatch(digits) else None


# What a keyed hash looks like (hex SHA-256): a search may carry one in a URL, never the NIK itself.
NIK_HASH = re.compile(r"[0-9a-f]{64}")


def nik_search_hash(text: str) -> str | None:
    """The keyed hash of a text that has the NIK shape (`normalise_nik`), else None. The one way
    a NIK becomes Nominee.nik_hash, so what is stored and what is searched for always agree."""
    nik = normalise_nik(text)
    return keyed_hash(nik) if nik is not None else None


def check_nik(raw: str, *, birth_date: dt.date | None = None, sex: str | None = None,
              today: dt.date | None = None) -> NikCheck:
    """Validates a NIK and compares it with the birth date and sex entered from the KTP."""
    info = parse_nik(strip_separators(raw), lookup_wilayah=_wilayah_name, reference_date=today)
    result = NikCheck(nik=info.nik)
    for issue in info.errors:
        message = {
            "format": "NIK harus 16 digit angka. Periksa lagi di KTP, jangan ada huruf atau digit yang kurang.",
            "province": f"Dua digit pertama NIK ({(info.nik or '')[:2]}) bukan kode provinsi. Periksa lagi di KTP.",
            "wilayah": "Digit 3–6 NIK (kode kabupaten dan kecamatan) tidak boleh 00. Periksa lagi di KTP.",
            "birth_date": "Digit 7–12 NIK bukan tanggal lahir yang sah. Periksa lagi di KTP.",
            "serial": "Empat digit terakhir NIK tidak boleh 0000. Periksa lagi di KTP.",
        }.get(issue.code, issue.message)
        result.errors.append(Issue("nik", issue.code, message))
    if result.errors:
        return result
    for issue in info.warnings:
        result.warnings.append(Issue(
            "nik", "nik_region_unknown",
            f"Kode wilayah di NIK ({info.regency_code}) tidak ada di data Kemendagri terbaru; "
            "bisa jadi kode lama sebelum pemekaran. Pastikan NIK sama dengan KTP.",
        ))
    result.birth_date = dt.date.fromisoformat(info.birth_date) if info.birth_date else None
    result.sex = info.gender
    if birth_date and result.birth_date and birth_date != result.birth_date:
        result.warnings.append(Issue(
            "birth_date", "nik_birth_date_mismatch",
            f"Tanggal lahir di NIK ({format_date(result.birth_date)}) berbeda dengan tanggal lahir yang diisi "
            f"({format_date(birth_date)}). Cocokkan dengan KTP.",
        ))
    if sex and result.sex and sex != result.sex:
        result.warnings.append(Issue(
            "sex", "nik_sex_mismatch",
            "Jenis kelamin menurut NIK ({}) berbeda dengan yang diisi. Cocokkan dengan KTP.".format(
                "perempuan" if result.sex == "P" else "laki-laki"),
        ))
    return result


def sex_from_nik(raw: str) -> str | None:
    """"L" or "P" as the NIK says (a woman's birth day has 40 added: 41–71), or None when the text
    is no valid NIK. For a file that has no sex column (OpenSID's export): the import offers this
    value for the officer to confirm against the KTP, as the KTP stays authoritative."""
    info = parse_nik(strip_separators(raw), lookup_wilayah=_wilayah_name)
    return info.gender if not info.errors and info.gender in ("L", "P") else None


def check_kk(raw: str) -> tuple[str | None, list[Issue]]:
    """A KK number is 16 digits; its first 6 are the issuing subdistrict. Never an identity key."""
    digits = strip_separators(raw)
    if not _SIXTEEN_DIGITS.fullmatch(digits):
        return None, [Issue("kk", "format", "No. KK harus 16 digit angka. Periksa lagi di kartu keluarga.")]
    if digits[:2] == "00" or digits[12:] == "0000":
        return None, [Issue("kk", "format", "No. KK tidak sah. Periksa lagi di kartu keluarga.")]
    return digits, []


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
