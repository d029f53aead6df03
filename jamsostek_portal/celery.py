"""The Celery application.

Worker:  celery -A jamsostek_portal worker --loglevel=INFO
Beat:    celery -A jamsostek_portal beat --loglevel=INFO
Settings come from Django's settings module (the CELERY_* names in settings.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamsostek_portal.settings")

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
