import pytest

from jamsostek_portal.celery import health


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_health_task_runs_on_a_real_worker_and_reaches_the_database(celery_worker):
    result = health.delay()

    assert result.get(timeout=30) == {"worker": result.get()["worker"], "db": "ok"}
    assert result.get()["worker"].startswith("pytest@")


def test_celery_is_configured_for_safe_redelivery(settings):
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT > 0
