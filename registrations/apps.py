from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"

    def ready(self) -> None:
        from common import events

        from . import notices

        # The village hears about its nominees returned, rejected, refused or ended.
        events.changed.connect(notices.on_change, dispatch_uid="registrations.notices")
