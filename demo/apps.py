from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo scenario `make demo` loads (load_demo): the top of the flow, it may use every app."""

    name = "demo"
    verbose_name = "Demo"
