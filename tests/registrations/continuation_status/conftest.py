"""The continuation fixtures (2026 stage I's members in Niur, the 2027 stage continuing them)."""

from ..village_continuation.conftest import *  # noqa: F403
