from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .session import remember_regency


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_regency(request, user)
