import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from common.models import ExportKind, ExportRecord
from villages.models import Regency

from .exports import PASSWORD_RESET_FILE_PREFIX
from .models import User


def users_of_regency(regency: Regency) -> QuerySet[User]:
    """Accounts working in the regency: assigned to it or to one of its villages."""
    return (
        User.objects.filter(
            Q(region_assignments__regency=regency)
            | Q(region_assignments__village__subdistrict__regency=regency)
        )
        .distinct()
        .order_by("role", "username")
    )


def village_accounts_file_recent(*, user, regency, minutes: int):
    """The newest village-accounts credentials file this user took for the regency in the last
    `minutes` (the access log's row), or None."""
    since = timezone.now() - dt.timedelta(minutes=minutes)
    return (ExportRecord.objects.filter(kind=ExportKind.VILLAGE_ACCOUNTS, requested_by=user, regency=regency,
                                        created_at__gte=since).order_by("-created_at").first())


def village_passwords_file_since(*, user, regency, since):
    """The newest village officers' password-reset file this user took for the regency since
    `since` (the access log's row), or None: a replayed reset form is told of it."""
    return (ExportRecord.objects.filter(kind=ExportKind.VILLAGE_ACCOUNTS, requested_by=user, regency=regency,
                                        filename__startswith=PASSWORD_RESET_FILE_PREFIX, created_at__gte=since)
            .order_by("-created_at").first())
