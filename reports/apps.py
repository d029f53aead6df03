from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from common import events

        from . import triggers

        # Every announced change moves a regency's numbers: one coalesced recompute per regency.
        events.changed.connect(triggers.on_change, dispatch_uid="reports.coverage")
