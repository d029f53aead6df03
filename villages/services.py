"""Writes on regions other than the loader: regency settings."""

from django.db import transaction

from .enums import time_zone_for_province
from .models import Regency, RegencySettings


def regency_settings_ensure(*, regency: Regency) -> RegencySettings:
    """The regency's settings row, created with the province's time zone on first use."""
    settings, _created = RegencySettings.objects.get_or_create(
        regency=regency,
        defaults={"time_zone": time_zone_for_province(regency.code.split(".")[0])},
    )
    return settings


@transaction.atomic
def regency_settings_update(*, regency: Regency, changed_by, **values) -> RegencySettings:
    """Saves the regency's office name, head of office and time zone. Callers check
    `accounts.permissions.can_manage_regency` first; field history records who changed what."""
    settings = regency_settings_ensure(regency=regency)
    for name, value in values.items():
        setattr(settings, name, value)
    settings._history_user = changed_by
    settings.save()
    return settings
