"""Celery tasks of the registrations app. Thin: the rules are the workflow's, the job's work is
registrations/review/decisions.py's.

- `registrations.run_decision_job(job_id)`: a bulk decision too large for the request
  (decisions.decision_start queues it after commit through common.jobs). Idempotent: a job already
  done is left alone; one whose worker died is run again and finishes the rest (what the first run
  moved is counted as moved). Database errors are retried; when they outlast the retries the job
  is marked failed, so its page stops waiting.
- `registrations.preview_regency_import(job_id)` and `registrations.apply_regency_import(job_id)`:
  the preview and the saving of a regency-wide nominee list longer than
  settings.NOMINEE_IMPORT_INLINE_MAX_ROWS (nominee_import/regency.py, started by its views). A
  preview writes nothing; an apply run again checks the file again, and a row its first run saved
  is then refused by the one-active-nomination rule, not saved twice.
"""

from __future__ import annotations

from celery import Task, shared_task

from common import jobs
from common.database import RETRYABLE_DATABASE_ERRORS

from .nominee_import import regency as regency_import
from .review import decisions


class DecisionTask(Task):
    """Marks the job failed once the retries are spent (Celery calls on_failure then, not for a
    retry): every job task of this app uses it."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        jobs.job_fail(args[0] if args else kwargs["job_id"])


@shared_task(name="registrations.run_decision_job", base=DecisionTask, acks_late=True,
             autoretry_for=RETRYABLE_DATABASE_ERRORS, max_retries=3, retry_backoff=2, retry_backoff_max=60,
             retry_jitter=True)
def run_decision_job(job_id: int) -> dict | None:
    """Runs one decision job (common.jobs.job_run over decisions.decision_job_work). Returns the
    job's status, or None for a job that no longer exists."""
    job = jobs.job_run(job_id, decisions.decision_job_work)
    return None if job is None else {"job": job.pk, "status": job.status}


JOB_RETRIES = {"acks_late": True, "autoretry_for": RETRYABLE_DATABASE_ERRORS, "max_retries": 3, "retry_backoff": 2,
               "retry_backoff_max": 60, "retry_jitter": True}


@shared_task(name="registrations.preview_regency_import", base=DecisionTask, **JOB_RETRIES)
def preview_regency_import(job_id: int) -> str | None:
    """Checks a regency-wide nominee list (regency_import.preview_work); returns the job's status."""
    job = jobs.job_run(job_id, regency_import.preview_work)
    return job and job.status


@shared_task(name="registrations.apply_regency_import", base=DecisionTask, **JOB_RETRIES)
def apply_regency_import(job_id: int) -> str | None:
    """Saves a regency-wide nominee list (regency_import.apply_work); returns the job's status."""
    job = jobs.job_run(job_id, regency_import.apply_work)
    return job and job.status
