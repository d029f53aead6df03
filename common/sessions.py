"""Where a login session is kept: in PostgreSQL, and read from Redis (SESSION_ENGINE when REDIS_URL
is set; without Redis, Django's database sessions).

Every signed-in page reads its session first. From Redis that costs one round trip and no SQL; from
the database it was one of the few queries every page pays, 200 times a second at a village
deadline (docs/BENCHMARKS.md, "The deadline"). This is Django's `cached_db` engine, the database
remaining the record, with three changes:
- **Redis unreachable: pages go on.** A read or a write that fails goes to PostgreSQL alone, with a
  warning in the log (Django's own engine answers 500 when it cannot write back what it read).
- **Logging out with Redis unreachable logs out.** The database row goes, the browser's cookie
  goes; the copy in Redis, which cannot be deleted then, dies with its time to live:
- **a copy lives in Redis for `SESSION_CACHE_SECONDS` at most** (5 minutes), not for the session's
  whole age (8 hours): a copy that outlives its session (logged out while Redis was away, and Redis
  came back with its data) opens nothing after those minutes, and a person active for longer is
  read from the database once per period.
The log never carries the session key: it opens the session.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception as error:  # noqa: BLE001  (Redis unreachable: read the database)
            _unreachable("read", error)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        self._cache_copy(data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def exists(self, session_key):
        return DBStore.exists(self, session_key)  # the database is the record (and needs no Redis)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        self._cache_copy(self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        DBStore.delete(self, session_key)
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception as error:  # noqa: BLE001  (the copy expires within SESSION_CACHE_SECONDS)
            _unreachable("delete", error)

    def _cache_copy(self, data, seconds_left: int) -> None:
        try:
            self._cache.set(self.cache_key, data, max(min(seconds_left, settings.SESSION_CACHE_SECONDS), 1))
        except Exception as error:  # noqa: BLE001  (the database holds the session)
            _unreachable("write", error)


def _unreachable(what: str, error: Exception) -> None:
    logger.warning("Session cache not used (%s): %s; the session is in PostgreSQL", what, type(error).__name__)
