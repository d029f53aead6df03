"""Uploads waiting for confirmation (staged uploads): every import's preview-then-apply.

An import reads the upload, shows its preview, and applies only when the user confirms. Between the
two the file waits on disk under a random token (MEDIA_ROOT/imports/<token>.xlsx, mode 0600), never
in the session: it holds NIKs. The session keeps only token → the region it belongs to. A rejected-
rows file waits beside it for download. Everything older than UPLOAD_MAX_AGE is deleted at the
next upload.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.utils import timezone

UPLOAD_MAX_AGE = dt.timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(token: str, suffix: str = "") -> Path | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    return _folder() / f"{token}{suffix}.xlsx"


def store(content: bytes) -> str:
    """Keeps an upload until the officer confirms it; returns its token. Purges stale uploads."""
    purge()
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path = _path(token)
    path.write_bytes(content)
    path.chmod(0o600)
    return token


def read(token: str) -> bytes | None:
    path = _path(token)
    return path.read_bytes() if path and path.is_file() else None


def store_rejected(token: str, content: bytes) -> None:
    path = _path(token, "-ditolak")
    path.write_bytes(content)
    path.chmod(0o600)


def read_rejected(token: str) -> bytes | None:
    path = _path(token, "-ditolak")
    return path.read_bytes() if path and path.is_file() else None


def delete(token: str, *, keep_rejected: bool = False) -> None:
    for suffix in ("",) if keep_rejected else ("", "-ditolak"):
        path = _path(token, suffix)
        if path:
            path.unlink(missing_ok=True)


def purge(max_age: dt.timedelta = UPLOAD_MAX_AGE) -> int:
    """Deletes waiting uploads and rejected-rows files older than max_age; returns how many."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    cutoff = timezone.now().timestamp() - max_age.total_seconds()
    removed = 0
    for path in folder.glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
