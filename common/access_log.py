"""The export log: one ExportRecord row for every workbook the portal hands out, and for every
opening of a page that shows a nominee's NIK and KK in full (`reveal_record`).

Written by each place that answers with a workbook: the nominative list and the coverage recap,
answered at once (`export_record`) or built by the worker (`export_job_record` when queued,
`export_job_done` when its file is ready; reports.export_jobs), the BPJS batch when it is made
(bpjs.services) and when it is downloaded again (bpjs.views), the auditor's event export
(registrations.review.audit_views), the submission tracking workbook
(registrations.review.tracking_views), the village accounts' credentials and every page that shows
one account's new password (`password_reset_record`; accounts.views). The
regency's staff read the log on /cakupan/kabupaten/<pk>/ekspor/.

UU 27/2022 (PDP) asks that access to personal data be logged: the row records who took which
region's data and how many rows, never a name or a NIK. It is not optional: each caller writes it
in the transaction that reads (or makes) the data it hands out, before the file leaves, so if the
row cannot be written the export fails and no file is handed out.
"""

from __future__ import annotations

from django.utils import timezone

from .models import ExportKind, ExportRecord, ExportStatus

# Callers elsewhere need the kinds and the writers, from one import.
__all__ = ["ExportKind", "export_job_done", "export_job_record", "export_record", "password_reset_record",
           "reveal_record"]


def export_record(*, kind: ExportKind | str, requested_by, regency, row_count: int, programme=None,
                  subdistrict=None, village=None, filename: str = "", full_identifiers: bool = False,
                  nominee_ref: int | None = None, account=None) -> ExportRecord:
    """Records an export answered at once (status done). `regency` is the region's regency (the
    log is per regency); `subdistrict` / `village` when the export was narrower; `full_identifiers`
    when the file holds NIK or KK in clear. Call it inside the `transaction.atomic()` block that
    reads the export's data, before the response is made: a failure here then fails the export.
    It checks nothing. Returns the stored row."""
    now = timezone.now()
    return ExportRecord.objects.create(
        kind=kind, status=ExportStatus.DONE, requested_by=requested_by, regency=regency, programme=programme,
        subdistrict=subdistrict, village=village, filename=filename[:200], full_identifiers=full_identifiers,
        row_count=row_count, progress=row_count, total=row_count, finished_at=now, nominee_ref=nominee_ref,
        account=account,
    )


def export_job_record(*, kind: ExportKind | str, requested_by, regency, total: int, filename: str,
                      programme=None, subdistrict=None, village=None, full_identifiers: bool = False,
                      ) -> ExportRecord:
    """Records an export handed to the worker (status queued, `total` rows expected): the row that
    is both the job (its progress, its file) and, once `export_job_done` completes it, the log's
    entry for what was handed out. The same fields as `export_record`. Returns the stored row."""
    return ExportRecord.objects.create(
        kind=kind, status=ExportStatus.QUEUED, requested_by=requested_by, regency=regency, programme=programme,
        subdistrict=subdistrict, village=village, filename=filename[:200], full_identifiers=full_identifiers,
        total=total,
    )


def export_job_done(*, record: ExportRecord, row_count: int) -> None:
    """Records a job's export as made: done, its row count and the time, with the file the caller
    has just stored on `record` (`record.file`), in one statement, so the file becomes downloadable
    only with its log entry. If it cannot be written the job fails and the caller deletes the
    file."""
    record.status, record.finished_at = ExportStatus.DONE, timezone.now()
    record.row_count = record.progress = record.total = row_count
    record.save(update_fields=["status", "finished_at", "row_count", "progress", "total", "file"])


def reveal_record(*, requested_by, regency, village, nominee_id: int) -> ExportRecord:
    """Records that a page showed one nominee's NIK and KK in full to `requested_by` (a reveal, logged
    like an export: who, when, which nominee by id). Lists show NIKs masked; the nominee's own page
    and its edit form are where a full NIK is read, and each opening is one row."""
    return export_record(kind=ExportKind.NOMINEE_REVEAL, requested_by=requested_by, regency=regency,
                         subdistrict=village.subdistrict, village=village, row_count=1, full_identifiers=True,
                         nominee_ref=nominee_id)


def password_reset_record(*, reset_by, account, regency) -> ExportRecord:
    """Records that `reset_by` reset `account`'s password and was shown the new one (who, whose,
    when, in which regency's log; never the password). Called in the reset's transaction: no row,
    no reset. Office staff's resets (only the system administrator may make them) are read here by
    the regency's own staff on the export log page."""
    return export_record(kind=ExportKind.PASSWORD_RESET, requested_by=reset_by, regency=regency, row_count=1,
                         account=account)
