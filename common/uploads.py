"""Uploads waiting for confirmation (staged uploads): every import's preview-then-apply.

An import reads the upload, shows its preview, and applies only when the user confirms. Between the
two the file waits in Django's storage (default_storage) under a random token
(imports/<token>.xlsx), never in the session: it holds NIKs. The session keeps only token → the
region it belongs to. A rejected-rows file, or a preview a background job prepared, waits beside it;
after the upload is applied and deleted, the result its page shows (the BPJS answer import's) may.
Everything older than settings.UPLOAD_MAX_AGE_HOURS is deleted by beat every hour (`purge`, the task
common.purge_staged_uploads) and at the next upload. An upload is stored only once its file passed
the import's checks, so a refused file leaves nothing behind. The files are the owner's only
(settings.FILE_UPLOAD_PERMISSIONS, 0600 on the file system).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone

FOLDER = "imports"
# What an import page says when its staged upload is gone (purged after UPLOAD_MAX_AGE_HOURS, 24 by
# default), so every import says it the same way.
EXPIRED_MESSAGE = "Berkas unggahan sudah tidak tersedia (disimpan paling lama 1 hari). Unggah lagi."
REJECTED, PREVIEW, CHOICES, RESULT = "-ditolak.xlsx", "-pratinjau.json", "-pilihan.json", "-hasil.json"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _name(token: str, suffix: str = ".xlsx") -> str | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    return f"{FOLDER}/{token}{suffix}"


def _write(name: str, content: bytes) -> None:
    stored = default_storage.save(name, ContentFile(content))
    if stored != name:  # the storage renamed it: a token is never reused, so this is a clash
        default_storage.delete(stored)
        raise FileExistsError(name)


def _read(name: str | None) -> bytes | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def store(content: bytes) -> str:
    """Keeps an upload until the officer confirms it; returns its token. Purges stale uploads."""
    purge()
    token = secrets.token_urlsafe(24)
    _write(_name(token), content)
    return token


def stage(session, key: str, content: bytes, *, regency_id: int, rows: int | None, keep: int = 10) -> str:
    """Stores an upload (`store`) and remembers it in the session under `key` as token →
    {"regency": regency_id, "rows": rows}, the newest `keep` only; never a NIK or a name. `rows`:
    the file's row count, or None when it is too large to be worked on in a request. Returns the
    token. Used by the BPJS answer, participant and claims files."""
    token = store(content)
    pending = session.get(key, {})
    pending[token] = {"regency": regency_id, "rows": rows}
    session[key] = dict(list(pending.items())[-keep:])
    return token


def staged_rows(session, key: str, token: str, *, regency_id: int) -> int | None:
    """The row count `stage` kept for this user's upload `token` of this regency (None: too large
    for a request); a 404 when the session holds no such upload for the regency."""
    entry = session.get(key, {}).get(token)
    if isinstance(entry, int):  # kept by a page served before large files ran as jobs: read in the request
        entry = {"regency": entry, "rows": 0}
    if not isinstance(entry, dict) or entry.get("regency") != regency_id:
        raise Http404("Unggahan tidak ditemukan.")
    return entry["rows"]


def read(token: str) -> bytes | None:
    return _read(_name(token))


def exists(token: str) -> bool:
    """Whether the upload `token` still waits (without reading it: a regency's list is tens of MB)."""
    name = _name(token)
    return bool(name) and default_storage.exists(name)


def store_rejected(token: str, content: bytes) -> None:
    """The rejected rows of the upload `token` (replacing an earlier one: the preview's, then the apply's)."""
    name = _name(token, REJECTED)
    default_storage.delete(name)
    _write(name, content)


def delete_rejected(token: str) -> None:
    name = _name(token, REJECTED)
    if name:
        default_storage.delete(name)


def read_rejected(token: str) -> bytes | None:
    return _read(_name(token, REJECTED))


def store_preview(token: str, content: bytes) -> None:
    """A preview a background job prepared for the upload `token` (replacing an earlier one)."""
    name = _name(token, PREVIEW)
    default_storage.delete(name)
    _write(name, content)


def read_preview(token: str) -> bytes | None:
    return _read(_name(token, PREVIEW))


def store_choices(token: str, content: bytes) -> None:
    """What the user chose in the preview of the upload `token` (replacing what they chose before)."""
    name = _name(token, CHOICES)
    default_storage.delete(name)
    _write(name, content)


def read_choices(token: str) -> bytes | None:
    return _read(_name(token, CHOICES))


def store_result(token: str, content: bytes) -> bool:
    """What applying the upload `token` did, for its result page (after the upload itself is
    deleted; purged with the rest after settings.UPLOAD_MAX_AGE_HOURS). The first result stays:
    returns False, writing nothing, when one is already there (a second confirmation that ran
    at the same time found everything done, and its result would say only that)."""
    name = _name(token, RESULT)
    if default_storage.exists(name):
        return False
    try:
        _write(name, content)
    except FileExistsError:
        return False
    return True


def read_result(token: str) -> bytes | None:
    return _read(_name(token, RESULT))


def delete(token: str, *, keep_rejected: bool = False) -> None:
    """The upload, its preview and its choices; its rejected-rows file too unless `keep_rejected`. A
    result (`store_result`) stays for its page until the purge."""
    for suffix in (".xlsx", PREVIEW, CHOICES) if keep_rejected else (".xlsx", PREVIEW, CHOICES, REJECTED):
        name = _name(token, suffix)
        if name:
            default_storage.delete(name)


def purge(max_age: dt.timedelta | None = None, *, now: dt.datetime | None = None) -> int:
    """Deletes waiting uploads, previews and rejected-rows files older than `max_age` (default
    settings.UPLOAD_MAX_AGE_HOURS); returns how many."""
    max_age = max_age if max_age is not None else dt.timedelta(hours=settings.UPLOAD_MAX_AGE_HOURS)
    cutoff = (now or timezone.now()) - max_age
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for filename in names:
        name = f"{FOLDER}/{filename}"
        try:
            stale = default_storage.get_modified_time(name) < cutoff
        except FileNotFoundError:  # deleted meanwhile (confirmed, or another purge)
            continue
        if stale:
            default_storage.delete(name)
            removed += 1
    return removed
