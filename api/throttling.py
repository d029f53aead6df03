"""A light per-user rate limit on the API (settings.API_THROTTLE_RATE, empty = off).

Read at each call rather than at import (DRF's UserRateThrottle fixes its rates when the module
loads), so an installation or a test can change the setting without a restart.

The counters live in the cache (Redis). With Redis down the limit fails open: the call is answered
as usual and a warning is logged, once per call, so the API keeps serving the dashboards' readers
(every answer is read-only and scoped to the token's user; the limit only spares the server).
"""

import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import UserRateThrottle

logger = logging.getLogger(__name__)


class ApiUserThrottle(UserRateThrottle):
    scope = "api"
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATE", None) or None

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            logger.warning("API rate limit not applied: the cache is unreachable (%s)", error.__class__.__name__)
            return True
