"""Benefit claims paid to programme members and their heirs (DOMAIN.md §9)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import BeneficiaryRelation, Benefit


class BenefitClaim(models.Model):
    """A benefit BPJS paid for a registered member (klaim manfaat): JKM to the heirs after a death,
    JKK after a work accident. Recorded by the BPJS officer or the regency admin, by hand or from
    the branch's file (membership.services, membership.claim_import).

    `regency` is the member's, copied when the claim is recorded: the dashboards sum a regency's
    claims without joining through the nominee, village and subdistrict."""

    nominee = models.ForeignKey("registrations.Nominee", on_delete=models.PROTECT, related_name="benefit_claims",
                                verbose_name=_("peserta"))
    regency = models.ForeignKey("villages.Regency", on_delete=models.PROTECT, related_name="+")
    benefit = models.CharField(_("jenis manfaat"), max_length=3, choices=Benefit.choices)
    paid_on = models.DateField(_("tanggal klaim dibayar"))
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    relation = models.CharField(_("penerima"), max_length=16, choices=BeneficiaryRelation.choices)
    beneficiary_name = models.CharField(_("nama penerima"), max_length=120, blank=True)
    # BPJS's own number of the claim: one claim, one reference, so the same file imported twice
    # records nothing the second time.
    bpjs_reference = models.CharField(_("nomor referensi BPJS"), max_length=40, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("klaim manfaat")
        verbose_name_plural = _("klaim manfaat")
        constraints = [
            models.CheckConstraint(name="benefit_claim_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="benefit_claim_death_to_heirs",
                                   condition=~Q(benefit="jkm", relation=BeneficiaryRelation.MEMBER)),
            # A person dies once: one death benefit per member. What holds when two officers record
            # it at the same moment (services.claim_problems says it first, with the reference).
            models.UniqueConstraint(fields=["nominee"], condition=Q(benefit="jkm"), name="benefit_claim_one_jkm"),
        ]
        indexes = [
            # The claims list of a regency (newest first, filtered by benefit) and the dashboards'
            # sums per benefit (selectors.claims_for_regency, selectors.benefit_totals).
            models.Index(fields=["regency", "benefit", "paid_on"], name="benefit_claim_regency"),
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} {self.bpjs_reference}"
