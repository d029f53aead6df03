"""The membership app's records (DOMAIN.md §9): the grace period, benefit claims, budget entries,
premium bills."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.formatting import format_date

from .enums import BUDGET_SOURCE_CHOICES, BUDGET_SOURCES, BeneficiaryRelation, Benefit


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


class BudgetEntry(models.Model):
    """One allocation of a programme's budget (anggaran): an amount in the regency's APBD or its
    amendment (APBD-P), set by a Perbup on a date. A programme's budget is the sum of its entries."""

    programme = models.ForeignKey("registrations.Programme", on_delete=models.PROTECT, related_name="budget_entries")
    source = models.CharField(_("sumber dana"), max_length=12, choices=BUDGET_SOURCE_CHOICES)
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    legal_basis = models.CharField(_("dasar hukum (Perbup)"), max_length=200)
    decided_on = models.DateField(_("tanggal penetapan"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("anggaran program")
        verbose_name_plural = _("anggaran program")
        constraints = [
            models.CheckConstraint(name="budget_entry_source_apbd",
                                   condition=Q(source__in=[source.value for source in BUDGET_SOURCES])),
            models.CheckConstraint(name="budget_entry_amount_positive", condition=Q(amount__gt=0)),
        ]
        indexes = [
            # The budget page and the dashboard's sum per programme and source.
            models.Index(fields=["programme", "source"], name="budget_entry_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.legal_basis}"


class PremiumBill(models.Model):
    """A premium bill (tagihan iuran) BPJS sends the regency for a period of whole months: members
    × premium × months. BPKAD (the finance office) pays it by SP2D; `paid_on` and
    `payment_document` are recorded together. A programme has one bill per first month: entering
    or importing the same period again updates that bill (membership.budget.services.bill_record)."""

    programme = models.ForeignKey("registrations.Programme", on_delete=models.PROTECT, related_name="premium_bills")
    # The first day of the first and of the last month billed.
    first_month = models.DateField(_("periode mulai (bulan)"))
    last_month = models.DateField(_("periode sampai (bulan)"))
    members = models.PositiveIntegerField(_("jumlah peserta ditagih"))
    amount = models.PositiveBigIntegerField(_("jumlah tagihan (Rp)"))
    due_on = models.DateField(_("jatuh tempo"))
    paid_on = models.DateField(_("tanggal bayar"), null=True, blank=True)
    payment_document = models.CharField(_("nomor SP2D"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_month", "pk"]
        verbose_name = _("tagihan iuran")
        verbose_name_plural = _("tagihan iuran")
        constraints = [
            # One bill per programme and first month: what makes entering or importing a bill again
            # an update, never a second bill. Also the index of the budget page's list and sums.
            models.UniqueConstraint(fields=["programme", "first_month"], name="premium_bill_one_per_period"),
            models.CheckConstraint(name="premium_bill_period_in_order", condition=Q(first_month__lte=F("last_month"))),
            models.CheckConstraint(name="premium_bill_whole_months",
                                   condition=Q(first_month__day=1, last_month__day=1)),
            # Paid means paid by an SP2D: the date and the document number come together.
            models.CheckConstraint(
                name="premium_bill_paid_with_document",
                condition=(Q(paid_on__isnull=True, payment_document="")
                           | (Q(paid_on__isnull=False) & ~Q(payment_document=""))),
            ),
        ]

    def __str__(self) -> str:
        return f"Tagihan {self.period_label}"

    @property
    def period_label(self) -> str:
        from .bills import period_label

        return period_label(self.first_month, self.last_month)


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
