"""The Celery application.

Worker:  celery -A jamsostek_portal worker --loglevel=INFO
Beat:    celery -A jamsostek_portal beat --loglevel=INFO
Settings come from Django's settings module (the CELERY_* names in settings.py).
"""

import os

from celery import Celery
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamsostek_portal.settings")

# A lost connection, a failover, a lock or statement timeout: worth another try for a task (and an
# export job). Other errors are bugs or bad data, which a retry would only repeat.
RETRYABLE_DATABASE_ERRORS = (OperationalError, InterfaceError)

app = Celery("jamsostek_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="jamsostek_portal.health", soft_time_limit=20, time_limit=30)
def health() -> dict:
    """Proves a worker is alive and reaches the database: returns the worker's name and `db: ok`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"worker": health.request.hostname or "inline", "db": "ok"}
