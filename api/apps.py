from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from accounts.signals import password_reset

        from . import services

        # A password reset by an admin also ends the user's API token (the old holder may have it).
        password_reset.connect(services.on_password_reset, dispatch_uid="api.token-revoke")
