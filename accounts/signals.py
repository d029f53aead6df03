from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver
from django.utils import timezone

from common.formatting import format_datetime

from .session import TIME_ZONE_KEY, remember_regency

# Sent by services.user_password_reset after commit (user=, reset_by=): whoever held the old password
# may also hold the user's other credentials; listeners revoke them (the API revokes its token).
password_reset = Signal()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_regency(request, user)
        _tell_of_password_reset(request, user)


def _tell_of_password_reset(request, user) -> None:
    """"Kata sandi Anda direset oleh … pada …": whoever reset the password (the admin, or someone
    using the admin's account) is named to the account's owner at the next login, in the regency's
    time, so a reset nobody asked for is noticed and reported."""
    from .services import password_reset_notice_take

    notice = password_reset_notice_take(user=user)
    if notice is None:
        return
    who, when = notice
    when = timezone.localtime(when, ZoneInfo(request.session.get(TIME_ZONE_KEY, settings.DEFAULT_REGENCY_TIME_ZONE)))
    by = f"{who.display_name} ({who.get_role_display()})" if who else "akun yang sudah dihapus"
    messages.warning(request, (
        f"Kata sandi Anda direset oleh {by} pada {format_datetime(when)}. "
        "Bila Anda tidak memintanya, laporkan ke administrator sistem."), fail_silently=True)
