"""Writes on users and their regions."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from villages.models import Province, Regency, Village

from .enums import INSTITUTION_ROLES, PROVINCE_ROLES, REGENCY_ROLES, VILLAGE_ROLES, Role
from .exports import CredentialRow
from .hashers import InitialPasswordHasher
from .models import RegionAssignment, User
from .signals import password_reset

logger = logging.getLogger(__name__)

# No 0/O, 1/l/I: village officers copy these from paper.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INITIAL_PASSWORD_LENGTH = 10


def _region_field(role: str) -> tuple[str, type]:
    if role in VILLAGE_ROLES:
        return "village", Village
    if role in REGENCY_ROLES or role in INSTITUTION_ROLES:
        return "regency", Regency
    if role in PROVINCE_ROLES:
        return "province", Province
    return "", type(None)


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    regions: list,
    password: str | None = None,
    full_name: str = "",
    must_change_password: bool = True,
) -> User:
    """Creates a user with their regions. The regions must match the role's level: villages for a
    village officer, regencies for regency roles, provinces for the province viewer, none for the
    system administrator. Raises ValidationError otherwise."""
    field, region_model = _region_field(role)
    if role == Role.SYSTEM_ADMIN and regions:
        raise ValidationError("Administrator sistem tidak dibatasi wilayah.")
    if role != Role.SYSTEM_ADMIN and not regions:
        raise ValidationError("Pengguna ini harus diberi minimal satu wilayah tugas.")
    for region in regions:
        if not isinstance(region, region_model):
            raise ValidationError(f"Wilayah {region} tidak cocok untuk peran {Role(role).label}.")
    first_name, _, last_name = full_name.partition(" ")
    user = User(
        username=username, role=role, first_name=first_name, last_name=last_name,
        must_change_password=must_change_password, is_staff=role == Role.SYSTEM_ADMIN,
        is_superuser=role == Role.SYSTEM_ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    RegionAssignment.objects.bulk_create(RegionAssignment(user=user, **{field: region}) for region in regions)
    return user


def regency_accounts_lock(*, regency: Regency) -> None:
    """Locks the regency's row until the caller's transaction ends: the village accounts are made
    and their passwords reset one click at a time (a second click waits, then sees what the first
    made)."""
    Regency.objects.select_for_update().filter(pk=regency.pk).first()


def village_officer_username(village: Village) -> str:
    return "op-" + village.code.replace(".", "")


@transaction.atomic
def village_officers_create_for_regency(*, regency: Regency, created_by: User) -> list[CredentialRow]:
    """Creates one village officer account for every active village of the regency that has none,
    each with a random initial password that must be changed at first login. Returns the
    credentials, which exist nowhere else: the caller hands them over once (as an Excel file).
    Callers check `accounts.permissions.can_manage_regency` first.

    Two clicks at once: the regency's row is locked until the caller's transaction ends, so the
    second waits, then finds every village with an account and returns [] (never a duplicate
    username error). The caller tells that person what the first click made (`recent_village_accounts`)."""
    regency_accounts_lock(regency=regency)
    villages = list(
        Village.objects.filter(subdistrict__regency=regency, is_retired=False)
        .exclude(assignments__user__role=Role.VILLAGE_OFFICER)
        .select_related("subdistrict")
        .order_by("code")
    )
    taken = set(User.objects.filter(username__in=[village_officer_username(v) for v in villages])
                .values_list("username", flat=True))
    rows, users, assignments = [], [], []
    for village in villages:
        username = village_officer_username(village)
        if username in taken:  # an account left without its village: do not reuse it silently
            continue
        password = initial_password_generate()
        user = User(username=username, role=Role.VILLAGE_OFFICER, must_change_password=True,
                    first_name="Operator", last_name=village.name)
        user.password = make_password(password, hasher=InitialPasswordHasher.algorithm)
        users.append(user)
        assignments.append(village)
        rows.append(CredentialRow(village.code, village.name, village.subdistrict.name, username, password))
    User.objects.bulk_create(users, batch_size=500)
    RegionAssignment.objects.bulk_create(
        [RegionAssignment(user=user, village=village) for user, village in zip(users, assignments)],
        batch_size=500,
    )
    logger.info("%s created %d village officer accounts for regency %s", created_by.username, len(rows), regency.code)
    return rows


def village_officers_password_reset_for_regency(*, regency: Regency, reset_by: User) -> list[CredentialRow]:
    """New initial passwords for every active village officer of the regency (a lost credentials
    file, a new term of office): each must be changed at next login, lockouts lifted, and the
    officers' other credentials revoked (`signals.password_reset`, after commit). Returns the new
    credentials for one Excel file, in village order. The regency's row is locked as for creating
    accounts. Callers check `accounts.permissions.can_manage_regency` first."""
    from axes.utils import reset as axes_reset

    regency_accounts_lock(regency=regency)
    assignments = list(
        RegionAssignment.objects.filter(user__role=Role.VILLAGE_OFFICER, user__is_active=True,
                                        village__subdistrict__regency=regency)
        .select_related("user", "village__subdistrict").order_by("village__code", "user__username")
    )
    rows, users, now = [], [], timezone.now()
    for assignment in assignments:
        user, village = assignment.user, assignment.village
        password = initial_password_generate()
        user.password = make_password(password, hasher=InitialPasswordHasher.algorithm)
        user.must_change_password = True
        user.password_reset_by, user.password_reset_at = reset_by, now
        users.append(user)
        rows.append(CredentialRow(village.code, village.name, village.subdistrict.name, user.username, password))
    User.objects.bulk_update(users, ["password", "must_change_password", "password_reset_by", "password_reset_at"],
                             batch_size=500)
    for user in users:
        axes_reset(username=user.username)
        transaction.on_commit(lambda user=user: password_reset.send(sender=User, user=user, reset_by=reset_by))
    logger.info("%s reset the passwords of %d village officers of regency %s", reset_by.username, len(users),
                regency.code)
    return rows


def initial_password_generate() -> str:
    return get_random_string(INITIAL_PASSWORD_LENGTH, PASSWORD_ALPHABET)


def user_lock(*, user: User) -> User:
    """The user's row, read again and locked until the caller's transaction ends: one reset of an
    account at a time (a second click waits, then sees what the first did)."""
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def user_password_reset(*, user: User, reset_by: User) -> str:
    """Gives the user a new random initial password that must be changed at next login, unlocks a
    django-axes lockout, and returns the password (shown once to the admin, stored nowhere). The
    user is told at next login who reset it and when (`password_reset_by`/`_at`, signals.on_login).
    After commit, `signals.password_reset` tells the apps that hold other credentials (the API's
    token). Callers check `accounts.permissions.can_reset_password` first and write the access
    log's row (common.access_log.password_reset_record) in the same transaction."""
    from axes.utils import reset as axes_reset

    password = initial_password_generate()
    user.password = make_password(password, hasher=InitialPasswordHasher.algorithm)
    user.must_change_password = True
    user.password_reset_by, user.password_reset_at = reset_by, timezone.now()
    user._history_user = reset_by
    user.save(update_fields=["password", "must_change_password", "password_reset_by", "password_reset_at"])
    axes_reset(username=user.username)
    logger.info("%s reset the password of %s", reset_by.username, user.username)
    transaction.on_commit(lambda: password_reset.send(sender=User, user=user, reset_by=reset_by))
    return password


@transaction.atomic
def user_password_set_by_admin(*, user: User, set_by: User) -> None:
    """After the system administrator typed a new password for `user` in the Django admin: as for
    a reset, the password must be changed at next login, the owner is told who set it and when,
    lockouts are lifted and, after commit, the other credentials revoked (`signals.password_reset`).
    Not for one's own password. Callers write the access log's row (accounts.admin)."""
    from axes.utils import reset as axes_reset

    user.must_change_password = True
    user.password_reset_by, user.password_reset_at = set_by, timezone.now()
    user._history_user = set_by
    user.save(update_fields=["must_change_password", "password_reset_by", "password_reset_at"])
    axes_reset(username=user.username)
    logger.info("%s set the password of %s in the admin", set_by.username, user.username)
    transaction.on_commit(lambda: password_reset.send(sender=User, user=user, reset_by=set_by))


def password_reset_notice_take(*, user: User) -> tuple[User | None, dt.datetime] | None:
    """Who reset the user's password and when, once: the notice is cleared as it is read (called
    at login, signals.on_login). None when there is nothing to tell. `who` is None when the
    account that reset it is gone."""
    if user.password_reset_at is None:
        return None
    who, when = user.password_reset_by, user.password_reset_at
    user.password_reset_by, user.password_reset_at = None, None
    # An UPDATE, not save(): reading a notice is no change of the account worth a history row.
    User.objects.filter(pk=user.pk).update(password_reset_by=None, password_reset_at=None)
    return who, when


def user_contact_update(*, user: User, full_name: str, phone: str, changed_by: User) -> User:
    """Sets the account's name ("Siti Aminah": first word first name, the rest last name, as
    `user_create` splits it) and phone number (already in its stored form, accounts.forms.PhoneField).
    The account's history keeps the change with who made it. Callers check
    `accounts.permissions.can_edit_contact` first."""
    first_name, _, last_name = full_name.strip().partition(" ")
    user.first_name, user.last_name, user.phone = first_name, last_name.strip(), phone
    user._history_user = changed_by
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save(update_fields=["first_name", "last_name", "phone"])
    logger.info("%s changed the name or phone of %s", changed_by.username, user.username)
    return user


def user_password_changed(*, user: User) -> None:
    """Called after a successful password change: the first-login obligation is met."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
