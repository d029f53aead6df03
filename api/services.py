"""API tokens (DRF authtoken: one token per user, sent as "Authorization: Token <key>").

Issued from the command line only (`manage.py api_token`), by whoever runs the server's
commands; there is no page that shows a key. The key itself is never logged.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

logger = logging.getLogger(__name__)


def api_token_issue(*, user, rotate: bool = False) -> Token:
    """The user's token, made on first use; with `rotate`, a new key replaces the old one, which
    stops working at once. Only active accounts get one (ValidationError otherwise). Logged: who,
    and whether the key is new."""
    if not user.is_active:
        raise ValidationError(f"Akun {user.username} tidak aktif: tidak bisa diberi token API.")
    with transaction.atomic():
        if rotate:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
    if created:
        logger.info("API token %s for %s", "rotated" if rotate else "issued", user.username)
    return token


def on_password_reset(sender, *, user, **kwargs) -> None:
    """Listener of accounts.signals.password_reset: the token stops working with the old password."""
    api_token_revoke(user=user)


def api_token_revoke(*, user) -> bool:
    """Deletes the user's token (calls with it are refused from now on). True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        logger.info("API token revoked for %s", user.username)
    return bool(deleted)
