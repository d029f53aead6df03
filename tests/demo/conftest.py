"""The demo tests use the account and nomination fixtures."""

from tests.accounts.conftest import *  # noqa: F403
from tests.registrations.conftest import *  # noqa: F403
