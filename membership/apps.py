from django.apps import AppConfig


class MembershipConfig(AppConfig):
    """After registration: membership follows payment (paid-until, arrears, lapse), BPJS's
    participant file, the premium bills against the budget, and the benefit claims paid to members'
    families (DOMAIN.md §9)."""

    name = "membership"
    verbose_name = "Kepesertaan"
