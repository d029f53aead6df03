"""Staged uploads (common/uploads.py): kept in Django's storage, the owner's only, and deleted by
beat once nobody confirmed them within settings.UPLOAD_MAX_AGE_HOURS."""

import os
import stat
import time

import pytest
from django.core.files.storage import default_storage

from common import tasks, uploads


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _age(token, hours, suffix=".xlsx"):
    then = time.time() - hours * 3600
    os.utime(default_storage.path(f"imports/{token}{suffix}"), (then, then))


def test_an_upload_waits_in_storage_readable_by_the_app_only(media):
    token = uploads.store(b"isi")

    assert uploads.read(token) == b"isi"
    assert default_storage.exists(f"imports/{token}.xlsx")
    assert stat.S_IMODE((media / "imports" / f"{token}.xlsx").stat().st_mode) == 0o600


def test_a_rejected_rows_file_is_replaced_by_the_next_step_and_can_be_dropped(media):
    """The preview leaves one, the apply another in its place (or none, when nothing was refused)."""
    token = uploads.store(b"isi")
    uploads.store_rejected(token, b"pratinjau")

    uploads.store_rejected(token, b"hasil")

    assert uploads.read_rejected(token) == b"hasil" and uploads.exists(token)
    uploads.delete_rejected(token)
    assert uploads.read_rejected(token) is None and uploads.read(token) == b"isi"
    uploads.delete(token)
    assert not uploads.exists(token) and not uploads.exists("../../etc/passwd")


def test_beat_purges_uploads_older_than_the_setting_and_keeps_younger_ones(settings):
    settings.UPLOAD_MAX_AGE_HOURS = 6
    old, young = uploads.store(b"lama"), uploads.store(b"baru")
    uploads.store_rejected(old, b"ditolak")
    uploads.store_preview(old, b"{}")
    for suffix in (".xlsx", uploads.REJECTED, uploads.PREVIEW):
        _age(old, 7, suffix)
    _age(young, 5)

    assert tasks.purge_staged_uploads.apply().get() == 3

    assert (uploads.read(old), uploads.read_rejected(old), uploads.read_preview(old)) == (None, None, None)
    assert uploads.read(young) == b"baru"


def test_purging_an_empty_storage_finds_nothing():
    assert tasks.purge_staged_uploads.apply().get() == 0


def test_beat_runs_the_purge_every_hour(settings):
    from celery.schedules import crontab

    from jamsostek_portal.celery import app

    [entry] = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "common.purge_staged_uploads"]
    assert entry["schedule"] == crontab(minute=17)
    assert "common.purge_staged_uploads" in app.tasks
