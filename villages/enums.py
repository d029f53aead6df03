from django.db import models
from django.utils.translation import gettext_lazy as _


class RegencyKind(models.TextChoices):
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")

    @classmethod
    def from_name(cls, name: str) -> "RegencyKind":
        # Kemendagri names carry the kind: "Kabupaten Seluma", "Kota Bengkulu".
        return cls.KOTA if name.lower().startswith("kota") else cls.KABUPATEN


class VillageKind(models.TextChoices):
    """Kemendagri 300.2.2-2138/2025: the first digit of the village part of the code gives the kind."""

    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA = "desa", _("Desa")
    DESA_ADAT = "desa_adat", _("Desa adat")

    @classmethod
    def from_code(cls, code: str) -> "VillageKind":
        first = code.split(".")[3][:1]
        return {"1": cls.KELURAHAN, "3": cls.DESA_ADAT}.get(first, cls.DESA)


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
    WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
    WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")

    @property
    def abbreviation(self) -> str:
        return self.name


# Provinces outside WIB, by Kemendagri province code (UU/Keppres 41/1987 on the three time zones).
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}


def time_zone_for_province(province_code: str) -> TimeZone:
    """The zone a regency's clocks show, from its province; a regency may still override it."""
    if province_code in _WITA_PROVINCES:
        return TimeZone.WITA
    if province_code in _WIT_PROVINCES:
        return TimeZone.WIT
    return TimeZone.WIB


class ApprovalSteps(models.IntegerChoices):
    """Two steps by default (a reviewer verifies, an approver approves, never the same person);
    a small office may approve in one step."""

    TWO = 2, _("Dua tahap: verifikator memverifikasi, penyetuju menyetujui")
    ONE = 1, _("Satu tahap: verifikator atau penyetuju langsung menyetujui")
