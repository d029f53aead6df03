"""What management commands share about accounts: the `--as USERNAME` an import, an entry or an
export is recorded under (the services check that account's permission themselves), and the
account a command acts as when none is named."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db.models import Q

from .enums import Role


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


def default_system_admin():
    """The first active system administrator (the role, or a Django superuser), by id; a
    CommandError in Indonesian when there is none."""
    user = (get_user_model().objects.filter(Q(role=Role.SYSTEM_ADMIN) | Q(is_superuser=True), is_active=True)
            .order_by("pk").first())
    if user is None:
        raise CommandError("Tidak ada administrator sistem yang aktif: sebutkan --as USERNAME.")
    return user
