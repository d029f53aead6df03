"""Coverage fixtures on top of the personas in tests/conftest.py (Seluma 17.05, Bengkulu Selatan
17.01).

Dates are fixed (the 2026 programme year, figures computed ON 2026-09-30) so every number in the
tests is exact whatever day they run; services that refuse future dates get past ones.
"""

import datetime as dt

import pytest
from django.core.cache import cache

from jamsostek_portal.celery import app
from reports import triggers

YEAR = 2026
ON = dt.date(2026, 9, 30)
AS_OF = dt.date(2026, 6, 30)  # the official figure's date in most tests


# --- Recompute triggers (test_triggers.py inline, test_tasks.py on the worker) -------------------

@pytest.fixture
def eager():
    """Tasks run inline the moment they are enqueued, as with no broker (the embedded demo)."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def no_recompute_marks(seluma, other_regency):
    """Seluma and the other regency start with no pending mark and no run count: each run of the
    suite creates a new test database whose ids start again at 1, while the cache (Redis) keeps its
    keys for hours. Returns the clearing function, for a fixture that must clear again later."""

    def clear():
        for regency in (seluma, other_regency):
            cache.delete_many([triggers.pending_key(regency.pk), triggers.runs_key(regency.pk)])

    clear()
    return clear
