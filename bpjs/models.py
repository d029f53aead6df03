"""The BPJS round trip's own rows: export batches (the registration files sent to the branch) and
each regency's column layout of that file (DOMAIN.md §8).

ExportBatch came from the registrations app with its table (`registrations_exportbatch`): an
installed regency migrates without copying a row (bpjs.0001 and registrations.0008 move the model's
state only). Nominee.export_batch points here by label.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ExportBatch(models.Model):
    """A registration file sent to the BPJS branch (DOMAIN.md §8): the approved nominees it holds
    moved to "sent to BPJS" when it was made, and the file is kept so it can be downloaded again
    unchanged. The file holds NIKs in clear: MEDIA_ROOT is personal data."""

    regency = models.ForeignKey("villages.Regency", on_delete=models.PROTECT, related_name="export_batches")
    programme = models.ForeignKey("registrations.Programme", on_delete=models.PROTECT, related_name="export_batches")
    number = models.CharField(_("nomor batch"), max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    row_count = models.PositiveIntegerField(_("jumlah baris"))
    file = models.FileField(_("berkas"), upload_to="bpjs/%Y/")

    class Meta:
        db_table = "registrations_exportbatch"  # kept from before the BPJS app: no data moved
        ordering = ["-created_at", "-pk"]
        verbose_name = _("batch kirim BPJS")
        verbose_name_plural = _("batch kirim BPJS")

    def __str__(self) -> str:
        return self.number


class RegistrationFileLayout(models.Model):
    """A regency's column layout of the BPJS registration file: branches differ (DOMAIN.md §8), so
    each regency sets its own. Empty `columns` means the default layout
    (registration_file.DEFAULT_LAYOUT); a batch keeps the file made with the layout of its day."""

    regency = models.OneToOneField("villages.Regency", on_delete=models.CASCADE, related_name="bpjs_file_layout")
    # [{"key": …, "header": …}] from registration_file.COLUMNS; empty is the default layout.
    columns = models.JSONField(_("susunan kolom berkas pendaftaran BPJS"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("susunan kolom berkas BPJS")
        verbose_name_plural = _("susunan kolom berkas BPJS")

    def __str__(self) -> str:
        return f"Susunan kolom BPJS {self.regency}"
