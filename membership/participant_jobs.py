"""BPJS's participant file (participants.py) as background jobs (common.jobs): a file of more rows
than settings.BPJS_INLINE_MAX_ROWS is previewed and applied by the worker, as the branch's answer
file is (bpjs/jobs.py); a smaller one in the request (views.py), with the same services, outcomes
and messages.

- `participant_preview_work`: participants.participants_preview of the staged upload on the day
  the person uploaded it; the per-row outcome is stored beside the upload (uploads.store_preview)
  for the preview page, which the result links.
- `participant_apply_work`: participants.participants_apply of the staged upload on the day the
  person confirmed it (the file is checked again against the database, as the inline apply does);
  then the upload is deleted and what it did is stored for the result page (uploads.store_result).
  A second confirmation finds the upload gone and is refused with common.jobs.UPLOAD_GONE; its
  page leads to the first one's result.

The tasks (tasks.py) call these through common.jobs.job_run; the views start them by task name,
after commit. A job's result holds counts and links, no personal data.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import reverse

from bpjs.permissions import can_import_bpjs_results
from common.formatting import format_number
from common.jobs import JobRefused, JobResult, checked_line, job_start, rows_label, staged_apply_run, staged_preview_run
from common.models import Job
from common.workbooks import WorkbookError
from registrations import workflow

from . import participants

logger = logging.getLogger(__name__)

def saved_message(report: participants.ParticipantReport) -> str:
    return f"Daftar peserta BPJS disimpan: {report.summary}."


def _start(*, kind: str, verb: str, task_name: str, regency, user, token: str, rows: int | None,
           on: dt.date) -> Job:
    return job_start(kind=kind, title=f"{verb} daftar peserta BPJS: "
                                      f"{rows_label(rows, limit=settings.BPJS_INLINE_MAX_ROWS)}",
                     task_name=task_name, user=user, regency_id=regency.pk,
                     params={"token": token, "on": on.isoformat()}, total=rows,
                     return_url=reverse("membership:participant-upload", args=[regency.pk]))


def participant_preview_start(*, regency, user, token: str, rows: int | None, on: dt.date) -> Job:
    """Queues the preview of the staged upload `token` as on `on` (after the caller's commit)."""
    return _start(kind="membership.participant_preview", verb="Memeriksa", task_name="membership.preview_participants",
                  regency=regency, user=user, token=token, rows=rows, on=on)


def participant_apply_start(*, regency, user, token: str, rows: int | None, on: dt.date) -> Job:
    """Queues the saving of the staged upload `token` as on `on` (after the caller's commit)."""
    return _start(kind="membership.participant_apply", verb="Menyimpan", task_name="membership.apply_participants",
                  regency=regency, user=user, token=token, rows=rows, on=on)


def _preview_url(job: Job) -> str:
    return reverse("membership:participant-preview", args=[job.regency_id, job.params["token"]])


def participant_preview_work(job: Job, progress) -> JobResult:
    if not can_import_bpjs_results(job.requested_by, job.regency):
        raise JobRefused("Anda tidak berwenang mengimpor daftar peserta BPJS untuk kabupaten/kota ini.")
    on = dt.date.fromisoformat(job.params["on"])
    report = staged_preview_run(job, progress, to_json=participants.report_to_json,
                                preview=lambda content: participants.participants_preview(
                                    content=content, regency=job.regency, on=on))
    if report.refused:
        verdict = (f"Berkas ditolak: {format_number(report.count(participants.MALFORMED))} baris tidak sah. "
                   "Tidak ada yang akan disimpan; perbaiki barisnya lalu unggah lagi.")
    elif report.changing_count:
        verdict = (f"{format_number(report.changing_count)} perubahan akan disimpan bila Anda menekan Simpan di "
                   "halaman pratinjau.")
    else:
        verdict = "Tidak ada yang berubah: portal sudah mencatat daftar ini."
    return JobResult(
        lines=[checked_line(report), verdict],
        links=[("Lihat pratinjau per baris", _preview_url(job))],
        warning=report.refused or not report.changing_count,
        data={"rows": len(report.rows), **{outcome: report.count(outcome) for outcome in participants.OUTCOMES}})


def participant_apply_work(job: Job, progress) -> JobResult:
    on = dt.date.fromisoformat(job.params["on"])
    report = staged_apply_run(job, progress, to_json=participants.report_to_json,
                              refused=(participants.FileRefused, WorkbookError, workflow.TransitionError),
                              apply=lambda content: participants.participants_apply(
                                  content=content, regency=job.regency, actor=job.requested_by, on=on))
    logger.info("%s imported a BPJS participant file for %s: %s", job.requested_by.username, job.regency.code,
                report.summary)
    return JobResult(
        lines=[saved_message(report)],
        links=[("Lihat hasil dan peserta yang tidak ada di daftar BPJS" if report.unlisted else "Lihat hasil",
                reverse("membership:participant-result", args=[job.regency_id, job.params["token"]])),
               ("Kembali ke batch kirim BPJS", reverse("registrations:bpjs-regency", args=[job.regency_id]))],
        warning=bool(report.unlisted),
        data={"applied": report.applied_count, "unchanged": report.count(participants.UNCHANGED),
              "unlisted": len(report.unlisted)})
