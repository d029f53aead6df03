from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from .session import remember_regency

# Sent by services.user_password_reset after commit (user=, reset_by=): whoever held the old password
# may also hold the user's other credentials; listeners revoke them (the API revokes its token).
password_reset = Signal()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_regency(request, user)
