"""What a user's pages need on every request, kept in the session at login so that a page costs
no extra queries for it: the regency's time zone and the office's name for the header."""

from django.conf import settings

from accounts.scope import home_regency_for_user
from villages.enums import time_zone_for_province
from villages.selectors import regency_settings_get

TIME_ZONE_KEY = "time_zone"
OFFICE_LABEL_KEY = "office_label"


def remember_regency(request, user) -> None:
    regency = home_regency_for_user(user)
    if regency is None:
        province = user.region_assignments.filter(province__isnull=False).values_list("province__code", flat=True).first()
        request.session[TIME_ZONE_KEY] = (
            time_zone_for_province(province).value if province else settings.DEFAULT_REGENCY_TIME_ZONE
        )
        request.session[OFFICE_LABEL_KEY] = ""
        return
    regency_settings = regency_settings_get(regency)
    request.session[TIME_ZONE_KEY] = regency_settings.time_zone
    request.session[OFFICE_LABEL_KEY] = f"{regency_settings.office_short_name} {regency.name}"
