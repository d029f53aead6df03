"""Which real services the suite can reach. In CI (CI=true) a missing service is a failure; on a
developer's machine the tests that need it skip, saying which service and where."""

import os
import socket
import time
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


def wait_for(condition, *, what: str = "the condition", timeout: float = 30.0) -> None:
    """Polls `condition` until it holds (the worker's work, seen in the database or Redis), failing
    the test after `timeout` seconds with what it waited for: no fixed sleeps."""
    import pytest

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(0.05)
