"""The export log: one ExportRecord row for every workbook the portal hands out.

Called once by each place that answers with a workbook: the nominative list and the coverage
recap (reports.export_jobs), the BPJS batch when it is made and when it is downloaded again
(registrations.bpjs_views), the auditor's event export (registrations.audit_views), the submission
tracking workbook (registrations.tracking_views) and the village accounts' credentials
(accounts.views). The regency's staff read the log on /cakupan/kabupaten/<pk>/ekspor/.

UU 27/2022 (PDP) asks that access to personal data be logged: the row records who took which
region's data and how many rows, never a name or a NIK. It is written before the response is
returned and is not optional: if it cannot be written, the export fails rather than leaving
unrecorded.
"""

from __future__ import annotations

from django.utils import timezone

from .models import ExportKind, ExportRecord, ExportStatus

__all__ = ["ExportKind", "export_record"]  # callers elsewhere need both, from one import


def export_record(*, kind: ExportKind | str, requested_by, regency, row_count: int, programme=None,
                  subdistrict=None, village=None, filename: str = "", full_identifiers: bool = False,
                  ) -> ExportRecord:
    """Records an export answered at once (status done). `regency` is the region's regency (the
    log is per regency); `subdistrict` / `village` when the export was narrower; `full_identifiers`
    when the file holds NIK or KK in clear. Any caller that just built a workbook may call it;
    it checks nothing. Returns the stored row."""
    now = timezone.now()
    return ExportRecord.objects.create(
        kind=kind, status=ExportStatus.DONE, requested_by=requested_by, regency=regency, programme=programme,
        subdistrict=subdistrict, village=village, filename=filename[:200], full_identifiers=full_identifiers,
        row_count=row_count, progress=row_count, total=row_count, finished_at=now,
    )
