"""What management commands share about accounts: the `--as USERNAME` an import or entry is
recorded under (the services check that account's permission themselves)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def command_actor(username: str | None, *, required: bool, who: str):
    """The active account named by --as, None when none is named and none is required, or a
    CommandError in Indonesian. `who` names the kind of account expected, for the message."""
    if not username:
        if required:
            raise CommandError(f"Sebutkan --as USERNAME ({who}), atau pakai --dry-run untuk hanya memeriksa.")
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Pengguna aktif {username} tidak ada.")
    return user
