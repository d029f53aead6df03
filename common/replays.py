"""A form POSTed twice (a double click, or the browser's back button and "send again") is told
that the first one worked, instead of an error about the state the first one left.

Each form that changes something carries the moment its page was shown, signed (`{% shown_field %}`,
common/templatetags/replays.py). The view reads it back (`shown_at`) and asks its own selector
whether this person already did the same thing since then (a credentials file, a nominee with the
same NIK, a sent list, a decision's events); if so it says "sudah …" and redirects to the result.
A signed time, not a stored token: the answer comes from the rows the first request committed,
read under the same lock the write takes, so two clicks at once are told apart like two in a row.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone

FIELD = "shown"
_SALT = "common.replays.shown"
# An older page is treated as having no token: the view checks as usual (a day covers a page left open).
MAX_AGE = dt.timedelta(days=1)


def shown_token() -> str:
    """The signed moment now, for the hidden field of a form being shown."""
    return signing.dumps(timezone.now().timestamp(), salt=_SALT)


def shown_at(data) -> dt.datetime | None:
    """When the form's page was shown (from its POST data), or None: no field, a bad signature or
    an expired one."""
    try:
        stamp = signing.loads(data.get(FIELD, ""), salt=_SALT, max_age=MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC)
