from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import Role


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=32, choices=Role.choices, default=Role.REGENCY_VIEWER)
    must_change_password = models.BooleanField(
        _("wajib ganti kata sandi"), default=False,
        help_text=_("Akun baru dan kata sandi yang direset harus diganti saat masuk pertama kali."),
    )
    # The last password reset, until the user is told of it at their next login (signals.on_login):
    # who reset it and when. The history keeps the reset itself (its history_user).
    password_reset_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+", verbose_name=_("kata sandi direset oleh"))
    password_reset_at = models.DateTimeField(_("kata sandi direset pada"), null=True, blank=True)
    # Optional: how the office reaches the person (submission tracking calls the village officers).
    # Stored as E.164 (+6281234567890) by the forms that take it (accounts.forms.PhoneField, on
    # common.phones); personal data, shown in full only to accounts.permissions.can_see_phone_numbers.
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True,
                             help_text=_("Boleh kosong. Contoh: 0812 3456 7890."))
    history = HistoricalRecords(excluded_fields=["password", "last_login", "password_reset_by", "password_reset_at"])

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_system_admin(self) -> bool:
        """The system administrator: the role, or a Django superuser (made with createsuperuser,
        whatever its role). The one test for "system administrator": they see every region
        (accounts.scope), may manage every regency and reset anyone's password, and pass every
        "regency staff or the system administrator" check. accounts.services.user_create gives the
        role is_superuser too."""
        return self.role == Role.SYSTEM_ADMIN or self.is_superuser


class RegionAssignment(models.Model):
    """One region a user works in. A user's scope is the union of their assignments: the region
    itself and everything below it. Exactly one of the three regions is set."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="region_assignments")
    province = models.ForeignKey("villages.Province", null=True, blank=True, on_delete=models.PROTECT)
    regency = models.ForeignKey("villages.Regency", null=True, blank=True, on_delete=models.PROTECT)
    village = models.ForeignKey(
        "villages.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="assignments",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wilayah tugas")
        verbose_name_plural = _("wilayah tugas")
        constraints = [
            models.CheckConstraint(
                name="assignment_exactly_one_region",
                condition=(
                    Q(province__isnull=False, regency__isnull=True, village__isnull=True)
                    | Q(province__isnull=True, regency__isnull=False, village__isnull=True)
                    | Q(province__isnull=True, regency__isnull=True, village__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["user", "province"], name="assignment_unique_province"),
            models.UniqueConstraint(fields=["user", "regency"], name="assignment_unique_regency"),
            models.UniqueConstraint(fields=["user", "village"], name="assignment_unique_village"),
        ]

    @property
    def region(self):
        return self.village or self.regency or self.province

    def __str__(self) -> str:
        return f"{self.user} → {self.region}"
