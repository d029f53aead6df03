"""Login sessions kept in PostgreSQL and read from Redis (common/sessions.py), on the suite's real
Redis. With Redis stopped under a running app: tests/faults/test_redis_down.py."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.sessions import SessionStore
from tests.services import require

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _redis_sessions(settings):
    # Without Redis (the demo) sessions are the database's; with it, they must be read from Redis.
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL unset: sessions are read from the database)")
    assert settings.SESSION_ENGINE == "common.sessions"


def session_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries if "django_session" in query["sql"]]


def test_a_signed_in_page_reads_its_session_from_redis_not_the_database(client, regency_admin):
    client.force_login(regency_admin)

    assert session_queries(client, reverse("registrations:notices")) == []


def test_a_session_redis_has_lost_is_read_from_the_database_and_copied_back(client, regency_admin):
    client.force_login(regency_admin)
    cache.clear()  # Redis restarted empty

    assert len(session_queries(client, reverse("registrations:notices"))) == 1
    assert session_queries(client, reverse("registrations:notices")) == []


def test_the_copy_in_redis_lives_minutes_not_the_whole_session(client, regency_admin):
    client.force_login(regency_admin)
    store = SessionStore(client.session.session_key)

    seconds = cache._cache.get_client().ttl(cache.make_key(store.cache_key))

    assert 0 < seconds <= settings.SESSION_CACHE_SECONDS < settings.SESSION_COOKIE_AGE


def test_logging_out_ends_the_session_in_both_places(client, regency_admin):
    client.force_login(regency_admin)
    key = client.session.session_key

    client.post(reverse("accounts:logout"))

    assert not SessionStore().exists(key)
    assert cache.get(SessionStore(key).cache_key) is None
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, kept by someone
    assert client.get(reverse("registrations:notices")).status_code == 302
