"""The branch's claims file (imports.py) as background jobs (common.jobs): a file of more rows than
settings.BPJS_INLINE_MAX_ROWS is previewed and saved by the worker, as BPJS's answer and
participant files are (bpjs/jobs.py, membership/participant_jobs.py); a smaller one in the
request (views.py), with the same services, outcomes and messages.

- `claims_preview_work`: imports.claims_preview of the staged upload; the per-row outcome is stored
  beside the upload (uploads.store_preview) for the preview page, which the result links.
- `claims_apply_work`: imports.claims_apply of the staged upload (checked again against the
  database, all or nothing, as inline); then the upload is deleted and what it recorded is stored
  (uploads.store_result) for the result page, which the result links.

The tasks (membership/tasks.py) call these through common.jobs.job_run; the views start them by
task name, after commit. A job's result holds counts and links, no personal data.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse

from common.formatting import format_number
from common.jobs import JobRefused, JobResult, checked_line, job_start, rows_label, staged_apply_run, staged_preview_run
from common.models import Job
from common.workbooks import WorkbookError

from . import imports
from .permissions import can_record_claims
from .services import ClaimError

logger = logging.getLogger(__name__)


def saved_message(report: imports.ClaimReport) -> str:
    return f"Berkas klaim disimpan: {report.summary}."


def _start(*, kind: str, verb: str, task_name: str, regency, user, token: str, rows: int | None) -> Job:
    return job_start(kind=kind, title=f"{verb} berkas klaim: {rows_label(rows, limit=settings.BPJS_INLINE_MAX_ROWS)}",
                     task_name=task_name, user=user, regency_id=regency.pk, params={"token": token}, total=rows,
                     return_url=reverse("membership:claim-import-upload", args=[regency.pk]))


def claims_preview_start(*, regency, user, token: str, rows: int | None) -> Job:
    """Queues the preview of the staged claims file `token` (after the caller's commit)."""
    return _start(kind="membership.claims_preview", verb="Memeriksa", task_name="membership.preview_claims",
                  regency=regency, user=user, token=token, rows=rows)


def claims_apply_start(*, regency, user, token: str, rows: int | None) -> Job:
    """Queues the saving of the staged claims file `token` (after the caller's commit)."""
    return _start(kind="membership.claims_apply", verb="Menyimpan", task_name="membership.apply_claims",
                  regency=regency, user=user, token=token, rows=rows)


def claims_preview_work(job: Job, progress) -> JobResult:
    if not can_record_claims(job.requested_by, job.regency):
        raise JobRefused("Anda tidak berwenang mencatat klaim untuk kabupaten/kota ini.")
    report = staged_preview_run(job, progress, to_json=imports.report_to_json,
                                preview=lambda content: imports.claims_preview(content=content, regency=job.regency))
    if report.can_apply:
        verdict = f"{format_number(report.new_count)} klaim akan dicatat bila Anda menekan Simpan di halaman pratinjau."
    elif report.to_fix:
        verdict = (f"{format_number(report.to_fix)} baris perlu diperbaiki. Berkas disimpan hanya bila semua barisnya "
                   "benar: perbaiki berkas, lalu unggah lagi.")
    else:
        verdict = "Semua klaim di berkas ini sudah tercatat; tidak ada yang perlu disimpan."
    return JobResult(
        lines=[checked_line(report), verdict],
        links=[("Lihat pratinjau per baris",
                reverse("membership:claim-import-preview", args=[job.regency_id, job.params["token"]]))],
        warning=not report.can_apply,
        data={"rows": len(report.rows), **{outcome: report.count(outcome) for outcome in imports.OUTCOME_LABELS}})


def claims_apply_work(job: Job, progress) -> JobResult:
    report = staged_apply_run(job, progress, to_json=imports.report_to_json, refused=(ClaimError, WorkbookError),
                              apply=lambda content: imports.claims_apply(content=content, regency=job.regency,
                                                                         actor=job.requested_by))
    logger.info("%s imported a claims file for %s: %s", job.requested_by.username, job.regency.code, report.summary)
    return JobResult(
        lines=[saved_message(report)],
        links=[("Lihat hasil", reverse("membership:claim-import-result", args=[job.regency_id, job.params["token"]])),
               ("Daftar klaim", reverse("membership:claim-list", args=[job.regency_id]))],
        data={"recorded": report.count(imports.NEW), "unchanged": report.count(imports.ALREADY_RECORDED)})
