"""The BPJS tests use the nomination fixtures (programmes, nominees in every state, personas)."""

from tests.registrations.conftest import *  # noqa: F403  (fixtures and the NIK helpers)
from tests.registrations.conftest import nik_for  # noqa: F401  (imported by name by the test modules)
