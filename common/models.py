"""The personal-data access log (UU 27/2022): one ExportRecord row for every workbook or reveal of
personal data the portal hands out, and, for a large export built by the worker, the job itself.

The table keeps its name from when it lived in the reports app (`reports_exportrecord`): an
installed regency migrates without copying a row (migration 0001 only takes over the model's
state). Its foreign keys name the regions and the programme by label, so this floor imports no app.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    """Every workbook the portal hands out, for the export log (common.access_log)."""

    NOMINATIVE_LIST = "nominative_list", _("daftar nominatif")
    COVERAGE_RECAP = "coverage_recap", _("rekap cakupan")
    BPJS_BATCH = "bpjs_batch", _("batch kirim BPJS dibuat")
    BPJS_BATCH_DOWNLOAD = "bpjs_batch_download", _("batch kirim BPJS diunduh")
    AUDIT_EVENTS = "audit_events", _("riwayat keputusan")
    SUBMISSION_TRACKING = "submission_tracking", _("pemantauan pengiriman")
    VILLAGE_ACCOUNTS = "village_accounts", _("akun operator desa")
    # Not a file: a page that showed one nominee's NIK and KK in full (common.access_log.reveal_record).
    NOMINEE_REVEAL = "nominee_reveal", _("NIK/KK lengkap dilihat")
    # Not a file: a page that showed one account's new password (common.access_log.password_reset_record).
    PASSWORD_RESET = "password_reset", _("kata sandi direset")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("sedang dibuat")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


class ExportRecord(models.Model):
    """One workbook someone took out of the portal (who, when, what, how many rows), and, for a
    large export built by the worker (reports.export_jobs), the job itself: its progress, the
    stored file and the error. Exports answered at once are written here already done.

    No personal data: the region, programme and row count say what left, never who was in it.
    A job's file may hold NIKs in clear (`full_identifiers`): MEDIA_ROOT is personal data."""

    kind = models.CharField(_("jenis"), max_length=24, choices=ExportKind.choices)
    status = models.CharField(_("keadaan"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.DONE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("diminta oleh"))
    created_at = models.DateTimeField(_("diminta pada"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # The region exported: always its regency (the log is per regency), and the subdistrict or
    # village when the export was narrower.
    regency = models.ForeignKey("villages.Regency", on_delete=models.PROTECT, related_name="export_records")
    subdistrict = models.ForeignKey("villages.Subdistrict", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    village = models.ForeignKey("villages.Village", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    programme = models.ForeignKey("registrations.Programme", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    # NIK and KK in clear in the file: decides who else may download a job's file.
    full_identifiers = models.BooleanField(_("NIK/KK lengkap"), default=False)
    filename = models.CharField(_("nama berkas"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("jumlah baris"), null=True, blank=True)
    # A job only: rows written so far of `total`, the stored file, and what went wrong.
    progress = models.PositiveIntegerField(_("baris selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah baris yang dibuat"), null=True, blank=True)
    # Written when the worker claims the job and with every progress step: a running export whose
    # heartbeat stops is dead (common.jobs.jobs_fail_stale), as a Job's.
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"), null=True, blank=True)
    file = models.FileField(_("berkas"), upload_to="exports/%Y/", blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    # A reveal only: which nominee's page showed NIK/KK in full (its id: no name or NIK in the log).
    nominee_ref = models.PositiveBigIntegerField(_("id calon"), null=True, blank=True)
    # A password reset only: whose password was reset (the new password is never logged).
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("akun"))
    # When the job's file was deleted after settings.EXPORT_FILE_RETENTION_DAYS (export_files_purge).
    file_purged_at = models.DateTimeField(_("berkas dihapus pada"), null=True, blank=True)

    class Meta:
        db_table = "reports_exportrecord"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("catatan ekspor")
        verbose_name_plural = _("catatan ekspor")
        indexes = [
            # The regency's export log page: newest first.
            models.Index(F("regency"), F("created_at").desc(), name="export_record_regency_log"),
            # The staleness sweep: only the few unfinished jobs, never the whole log.
            models.Index(fields=["status", "heartbeat_at"], name="export_record_unfinished",
                         condition=models.Q(status__in=["queued", "running"])),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == ExportStatus.DONE else 0
        return min(100, self.progress * 100 // self.total)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("sedang berjalan")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


class Job(models.Model):
    """A piece of work too large for one request (a bulk decision, a regency-wide import, a BPJS
    batch or answer file), done by the worker while the person watches its progress page
    (common.jobs). Export files keep their own job row, the access log's ExportRecord.

    `params` is what the worker needs to redo the work from the start (ids, never personal data);
    `result` is what the page shows when it is done: Indonesian lines and links, no NIK."""

    kind = models.CharField(_("jenis"), max_length=40)
    title = models.CharField(_("judul"), max_length=200)
    status = models.CharField(_("keadaan"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("diminta oleh"))
    regency = models.ForeignKey("villages.Regency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_at = models.DateTimeField(_("diminta pada"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai pada"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # Written with every progress step: a running job whose heartbeat stops is dead (jobs_fail_stale).
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"), null=True, blank=True)
    progress = models.PositiveIntegerField(_("selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah"), null=True, blank=True)
    params = models.JSONField(_("masukan"), default=dict, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    # Where the person goes back to (the page the job was started from).
    return_url = models.CharField(_("kembali ke"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = _("pekerjaan latar")
        indexes = [
            # The staleness check: jobs still queued or running.
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat",
                         condition=models.Q(status__in=["queued", "running"])),
        ]

    def __str__(self) -> str:
        return f"{self.title} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, self.progress * 100 // self.total)
