"""Background jobs with a progress page: the one way a piece of work too large for a request
(a bulk decision, a regency-wide import, a BPJS batch or answer file) reaches the worker.

    job = job_start(kind="registrations.decide", title="Menyetujui 20.000 calon", user=request.user,
                    regency_id=regency.pk, task_name="registrations.run_decision_job",
                    params={"nominee_ids": ids, "action": "approve"}, total=len(ids),
                    return_url=reverse(...))
    return redirect(job_url(job))          # the person watches /tugas/<id>/

The starting view creates the Job row (status queued) in its own transaction; after commit the
task is queued by name. The task calls `job_run(job_id, work)`: it claims the job (running),
calls `work(job, progress)`, and stores what `work` returns as the result the page shows
(`JobResult`), or marks the job failed with a message the person can act on:

- `JobRefused(message)` raised by `work`: the message as it is (a rule said no);
- a database error worth retrying (common.database.RETRYABLE_DATABASE_ERRORS): raised to the task,
  which retries (the job stays running) and calls `job_fail` when the retries are spent;
- any other error: JOB_FAILED_MESSAGE, and the error in the log;
- a broker that cannot be reached when the job is queued: NOT_STARTED_MESSAGE at once, so no job
  waits for ever for a message that was never sent;
- a worker killed mid-way (`kill -9`, a lost host): `jobs_fail_stale`, run by beat, marks a job
  whose heartbeat stopped for longer than settings.JOB_STALE_AFTER_SECONDS failed with
  STALE_MESSAGE. The heartbeat is written with every `progress(...)` call.

`progress(done, total)` is an UPDATE on the job row: called outside a transaction it is seen at
once; inside one, only when that transaction commits. Work that must show progress commits in
chunks (and is written so that a second run finishes what a killed one left).

With no broker (CELERY_TASK_ALWAYS_EAGER, the embedded demo) the task runs inline after commit, so
the progress page already shows the result. This module imports no app of the portal.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import uploads
from .database import RETRYABLE_DATABASE_ERRORS
from .formatting import format_number
from .models import ExportRecord, ExportStatus, Job, JobStatus
from .workbooks import WorkbookError

logger = logging.getLogger(__name__)

JOB_FAILED_MESSAGE = "Pekerjaan gagal. Coba lagi; bila terulang, hubungi admin sistem."
NOT_STARTED_MESSAGE = ("Pekerjaan tidak dapat dimulai sekarang karena antrean latar belakang tidak tersedia. "
                       "Tidak ada yang berubah; coba lagi beberapa menit lagi.")
STALE_MESSAGE = "Pekerjaan berhenti sebelum selesai (pekerja latar belakang terhenti). Coba lagi."
EXPORT_STALE_MESSAGE = "Berkas berhenti dibuat sebelum selesai (pekerja latar belakang terhenti). Gagal, coba lagi."
UPLOAD_GONE = "Berkas unggahan sudah tidak tersedia atau sudah diimpor. Unggah lagi bila perlu."

Progress = Callable[..., None]


class JobRefused(Exception):
    """Raised by a job's work when a rule refuses it; the message is shown to the person as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class JobResult:
    """What the progress page shows once a job is done: Indonesian lines, links (label, url) and
    whether the outcome needs the person's attention. No personal data."""

    lines: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    warning: bool = False
    data: dict = field(default_factory=dict)  # figures for commands and tests

    def as_json(self) -> dict:
        return {"lines": self.lines, "links": [list(link) for link in self.links], "warning": self.warning,
                "data": self.data}


def job_start(*, kind: str, title: str, task_name: str, user, regency_id: int | None = None,
              params: dict | None = None, total: int | None = None, return_url: str = "") -> Job:
    """Creates the job (queued) and queues `task_name(job_id)` once the caller's transaction commits."""
    job = Job.objects.create(kind=kind, title=title[:200], requested_by=user, regency_id=regency_id,
                             params=params or {}, total=total, return_url=return_url[:300])
    transaction.on_commit(partial(_enqueue, job.pk, task_name))
    return job


def task_enqueue(task_name: str, *, args: tuple = (), countdown: float | None = None) -> bool:
    """Queues the task `task_name` by name (the caller need not import its tasks module). Returns
    False, with the error in the log, when the broker cannot be reached (Redis down: kombu's
    OperationalError, redis' ConnectionError): within a few seconds, as the publishing timeouts and
    retries in settings (CELERY_BROKER_CONNECTION_TIMEOUT, CELERY_TASK_PUBLISH_RETRY_POLICY) allow.
    The caller leaves a durable mark of what did not start (a job marked failed, a recompute owed).
    With no broker (CELERY_TASK_ALWAYS_EAGER) the task runs here and its errors are raised."""
    options = {} if countdown is None else {"countdown": countdown}
    try:
        current_app.signature(task_name, args=args, **options).apply_async()
    except Exception:  # the broker's own errors, whatever the transport raises
        if current_app.conf.task_always_eager:  # the task's own error, raised inline
            raise
        logger.exception("task %s%r could not be queued: the broker is unreachable", task_name, args)
        return False
    return True


def _enqueue(job_id: int, task_name: str) -> None:
    if not task_enqueue(task_name, args=(job_id,)):
        # Never left queued for a message that was never sent: the page says so at once.
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, error=NOT_STARTED_MESSAGE, finished_at=timezone.now())


def job_url(job: Job) -> str:
    return reverse("job-status", args=[job.pk])


def rows_label(rows: int | None, *, limit: int) -> str:
    """A job's title words for a file of `rows` rows; None: more than `limit` (an upload whose
    quick look read only its first rows, the rest is the job's to read)."""
    return f"{format_number(rows)} baris" if rows is not None else f"lebih dari {format_number(limit)} baris"


def job_staged_upload(job: Job) -> bytes:
    """The staged upload (common.uploads) named by the job's params["token"]; JobRefused with
    UPLOAD_GONE when it was purged or a first apply already imported and deleted it."""
    content = uploads.read(job.params["token"])
    if content is None:
        raise JobRefused(UPLOAD_GONE)
    return content


def staged_preview_run(job: Job, progress: Progress, *, preview: Callable[[bytes], object],
                       to_json: Callable[[object], bytes]):
    """The preview of the job's staged upload (params["token"]): `preview(content)`, whose per-row
    outcome is stored beside the upload (uploads.store_preview) for the preview page. A file found
    unusable there (WorkbookError) is deleted, as its upload read only its first rows, and the job
    refused with the reason. Returns the report (it has `rows`). Used by the BPJS answer,
    participant and claims files."""
    content = job_staged_upload(job)
    progress(0)
    try:
        report = preview(content)
    except WorkbookError as error:
        uploads.delete(job.params["token"])  # an unusable file is not kept (its upload read only its first rows)
        raise JobRefused(str(error)) from None
    uploads.store_preview(job.params["token"], to_json(report))
    progress(len(report.rows), len(report.rows))
    return report


def staged_apply_run(job: Job, progress: Progress, *, apply: Callable[[bytes], object],
                     to_json: Callable[[object], bytes], refused: tuple[type[Exception], ...]):
    """The saving of the job's staged upload (params["token"]): `apply(content)`, the job refused
    with the message of an error of `refused`; then the upload is deleted and what it did stored
    for the result page (uploads.store_result). Returns the report (it has `rows`)."""
    content = job_staged_upload(job)
    progress(0)
    try:
        report = apply(content)
    except refused as error:
        raise JobRefused(str(error)) from None
    uploads.delete(job.params["token"])
    uploads.store_result(job.params["token"], to_json(report))
    progress(len(report.rows), len(report.rows))
    return report


def checked_line(report) -> str:
    """The first line of a file preview job's result: the rows checked, counted per outcome."""
    counts = ", ".join(f"{label} {format_number(count)}" for _, label, count in report.outcome_counts if count)
    return f"{format_number(len(report.rows))} baris diperiksa: {counts}. Belum ada yang disimpan."


# The Celery options of a job's task: delivered at least once (acks_late; the work is safe to run
# again), a lost database connection retried a few times.
JOB_TASK_OPTIONS = {"acks_late": True, "autoretry_for": RETRYABLE_DATABASE_ERRORS, "max_retries": 3,
                    "retry_backoff": 2, "retry_backoff_max": 60, "retry_jitter": True}


class JobTask(Task):
    """The base of a job's task (its first argument the job's id): marks the job failed when the
    task finally fails, its retries spent (Celery calls on_failure then, not for a retry), so the
    page stops waiting."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_fail(args[0] if args else kwargs["job_id"])


def job_run(job_id: int, work: Callable[[Job, Progress], JobResult], *,
            retry_on: tuple[type[BaseException], ...] = RETRYABLE_DATABASE_ERRORS) -> Job | None:
    """Runs one job's work in the worker. A job already done or failed is left alone (a message
    delivered twice); one still marked running (its worker died) is run again from the start.
    An error of `retry_on` (e.g. RETRYABLE_DATABASE_ERRORS) leaves the job running and is raised
    for the task's autoretry, which runs it again (its on_failure calls `job_fail` after the last).
    Returns the job as stored afterwards, or None when it no longer exists."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0)
    if not claimed:
        return Job.objects.filter(pk=job_id).first()
    job = Job.objects.select_related("requested_by", "regency").get(pk=job_id)

    def progress(done: int, total: int | None = None) -> None:
        values = {"progress": done, "heartbeat_at": timezone.now()}
        if total is not None:
            values["total"] = total
        Job.objects.filter(pk=job_id).update(**values)

    try:
        result = work(job, progress)
    except JobRefused as refusal:
        _finish(job_id, status=JobStatus.FAILED, error=refusal.message)
    except retry_on:
        # A lost connection or a lock timeout: the job stays running and the error reaches the task,
        # whose retry runs the work again (written to finish what this run left); the task marks
        # the job failed (job_fail) when the retries are spent.
        raise
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, status=JobStatus.FAILED, error=JOB_FAILED_MESSAGE)
    else:
        _finish(job_id, status=JobStatus.DONE, result=result.as_json())
    return Job.objects.get(pk=job_id)


def _finish(job_id: int, *, status: str, error: str = "", result: dict | None = None) -> None:
    values = {"status": status, "error": error, "finished_at": timezone.now(), "heartbeat_at": timezone.now()}
    if result is not None:
        values["result"] = result
    Job.objects.filter(pk=job_id).update(**values)


def job_fail(job_id: int, message: str = JOB_FAILED_MESSAGE) -> None:
    """Marks an unfinished job failed (a task's last retry failed)."""
    Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now())


def _stale(now: dt.datetime) -> Q:
    """Running with no heartbeat for settings.JOB_STALE_AFTER_SECONDS (a running row without one is
    older than the heartbeat), or still queued settings.JOB_QUEUED_STALE_AFTER_SECONDS after it was
    asked (a message lost with its broker). The same words for a Job and an export job."""
    cutoff = now - dt.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    return (Q(status="running", heartbeat_at__lt=cutoff)
            | Q(status="running", heartbeat_at__isnull=True, created_at__lt=cutoff)
            | Q(status="queued", created_at__lt=now - dt.timedelta(seconds=settings.JOB_QUEUED_STALE_AFTER_SECONDS)))


def jobs_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Marks failed every background job whose worker stopped (`_stale`): the Jobs, with
    STALE_MESSAGE, and the export jobs (ExportRecord, reports.export_jobs), with
    EXPORT_STALE_MESSAGE. Their pages then stop polling and offer to try again. A message handed
    to another worker later (acks_late) still finishes the work. Returns how many were marked."""
    now = now or timezone.now()
    jobs = Job.objects.filter(_stale(now)).update(status=JobStatus.FAILED, error=STALE_MESSAGE, finished_at=now)
    exports = ExportRecord.objects.filter(_stale(now)).update(
        status=ExportStatus.FAILED, error=EXPORT_STALE_MESSAGE, finished_at=now)
    if jobs or exports:
        logger.warning("stale background work marked failed: %d jobs, %d exports", jobs, exports)
    return jobs + exports


def job_get_for_user(user, pk: int) -> Job:
    """The job's page is its requester's (and a system administrator's); anyone else gets a 404."""
    from django.http import Http404

    job = Job.objects.select_related("requested_by", "regency").filter(pk=pk).first()
    if job is None or not (job.requested_by_id == user.pk or getattr(user, "is_system_admin", False)):
        raise Http404("Pekerjaan tidak ditemukan.")
    return job
