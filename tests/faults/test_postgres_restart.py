"""PostgreSQL restarted under a running app: connections are kept between requests (CONN_MAX_AGE)
and checked before reuse (CONN_HEALTH_CHECKS), so the first request after the restart reconnects
and succeeds instead of failing on the dead connection. Requests go through Django's real WSGI
handler, which runs the request_started/request_finished connection housekeeping (the test client
skips it)."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.test import RequestFactory

pytestmark = pytest.mark.faults


def _get(path: str) -> tuple[str, bytes]:
    statuses: list[str] = []
    response = WSGIHandler()(RequestFactory().get(path).environ, lambda status, headers: statuses.append(status))
    try:
        return statuses[0], b"".join(response)
    finally:
        response.close()  # request_finished: where Django decides to keep or close the connection


@pytest.fixture
def app_on_private_postgres(private_postgres, django_db_blocker, settings):
    """The app's default database is the private cluster, with production's connection settings."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    assert (settings.DATABASES["default"]["CONN_HEALTH_CHECKS"], settings.DATABASES["default"]["CONN_MAX_AGE"]) \
        == (True, 60)  # what settings.py gives PostgreSQL; the swap below keeps them
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(private_postgres.port), "NAME": "postgres",
                                         "USER": "postgres", "PASSWORD": "", "CONN_MAX_AGE": 60,
                                         "CONN_HEALTH_CHECKS": True})
        try:
            yield private_postgres
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def _backend_pid() -> int:
    return connections["default"].connection.info.backend_pid


def test_the_first_request_after_a_postgres_restart_succeeds(app_on_private_postgres):
    first = _get("/healthz")
    pid = _backend_pid()
    second = _get("/healthz")
    kept = _backend_pid() == pid

    app_on_private_postgres.restart()
    after_restart = _get("/healthz")

    assert first == second == ("200 OK", b'{"status": "ok"}')
    assert kept  # the connection lives between requests, so the restart really breaks one in use
    assert after_restart == ("200 OK", b'{"status": "ok"}')
    assert _backend_pid() != pid
