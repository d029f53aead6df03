"""Celery tasks of the BPJS round trip: the large batch, answer preview and answer apply, each a
background job (jobs.py, common.jobs) started by its view by name. Thin: the work is jobs.py's.

A task is delivered at least once (acks_late): each step is safe to run again. A batch is one
transaction (a second run finds nothing left to send, or makes the batch a killed run never
committed); a preview writes nothing; an apply records only rows still waiting for BPJS. A lost
database connection is retried; after the last retry the job is marked failed.
"""

from __future__ import annotations

from celery import shared_task

from common.database import RETRYABLE_DATABASE_ERRORS
from common.jobs import JOB_TASK_OPTIONS as RETRIES
from common.jobs import JobTask, job_run

from . import jobs


@shared_task(name="bpjs.create_export_batch", base=JobTask, **RETRIES)
def create_export_batch(job_id: int) -> str | None:
    job = job_run(job_id, jobs.export_batch_work, retry_on=RETRYABLE_DATABASE_ERRORS)
    return job and job.status


@shared_task(name="bpjs.preview_answers", base=JobTask, **RETRIES)
def preview_answers(job_id: int) -> str | None:
    job = job_run(job_id, jobs.answer_preview_work, retry_on=RETRYABLE_DATABASE_ERRORS)
    return job and job.status


@shared_task(name="bpjs.apply_answers", base=JobTask, **RETRIES)
def apply_answers(job_id: int) -> str | None:
    job = job_run(job_id, jobs.answer_apply_work, retry_on=RETRYABLE_DATABASE_ERRORS)
    return job and job.status
