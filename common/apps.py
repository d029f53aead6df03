from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared floor every app may import: workbooks, staged uploads, Indonesian formatting,
    change announcements and the personal-data access log. It imports no app of the portal."""

    name = "common"
    verbose_name = "Umum"
