"""Membership's Celery tasks: thin, named, idempotent (a second run the same day changes nothing)."""

from __future__ import annotations

from celery import shared_task

from common.database import RETRYABLE_DATABASE_ERRORS

from . import rules, services


@shared_task(name="membership.update_memberships", acks_late=True, autoretry_for=RETRYABLE_DATABASE_ERRORS,
             max_retries=5, retry_backoff=2, retry_backoff_max=120, retry_jitter=True)
def update_memberships() -> dict:
    """The daily update (services.memberships_update) for today; returns how many moved to what."""
    result = services.memberships_update(on=rules.membership_today())
    return {"on": result.on.isoformat(), "moved": result.moved, "refused": len(result.refused)}
