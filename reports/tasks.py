"""Celery tasks of the reports app. Thin: the coverage rules are reports/coverage/'s, the exports'
reports/export_jobs.py's.

- `reports.recompute_regency_coverage(regency_id)`: scheduled by reports.triggers after a change
  that moves a regency's numbers (coalesced per regency), and by the nightly task below.
- `reports.recompute_all_coverage()`: the nightly beat entry (settings.CELERY_BEAT_SCHEDULE); one
  recompute task per regency with coverage data.

- `reports.recompute_owed()`: every few minutes (beat); schedules again the recomputes changes
  could not schedule while Redis was down (triggers.RecomputeOwed).

- `reports.build_export(record_id)`: a large export (reports.export_jobs.export_start queues it
  after commit); builds the workbook file and marks the ExportRecord done.
- `reports.purge_old_export_files()`: nightly, deletes export files past
  settings.EXPORT_FILE_RETENTION_DAYS (the log rows stay).

The recomputes are idempotent: coverage.recompute_regency upserts the day's rows in one transaction under a
row lock on the regency, so a redelivered message (acks_late, a worker killed mid-task) or two runs
at once leave one row per region and day with the same values.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task

from common.database import RETRYABLE_DATABASE_ERRORS
from villages.models import Regency

from . import coverage, export_jobs, triggers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = RETRYABLE_DATABASE_ERRORS


@shared_task(name="reports.recompute_regency_coverage", acks_late=True, autoretry_for=DATABASE_ERRORS,
             max_retries=5, retry_backoff=2, retry_backoff_max=120, retry_jitter=True)
def recompute_regency_coverage(regency_id: int) -> dict | None:
    """Recomputes today's snapshot rows of one regency. Returns what was written (the task result),
    or None for a regency that no longer exists (a message older than the data it names)."""
    # Before reading anything: a change committed from now on schedules another recompute.
    triggers.recompute_started(regency_id)
    try:
        result = coverage.recompute_regency(regency_id)
    except Regency.DoesNotExist:
        logger.warning("coverage recompute skipped: regency %s does not exist", regency_id)
        return None
    triggers.recompute_finished(regency_id)
    return {"regency": result.regency_code, "computed_on": result.computed_on.isoformat(),
            "rows_written": result.rows_written}


@shared_task(name="reports.recompute_all_coverage", acks_late=True, autoretry_for=DATABASE_ERRORS,
             max_retries=5, retry_backoff=2, retry_backoff_max=120, retry_jitter=True)
def recompute_all_coverage() -> int:
    """Queues a recompute of every regency with coverage data (coverage.regencies_to_recompute), one
    task each, so a failing regency retries alone and none waits for the others' time limit. Runs
    nightly, which writes each day's history row and repairs any recompute a change failed to
    schedule. Returns how many were queued."""
    regency_ids = coverage.regencies_to_recompute()
    for regency_id in regency_ids:
        recompute_regency_coverage.delay(regency_id)
    return len(regency_ids)


@shared_task(name="reports.recompute_owed", acks_late=True, autoretry_for=DATABASE_ERRORS, max_retries=3,
             retry_backoff=10)
def recompute_owed() -> int:
    """Schedules the recomputes owed since Redis or the broker failed (triggers.recompute_owed).
    Returns how many regencies were owed."""
    return triggers.recompute_owed()


class ExportTask(Task):
    """An export job whose failure the person sees: when the task finally fails (database errors
    outlasting the retries; other errors export_job_run marks itself), its record is marked failed,
    so the status page stops waiting. Celery does not call on_failure for a retry."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        export_jobs.export_job_fail(record_id=args[0] if args else kwargs["record_id"])


@shared_task(name="reports.build_export", base=ExportTask, acks_late=True, autoretry_for=DATABASE_ERRORS,
             max_retries=3, retry_backoff=2, retry_backoff_max=60, retry_jitter=True)
def build_export(record_id: int) -> dict | None:
    """Builds the file of one queued export (export_jobs.export_job_run). Idempotent: a record
    already done is left alone; one whose worker died mid-way is built again from the start.
    Returns the record's status and rows, or None for a record that no longer exists."""
    record = export_jobs.export_job_run(record_id=record_id)
    if record is None:
        return None
    return {"export": record.pk, "status": record.status, "rows": record.row_count}


@shared_task(name="reports.purge_old_export_files", acks_late=True, autoretry_for=DATABASE_ERRORS, max_retries=3,
             retry_backoff=60)
def purge_old_export_files() -> int:
    """Nightly: deletes export files past their retention (export_jobs.export_files_purge)."""
    return export_jobs.export_files_purge()
