"""Parts of a page kept in the cache once drawn, under everything they are drawn from.

A part is kept under a key made of what it shows (`drawn_from`: ids, versions, names, values with
a stable repr) and how it is drawn (`drawn_with`: a digest of its templates' text and of any code
that draws it, `sources_digest`), so it is never invalidated by hand: other data or a deploy that
draws differently make another key, and the old one lets go after SECONDS. Nothing kept depends on
who reads except through its key; callers check the reader first and keep nothing personal.

Users: the coverage pages (reports.kept: tables and charts drawn from stored figures) and a new
nominee's blank form (registrations.forms.blank_fields). Without the cache (Redis down) every part
is drawn for its request, as if nothing were kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.template.loader import get_template

T = TypeVar("T")

# The namespace of every key (tests give each test its own: Redis outlives the test database, whose
# ids come back the same in the next run).
NAMESPACE = "kept"
SECONDS = 24 * 60 * 60  # new data or new drawing makes new keys; this only lets old ones go


def kept(part: str, drawn_from, draw: Callable[[], T], *, drawn_with: str) -> T:
    """`draw()`'s result, kept under `part`, `drawn_from` and `drawn_with`: read from the cache when
    kept, else drawn and kept."""
    key = cache_key(part, (drawn_from, drawn_with))
    found = _get(key)
    if found is None:
        found = draw()
        _set(key, found)
    return found


def cache_key(part: str, drawn_from) -> str:
    """A cache key made of everything a kept part is drawn from: other values make another key."""
    return f"{NAMESPACE}:{part}:{hashlib.sha256(repr(drawn_from).encode()).hexdigest()}"


def sources_digest(templates: Iterable[str], *sources: str) -> str:
    """A digest of how a part is drawn: its templates' text (includes named too) and any other
    source text given (the code that draws it). Callers compute it once per process."""
    texts = [get_template(name).template.source for name in templates]
    return hashlib.sha256("\0".join([*texts, *sources]).encode()).hexdigest()[:16]


def _get(key):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is an aid: without Redis the part is drawn in full
        return None


def _set(key, value) -> None:
    try:
        cache.set(key, value, SECONDS)
    except Exception:  # noqa: BLE001, S110 - as in _get
        pass
