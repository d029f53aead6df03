"""Which real services the suite can reach. In CI (CI=true) a missing service is a failure; on a
developer's machine the tests that need it skip, saying which service and where."""

import os
import socket
from urllib.parse import urlparse

IN_CI = os.environ.get("CI", "").lower() == "true"


def reachable(url: str, default_port: int) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def require(available: bool, what: str) -> None:
    """Skip (developer machine) or fail (CI) when a service is missing."""
    import pytest

    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is not available", pytrace=False)
    pytest.skip(f"{what} is not available on this machine")
