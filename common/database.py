"""Database errors worth another try (a task, an export job)."""

from django.db import InterfaceError, OperationalError

# A lost connection, a failover, a lock or statement timeout: worth another try for a task (and an
# export job). Other errors are bugs or bad data, which a retry would only repeat.
RETRYABLE_DATABASE_ERRORS = (OperationalError, InterfaceError)
