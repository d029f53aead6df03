from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps


class PortalConfig(AppConfig):
    """The project itself, installed last: once every app is ready, every app's tasks module is
    imported, which registers its tasks with the Celery app, so a task enqueued by name (the apps
    never import each other's tasks) is a known task in this process too. Without a broker (the
    demo) that is what makes it run inline, as CELERY_TASK_ALWAYS_EAGER promises: Celery hands a
    name it does not know to the broker whatever that setting says."""

    name = "jamsostek_portal"
    verbose_name = "Jamsostek Portal"

    def ready(self) -> None:
        for config in apps.get_app_configs():
            if find_spec(f"{config.name}.tasks") is not None:
                import_module(f"{config.name}.tasks")
