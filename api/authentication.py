"""Token login for the API, refused while the owner must change their password."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class PortalTokenAuthentication(TokenAuthentication):
    """DRF's token ("Authorization: Token <key>"), except for an account whose password was reset
    and not yet changed: whoever holds the token may not be its owner any more."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.must_change_password:
            raise AuthenticationFailed("Kata sandi akun ini harus diganti dulu; token API tidak berlaku sampai itu.")
        return user, token
