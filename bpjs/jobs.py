"""The BPJS round trip's large steps as background jobs (common.jobs): a batch, or an answer file's
preview and apply, with more rows than settings.BPJS_INLINE_MAX_ROWS. Smaller ones run in the
request (views.py), with the same services, outcomes and messages.

- `export_batch_work`: services.export_batch_create, as in the request, of exactly as many nominees
  as the person confirmed (`expected`); its result links the file (its download is logged, as every
  download of a batch) and the hand-over record.
- `answer_preview_work`: answers.answer_preview of the staged upload; the per-row outcome is
  stored beside the upload (uploads.store_preview) for the preview page, which the result links.
- `answer_apply_work`: answers.answer_apply of the staged upload, then the upload is deleted and
  what it recorded is stored for the result page (uploads.store_result), which the result links:
  a second confirmation is sent there, as in the request.

The tasks (tasks.py) call these through common.jobs.job_run; the views start them by task name
(`*_start`), after commit. The preview-then-apply discipline holds: the apply job checks the file
again against the database, as the inline apply does. A job's result holds counts and links, no
personal data.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.formatting import format_number
from common.jobs import JobRefused, JobResult, checked_line, job_start, rows_label, staged_apply_run, staged_preview_run
from common.models import Job
from common.workbooks import WorkbookError
from registrations import workflow
from registrations.models import Programme
from villages.models import Regency

from . import answers, services
from .models import ExportBatch
from .permissions import can_import_bpjs_results

logger = logging.getLogger(__name__)

def runs_inline(rows: int | None) -> bool:
    """Whether a step of `rows` rows runs in the request (else as a job): settings.BPJS_INLINE_MAX_ROWS.
    None: more than that (an answer file whose upload read only its first rows)."""
    return rows is not None and rows <= settings.BPJS_INLINE_MAX_ROWS


def _rows_label(rows: int | None) -> str:
    return rows_label(rows, limit=settings.BPJS_INLINE_MAX_ROWS)


def batch_made_message(batch: ExportBatch) -> str:
    return (f"Batch {batch.number} dibuat: {batch.row_count} calon tercatat dikirim ke BPJS. "
            "Unduh berkasnya dan cetak berita acara serah terima.")


def answer_applied_message(report: answers.AnswerReport) -> str:
    return f"Jawaban BPJS diimpor: {report.summary}."


# --- Export batch ---------------------------------------------------------------------------------

def export_batch_start(*, programme: Programme, user, rows: int) -> Job:
    return job_start(kind="bpjs.batch", title=f"Membuat batch kirim BPJS: {format_number(rows)} calon",
                     task_name="bpjs.create_export_batch", user=user, regency_id=programme.regency_id,
                     params={"programme_id": programme.pk, "expected": rows}, total=rows,
                     return_url=reverse("registrations:export-batch-list", args=[programme.pk]))


def export_batch_work(job: Job, progress) -> JobResult:
    programme = Programme.objects.select_related("regency").get(pk=job.params["programme_id"])
    progress(0)
    try:
        batch = services.export_batch_create(programme=programme, created_by=job.requested_by,
                                             expected=job.params.get("expected"))
    except ValidationError as error:
        raise JobRefused(" ".join(error.messages)) from None
    progress(batch.row_count, batch.row_count)
    return JobResult(
        lines=[batch_made_message(batch)],
        links=[("Unduh berkas batch", reverse("registrations:export-batch-download", args=[batch.pk])),
               ("Berita acara serah terima", reverse("registrations:export-batch-record", args=[batch.pk]))],
        data={"batch": batch.pk, "rows": batch.row_count})


# --- The branch's answer file ---------------------------------------------------------------------

def answer_preview_start(*, regency: Regency, user, token: str, rows: int | None) -> Job:
    return job_start(kind="bpjs.answer_preview", title=f"Memeriksa jawaban BPJS: {_rows_label(rows)}",
                     task_name="bpjs.preview_answers", user=user, regency_id=regency.pk,
                     params={"token": token}, total=rows,
                     return_url=reverse("registrations:bpjs-answer-upload", args=[regency.pk]))


def answer_apply_start(*, regency: Regency, user, token: str, rows: int | None) -> Job:
    return job_start(kind="bpjs.answer_apply", title=f"Mengimpor jawaban BPJS: {_rows_label(rows)}",
                     task_name="bpjs.apply_answers", user=user, regency_id=regency.pk,
                     params={"token": token}, total=rows,
                     return_url=reverse("registrations:bpjs-answer-upload", args=[regency.pk]))


def answer_preview_work(job: Job, progress) -> JobResult:
    if not can_import_bpjs_results(job.requested_by, job.regency):
        raise JobRefused("Anda tidak berwenang mengimpor jawaban BPJS untuk kabupaten/kota ini.")
    report = staged_preview_run(job, progress, to_json=answers.report_to_json,
                                preview=lambda content: answers.answer_preview(content=content, regency=job.regency))
    matched = report.count(answers.MATCHED)
    return JobResult(
        lines=[checked_line(report),
               f"{format_number(matched)} baris yang cocok akan dicatat bila Anda menekan Simpan di halaman "
               "pratinjau." if matched else "Tidak ada baris yang akan dicatat."],
        links=[("Lihat pratinjau per baris", reverse("registrations:bpjs-answer-preview",
                                                     args=[job.regency_id, job.params["token"]]))],
        warning=not matched, data=report.totals)


def answer_apply_work(job: Job, progress) -> JobResult:
    report = staged_apply_run(job, progress, to_json=answers.report_to_json,
                              refused=(WorkbookError, workflow.TransitionError),
                              apply=lambda content: answers.answer_apply(content=content, regency=job.regency,
                                                                         actor=job.requested_by))
    logger.info("%s imported a BPJS answer file for %s: %s", job.requested_by.username, job.regency.code,
                report.summary)
    to_fix = len(report.rows_to_fix)
    return JobResult(
        lines=[answer_applied_message(report)],
        links=[("Lihat hasil dan baris yang perlu diperbaiki" if to_fix else "Lihat hasil",
                reverse("registrations:bpjs-answer-result", args=[job.regency_id, job.params["token"]])),
               ("Kembali ke batch kirim BPJS", reverse("registrations:bpjs-regency", args=[job.regency_id]))],
        warning=bool(to_fix), data=report.applied_totals)
