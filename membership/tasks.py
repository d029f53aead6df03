"""Membership's Celery tasks: thin, named, idempotent: the daily update (a second run the same day
changes nothing) the large BPJS participant file's and claims file's preview and apply
(participant_jobs.py, claims/jobs.py)."""

from __future__ import annotations

from celery import shared_task

from common.database import RETRYABLE_DATABASE_ERRORS
from common.jobs import JOB_TASK_OPTIONS, JobTask, job_run

from . import participant_jobs, rules, services
from .claims import jobs as claim_jobs


@shared_task(name="membership.update_memberships", acks_late=True, autoretry_for=RETRYABLE_DATABASE_ERRORS,
             max_retries=5, retry_backoff=2, retry_backoff_max=120, retry_jitter=True)
def update_memberships() -> dict:
    """The daily update (services.memberships_update) for today; returns how many moved to what."""
    result = services.memberships_update(on=rules.membership_today())
    return {"on": result.on.isoformat(), "moved": result.moved, "refused": len(result.refused)}


@shared_task(name="membership.preview_participants", base=JobTask, **JOB_TASK_OPTIONS)
def preview_participants(job_id: int) -> str | None:
    """Checks a large BPJS participant file (participant_jobs.participant_preview_work); writes nothing."""
    job = job_run(job_id, participant_jobs.participant_preview_work)
    return job and job.status


@shared_task(name="membership.apply_participants", base=JobTask, **JOB_TASK_OPTIONS)
def apply_participants(job_id: int) -> str | None:
    """Saves a large BPJS participant file (participant_jobs.participant_apply_work). Run again, it
    finds the upload gone (the first run deleted it after its commit) or, had the first run died
    before it, checks the file again: rows already saved come back unchanged."""
    job = job_run(job_id, participant_jobs.participant_apply_work)
    return job and job.status


@shared_task(name="membership.preview_claims", base=JobTask, **JOB_TASK_OPTIONS)
def preview_claims(job_id: int) -> str | None:
    """Checks a large claims file (claims.jobs.claims_preview_work); writes nothing."""
    job = job_run(job_id, claim_jobs.claims_preview_work)
    return job and job.status


@shared_task(name="membership.apply_claims", base=JobTask, **JOB_TASK_OPTIONS)
def apply_claims(job_id: int) -> str | None:
    """Saves a large claims file (claims.jobs.claims_apply_work): all or nothing in one transaction;
    run again, its claims come back already recorded, or the upload is gone."""
    job = job_run(job_id, claim_jobs.claims_apply_work)
    return job and job.status
