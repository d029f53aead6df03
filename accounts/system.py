"""The system account: the actor of the moves nobody makes by hand (the daily membership update,
DOMAIN.md §9), so every event row still names who made it. It sees every region (accounts.scope)
and cannot log in: it has no usable password and holds the least role."""

from __future__ import annotations

from .enums import Role
from .models import User

SYSTEM_USERNAME = "sistem-otomatis"


def system_account() -> User:
    """The system account, made on first use (one query once it exists)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, first_name="Sistem", last_name="(otomatis)",
                    role=Role.REGENCY_VIEWER, is_active=True)
        user.set_unusable_password()
        user.save()
    return user


def is_system_account(user) -> bool:
    return (getattr(user, "is_authenticated", False) and user.username == SYSTEM_USERNAME
            and not user.has_usable_password())
