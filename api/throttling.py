"""A light per-user rate limit on the API (settings.API_THROTTLE_RATE, empty = off).

Read at each call rather than at import (DRF's UserRateThrottle fixes its rates when the module
loads), so an installation or a test can change the setting without a restart.
"""

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class ApiUserThrottle(UserRateThrottle):
    scope = "api"
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATE", None) or None
