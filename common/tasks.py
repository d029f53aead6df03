"""Celery tasks of the shared floor: the staleness check of background jobs (common.jobs), and the
purge of staged uploads (common.uploads)."""

from celery import shared_task

from . import uploads
from .database import RETRYABLE_DATABASE_ERRORS
from .jobs import jobs_fail_stale


@shared_task(name="common.fail_stale_jobs", acks_late=True, autoretry_for=RETRYABLE_DATABASE_ERRORS, max_retries=3,
             retry_backoff=30)
def fail_stale_jobs() -> int:
    """Every few minutes (settings.CELERY_BEAT_SCHEDULE): jobs whose worker died are marked failed."""
    return jobs_fail_stale()


@shared_task(name="common.purge_staged_uploads", acks_late=True)
def purge_staged_uploads() -> int:
    """Every hour (settings.CELERY_BEAT_SCHEDULE): uploads waiting for a confirmation that never came
    are deleted after settings.UPLOAD_MAX_AGE_HOURS (they hold NIKs). Returns how many files."""
    return uploads.purge()
