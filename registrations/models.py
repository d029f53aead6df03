"""Programmes (with their stages and quotas) and the nominees villages put forward."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.formatting import format_date

from .crypto import EncryptedTextField
from .enums import (
    ACTIVE_STATES,
    BodyKind,
    BpjsFundingCode,
    DataSource,
    FundingSource,
    MonthsPaid,
    NomineeStatus,
    QuotaRule,
    Sex,
)


class PremiumRate(models.Model):
    """BPU premium rates in force from a date (PP 44/2015 as amended by PP 82/2019). A programme
    snapshots the premium computed from the rate in force at its coverage start."""

    valid_from = models.DateField(_("berlaku mulai"), unique=True)
    jkk_percent = models.DecimalField(_("JKK (% penghasilan)"), max_digits=5, decimal_places=2)
    jkm_amount = models.PositiveIntegerField(_("JKM (Rp per bulan)"))
    jht_percent = models.DecimalField(_("JHT (% penghasilan)"), max_digits=5, decimal_places=2)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("tarif iuran BPU")
        verbose_name_plural = _("tarif iuran BPU")

    def __str__(self) -> str:
        return f"Tarif sejak {format_date(self.valid_from)}"


class OccupationCategory(models.Model):
    """Kategori pekerja rentan; the list is editable (regencies set it in their Perbup)."""

    name = models.CharField(_("nama"), max_length=80, unique=True)
    is_active = models.BooleanField(_("dipakai"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("kategori pekerjaan")
        verbose_name_plural = _("kategori pekerjaan")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """One stage (tahap) of a regency's programme, e.g. "Perlindungan Pekerja Rentan 2025 — Tahap I"."""

    regency = models.ForeignKey("villages.Regency", on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("nama program"), max_length=200)
    year = models.PositiveSmallIntegerField(_("tahun"))
    stage = models.PositiveSmallIntegerField(_("tahap"), default=1)
    legal_basis = models.CharField(_("dasar hukum (Perbup/Perwal)"), max_length=200, blank=True)
    implementing_office = models.CharField(_("dinas pelaksana"), max_length=200)
    funding_source = models.CharField(_("sumber dana"), max_length=12, choices=FundingSource.choices,
                                      default=FundingSource.APBD)
    bpjs_funding_code = models.CharField(_("kode wadah BPJS"), max_length=2, choices=BpjsFundingCode.choices,
                                         default=BpjsFundingCode.SG)
    includes_jht = models.BooleanField(_("termasuk JHT"), default=False)
    income_tier = models.PositiveIntegerField(_("penghasilan yang dilaporkan (Rp/bulan)"), default=1_000_000)
    premium_per_month = models.PositiveIntegerField(
        _("iuran per pekerja per bulan (Rp)"), editable=False,
        help_text=_("Dihitung dari tarif yang berlaku pada tanggal mulai kepesertaan, lalu disimpan."),
    )
    months_paid = models.PositiveSmallIntegerField(_("lama iuran dibayar"), choices=MonthsPaid.choices,
                                                   default=MonthsPaid.THREE)
    coverage_start = models.DateField(_("mulai kepesertaan"))
    nomination_opens = models.DateField(_("pengusulan dibuka"))
    nomination_closes = models.DateField(_("pengusulan ditutup"))
    min_age = models.PositiveSmallIntegerField(_("usia minimal"), default=18)
    max_age_exclusive = models.PositiveSmallIntegerField(_("usia harus di bawah"), default=65)
    quota_rule = models.CharField(_("aturan kuota"), max_length=16, choices=QuotaRule.choices,
                                  default=QuotaRule.PER_VILLAGE)
    quota_per_village = models.PositiveIntegerField(_("kuota per desa"), default=10)
    quota_total = models.PositiveIntegerField(_("kuota seluruh kabupaten"), null=True, blank=True)
    requires_minutes = models.BooleanField(
        _("wajib unggah berita acara musdes"), default=False,
        help_text=_("Desa harus mengunggah berita acara musyawarah desa (PDF atau foto) saat mengirim daftar."),
    )
    # A later stage or year that continues this earlier one's members without re-nomination: each
    # village confirms who continues and who leaves (registrations.continuation).
    continues_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="continued_by",
        verbose_name=_("lanjutkan peserta dari program"),
        help_text=_("Peserta program sebelumnya dilanjutkan tanpa diusulkan ulang; tiap desa mengonfirmasi "
                    "siapa yang lanjut dan siapa yang berhenti."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-stage", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.CheckConstraint(name="programme_window_in_order",
                                   condition=Q(nomination_opens__lte=models.F("nomination_closes"))),
            models.CheckConstraint(name="programme_age_limits_in_order",
                                   condition=Q(min_age__lt=models.F("max_age_exclusive"))),
            models.CheckConstraint(
                name="programme_total_quota_set",
                condition=~Q(quota_rule=QuotaRule.REGENCY_TOTAL) | Q(quota_total__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — Tahap {self.stage}"


class VillageQuota(models.Model):
    """A village whose quota differs from the programme's per-village number."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="village_quotas")
    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("kuota"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "village"], name="village_quota_unique")]


class VillageSubmission(models.Model):
    """A village sent its list to the regency ("kirim ke kabupaten"); resent after corrections."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="submissions")
    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="submissions")
    first_submitted_at = models.DateTimeField()
    last_submitted_at = models.DateTimeField()
    last_submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    minutes = models.FileField(_("berita acara musdes"), upload_to="musdes/%Y/", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "village"], name="village_submission_unique")]


class NominatingBody(models.Model):
    """An office or institution that nominates workers beside the villages (lembaga pengusul): the
    election commission's ad hoc officers, the religious affairs office's mosque caretakers, the
    health office's cadres. A programme accepts it with a quota (ProgrammeBody); its officers
    (BodyOfficer) keep its list. Its nominees still live in a village of the regency."""

    regency = models.ForeignKey("villages.Regency", on_delete=models.PROTECT, related_name="nominating_bodies")
    name = models.CharField(_("nama lembaga"), max_length=200)
    kind = models.CharField(_("jenis lembaga"), max_length=16, choices=BodyKind.choices, default=BodyKind.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("lembaga pengusul")
        verbose_name_plural = _("lembaga pengusul")
        constraints = [models.UniqueConstraint(fields=["regency", "name"], name="nominating_body_unique_name")]

    def __str__(self) -> str:
        return self.name


class ProgrammeBody(models.Model):
    """A programme accepts nominations from a body, with the body's own quota (quotas.body_standing)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="body_places")
    body = models.ForeignKey(NominatingBody, on_delete=models.PROTECT, related_name="programme_places")
    quota = models.PositiveIntegerField(_("kuota lembaga"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "body"], name="programme_body_unique")]


class BodyOfficer(models.Model):
    """Binds an account with the role "Operator lembaga pengusul" to its one body."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="body_post")
    body = models.ForeignKey(NominatingBody, on_delete=models.PROTECT, related_name="officers")

    class Meta:
        verbose_name = _("operator lembaga pengusul")
        verbose_name_plural = _("operator lembaga pengusul")


class Nominee(models.Model):
    """A worker a village puts forward for a programme (DOMAIN.md §6).

    NIK, KK and mother's maiden name are encrypted at rest; `nik_hash` (keyed) serves exact search
    and the rule "one person, one active nomination" as a partial unique index.
    """

    # No index of its own: the coverage and review-queue indexes below begin with the programme, and
    # serve every lookup by programme (one index entry fewer for each nominee written).
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="nominees", db_index=False)
    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="nominees")
    status = models.CharField(_("status"), max_length=16, choices=NomineeStatus.choices,
                              default=NomineeStatus.DRAFT)
    status_reason = models.TextField(_("alasan status"), blank=True)
    status_changed_at = models.DateTimeField(_("status berubah"), null=True, blank=True, editable=False)
    # Put forward by an office or institution, not by the village where the person lives (who then
    # only reads them): the body's officer keeps them, and they take a place in the body's quota.
    # Looked up through the partial index `nominee_body_list` (below), which begins with it.
    nominating_body = models.ForeignKey(NominatingBody, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="nominees", verbose_name=_("lembaga pengusul"), db_index=False)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replaced_by", verbose_name=_("pengganti untuk"))
    # The previous programme's nomination this one continues (registrations.continuation): the same
    # person and KPJ, carried over once (the one-to-one keeps a second confirmation from duplicating).
    continued_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="continued_as", verbose_name=_("lanjutan dari"))

    nik = EncryptedTextField(_("NIK"))
    nik_hash = models.CharField(max_length=64, editable=False)
    nik_masked = models.CharField(_("NIK (disamarkan)"), max_length=16, editable=False)
    kk = EncryptedTextField(_("No. KK"))
    # The one trace a KK correction leaves in the history (the KK itself is never there).
    kk_masked = models.CharField(_("No. KK (disamarkan)"), max_length=16, editable=False, blank=True)
    full_name = models.CharField(_("nama lengkap (sesuai KTP)"), max_length=120)
    birth_place = models.CharField(_("tempat lahir"), max_length=80)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("alamat"), max_length=200)
    rt = models.CharField(_("RT"), max_length=3)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    occupation = models.ForeignKey(OccupationCategory, on_delete=models.PROTECT, verbose_name=_("pekerjaan"))
    monthly_income = models.PositiveIntegerField(_("penghasilan per bulan (Rp)"), null=True, blank=True)
    data_source = models.CharField(_("sumber data"), max_length=12, choices=DataSource.choices,
                                   default=DataSource.VILLAGE)
    decile = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    mother_maiden_name = EncryptedTextField(_("nama ibu kandung"), blank=True)
    # The possible-duplicate check (lookalikes.py): the normalised name, and the keyed hash of the
    # normalised mother's name ("" when not given); both written through lookalikes.lookalike_keys.
    name_key = models.CharField(max_length=120, blank=True, default="", editable=False)
    mother_name_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    # BPJS's answer: the membership number (KPJ, text: leading zeros matter), the membership date
    # and the date premiums are paid up to ("masa iur s.d."; after it, three unpaid months lapse it).
    export_batch = models.ForeignKey("bpjs.ExportBatch", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="nominees", verbose_name=_("batch kirim BPJS"))
    kpj_number = models.CharField(_("nomor KPJ"), max_length=20, blank=True)
    registered_on = models.DateField(_("tanggal kepesertaan BPJS"), null=True, blank=True)
    paid_until = models.DateField(_("masa iur s.d."), null=True, blank=True)
    confirmed_warnings = models.JSONField(_("peringatan yang sudah dikonfirmasi"), default=list, blank=True)
    consent_at = models.DateTimeField(_("persetujuan dicatat"))
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The history is read by nominee (its `id` index: the timeline) and never by what a row points
    # to, so its copies of the foreign keys carry no index: nine index entries fewer for every
    # history row written (each add, edit and status move; 100,000 in one regency-wide import).
    history = HistoricalRecords(excluded_fields=["nik", "kk", "mother_maiden_name", "nik_hash", "name_key",
                                                 "mother_name_hash"],
                                no_db_index=["programme", "village", "nominating_body", "replaces", "continued_from",
                                             "occupation", "export_batch", "consent_by", "created_by"])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("calon peserta")
        verbose_name_plural = _("calon peserta")
        constraints = [
            # One person, one active nomination, anywhere. The form checks first and says where;
            # this index is what holds when two officers save the same NIK at the same moment.
            models.UniqueConstraint(
                fields=["nik_hash"], condition=Q(status__in=sorted(ACTIVE_STATES)),
                name="nominee_one_active_nomination_per_nik",
            ),
            models.CheckConstraint(name="nominee_decile_range",
                                   condition=Q(decile__isnull=True) | Q(decile__gte=1, decile__lte=10)),
        ]
        indexes = [
            # The village officer's page and the quota count: one village's nominees in a programme;
            # and the coverage recompute's counts (reports.coverage.statement), read from this index
            # alone: every column they need (programme, village, status, BPJS membership date, and
            # the paid-up date that keeps a member counted: rules.paid_on_q) is in it, in the order
            # they are grouped, so the count needs neither the rows nor a sort. The regent's
            # dashboard reads it alone too (reports.dashboard: the stage's progress, the premium
            # committed).
            models.Index(fields=["programme", "village", "status", "registered_on", "paid_until"],
                         name="nominee_coverage_count"),
            # The review queue's page (registrations.selectors.review_queue_pks): a programme's
            # nominees oldest first, which the page's 50 are read from in order, never sorted from
            # the whole programme; the status rides along, so a status filter is answered from the
            # index alone (a reviewer's default, "dikirim ke kabupaten") as is "semua status" (the
            # regent's office's default).
            models.Index(fields=["programme", "status_changed_at", "id"], include=["status"],
                         name="nominee_review_queue"),
            # Exact NIK search by staff, and the duplicate check's lookup of inactive history.
            models.Index(fields=["nik_hash"], name="nominee_nik_hash"),
            # "Mungkin orang yang sama" (lookalikes.py): the review pages, the queue's filter and the
            # import's preview look up other nominations by normalised name and birth date.
            models.Index(fields=["name_key", "birth_date"], name="nominee_lookalike"),
            # A body's list and its quota count (registrations.bodies, quotas.body_standing): the
            # few nominees a body put forward, apart from the villages' many.
            models.Index(fields=["nominating_body", "programme", "status"], name="nominee_body_list",
                         condition=Q(nominating_body__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik_masked})"


class NomineeEvent(models.Model):
    """One step of a nominee's lifecycle: who, when, from, to, why (written by workflow.py only)."""

    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=16, choices=NomineeStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=NomineeStatus.choices)
    # The reason picked from the list (enums.ReviewReason, EndReason); `reason` is the text shown.
    reason_code = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["nominee", "created_at"], name="nominee_event_timeline"),
            # The auditor's export: a regency's events in a period (joined through the nominee).
            models.Index(fields=["created_at"], name="nominee_event_created"),
        ]


# Room for a registration notice naming 30 people with their KPJ numbers (notices.py).
NOTICE_TEXT_MAX = 2000


class Notice(models.Model):
    """An in-app message (pemberitahuan): the village officer learns what was returned and why, a
    reviewer learns of a new submission. Written by registrations.notices after commit."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(_("pesan"), max_length=NOTICE_TEXT_MAX)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The unread badge on every page and the recipient's list.
            models.Index(fields=["recipient", "read_at", "created_at"], name="notice_recipient_unread"),
        ]

    def __str__(self) -> str:
        return self.text
