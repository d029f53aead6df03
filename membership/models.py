"""What membership after registration keeps of its own (DOMAIN.md §9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.formatting import format_date


class GracePeriod(models.Model):
    """How many unpaid months after the paid period ("masa iur s.d.") a membership stays in arrears
    before it lapses, in force from a date (DOMAIN.md §3: "lapses after more than 3 months unpaid").
    A change of regulation is a new row; membership.rules.grace_months_on reads the one in force."""

    valid_from = models.DateField(_("berlaku mulai"), unique=True)
    months = models.PositiveSmallIntegerField(_("masa tenggang (bulan)"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("masa tenggang iuran")
        verbose_name_plural = _("masa tenggang iuran")

    def __str__(self) -> str:
        return f"{self.months} bulan sejak {format_date(self.valid_from)}"
