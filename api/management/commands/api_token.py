"""manage.py api_token USERNAME [--rotate | --revoke]: prints the account's API token.

The key goes to standard output only, for the operator to hand to the system that will call the
API (see docs/api.md). --rotate replaces a key that may have leaked; --revoke removes it.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.command_options import command_actor
from api.services import api_token_issue, api_token_revoke


class Command(BaseCommand):
    help = "Mencetak token API milik pengguna aktif (header: Authorization: Token <kunci>)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="nama pengguna yang akan memakai API")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rotate", action="store_true",
                            help="ganti dengan kunci baru; kunci lama langsung tidak berlaku")
        action.add_argument("--revoke", action="store_true", help="cabut token; panggilan dengannya ditolak")

    def handle(self, *args, username, rotate, revoke, **options):
        user = command_actor(username, required=True, who="pengguna API")
        if revoke:
            if api_token_revoke(user=user):
                self.stdout.write(f"Token API {user.username} dicabut.")
            else:
                self.stdout.write(f"{user.username} tidak punya token API.")
            return
        try:
            token = api_token_issue(user=user, rotate=rotate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(token.key)
