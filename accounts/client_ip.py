"""The visitor's address, for login lockouts (settings.AXES_CLIENT_IP_CALLABLE).

Behind nginx every request comes from the proxy's address, so a lockout keyed on "username and
address" would lock the username for everyone: anybody could lock any village officer out
(usernames are predictable: op-<village code>). `X-Forwarded-For` says who the visitor is, but
anyone can send that header: it is believed only when the request comes from a proxy listed in
settings.TRUSTED_PROXIES, and then only the hops those proxies added. The visitor is the last
address in the header that is not a trusted proxy (nginx appends the address it saw).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = set(settings.TRUSTED_PROXIES)
    if remote is None or remote not in trusted:
        return remote
    hops = [_address(hop) for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if hop is None:
            return remote  # a malformed header: no hop before it can be believed
        if hop not in trusted:
            return hop
    return remote
