from django.apps import AppConfig


class BpjsConfig(AppConfig):
    """The BPJS round trip: export batches, the registration file and its column layout, the
    branch's answer file, and the regency's BPJS page."""

    name = "bpjs"
    verbose_name = "BPJS"
