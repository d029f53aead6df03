"""Kemendagri regions: provinsi → kabupaten/kota → kecamatan → desa/kelurahan, and regency settings.

Codes are the dotted Kemendagri codes ("17", "17.05", "17.05.01", "17.05.01.2001"). Units are never
deleted: a unit that disappears from the reference data is marked retired, because nominees and
coverage figures may still point at it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import ApprovalSteps, RegencyKind, TimeZone, VillageKind


class Region(models.Model):
    code = models.CharField(_("kode"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    is_retired = models.BooleanField(
        _("sudah tidak berlaku"), default=False,
        help_text=_("Tidak ada lagi di data Kemendagri terbaru; disimpan karena mungkin masih dipakai data."),
    )

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Province(Region):
    class Meta(Region.Meta):
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")


class Regency(Region):
    """Kabupaten or kota."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    kind = models.CharField(_("jenis"), max_length=10, choices=RegencyKind.choices)

    class Meta(Region.Meta):
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")


class Subdistrict(Region):
    """Kecamatan (distrik in Papua)."""

    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="subdistricts")

    class Meta(Region.Meta):
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")


class Village(Region):
    """Desa, kelurahan or desa adat."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="villages")
    kind = models.CharField(_("jenis"), max_length=10, choices=VillageKind.choices)
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)

    class Meta(Region.Meta):
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")


class RegencySettings(models.Model):
    """What a regency configures about itself. Nothing in the UI hard-codes an office name."""

    regency = models.OneToOneField(Regency, on_delete=models.CASCADE, related_name="settings")
    office_name = models.CharField(
        _("nama dinas pelaksana"), max_length=200,
        default="Dinas Tenaga Kerja dan Transmigrasi",
        help_text=_("Contoh: Dinas Tenaga Kerja dan Transmigrasi, Dinas Sosial."),
    )
    office_short_name = models.CharField(_("singkatan dinas"), max_length=40, default="Disnakertrans")
    head_name = models.CharField(_("nama kepala dinas"), max_length=120, blank=True)
    head_title = models.CharField(_("jabatan kepala dinas"), max_length=120, blank=True, default="Kepala Dinas")
    head_nip = models.CharField(_("NIP kepala dinas"), max_length=18, blank=True)
    time_zone = models.CharField(_("zona waktu"), max_length=20, choices=TimeZone.choices, default=TimeZone.WIB)
    approval_steps = models.PositiveSmallIntegerField(_("alur persetujuan"), choices=ApprovalSteps.choices,
                                                      default=ApprovalSteps.TWO)
    # DOMAIN.md §9: most regencies count a member active from registration, within the paid
    # period; some wait for BPJS's participant list to say "aktif" (membership.rules).
    registration_means_active = models.BooleanField(
        _("terdaftar berarti aktif"), default=True,
        help_text=_("Peserta yang baru terdaftar di BPJS dianggap aktif selama masa iurnya, tanpa menunggu "
                    "daftar peserta BPJS."),
    )
    # Branches differ (DOMAIN.md §8): the columns of the BPJS registration file, in order, as
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pengaturan kabupaten/kota")
        verbose_name_plural = _("pengaturan kabupaten/kota")

    def __str__(self) -> str:
        return f"{self.office_short_name} {self.regency.name}"
