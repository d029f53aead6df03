"""In-app notices (pemberitahuan). Status changes are heard as common.events announcements
(`on_change`); a list sent is told by services.village_list_submit after commit; each function takes ids and reads what it needs, so a notice always
describes what was committed. Names only: a notice never carries a NIK, KK or phone number."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.enums import DECISION_ROLES, Role
from common.events import ChangeKind
from villages.models import Village

from .enums import NomineeStatus as S
from .models import Nominee, Notice, Programme

# The statuses a village officer must hear about, because they ask something of the village.
VILLAGE_NEEDS_TO_KNOW = frozenset({S.RETURNED, S.REJECTED, S.REFUSED_BY_BPJS, S.ENDED})


def _active_users() -> QuerySet:
    return get_user_model().objects.filter(is_active=True)


def on_change(sender, *, changes, **kwargs) -> None:
    """Listener of common.events.changed (connected in RegistrationsConfig.ready): the nominees of
    STATUS changes that ask something of their village are told to its officers."""
    nominee_pks = [pk for change in changes if change.kind == ChangeKind.STATUS for pk in change.nominee_ids]
    if nominee_pks:
        statuses_changed(nominee_pks=nominee_pks)


def status_changed(*, nominee_pk: int) -> None:
    """Tells the village's officers that a nominee was returned, rejected, refused or ended, and why."""
    statuses_changed(nominee_pks=[nominee_pk])


def statuses_changed(*, nominee_pks: Iterable[int]) -> None:
    """`status_changed` for many nominees at once (a BPJS answer file's refusals): three queries
    whatever their number: the nominees, their villages' officers, the notices."""
    nominees = list(Nominee.objects.filter(pk__in=list(nominee_pks), status__in=VILLAGE_NEEDS_TO_KNOW)
                    .only("pk", "full_name", "status", "status_reason", "village_id").order_by("pk"))
    if not nominees:
        return
    officers_by_village: dict[int, list] = {}
    for officer in (_active_users().filter(role=Role.VILLAGE_OFFICER,
                                           region_assignments__village__in={n.village_id for n in nominees})
                    .annotate(village_id=F("region_assignments__village"))):
        officers_by_village.setdefault(officer.village_id, []).append(officer)
    notices = []
    for nominee in nominees:
        text = f"{nominee.full_name}: {S(nominee.status).label}."
        if nominee.status_reason:
            text += f" Alasan: {nominee.status_reason}"
        url = reverse("registrations:village", args=[nominee.village_id])
        notices += [Notice(recipient=officer, text=text[:500], url=url)
                    for officer in officers_by_village.get(nominee.village_id, [])]
    Notice.objects.bulk_create(notices)


def list_submitted(*, programme_pk: int, village_pk: int, count: int) -> None:
    """Tells the regency's reviewers and approvers that a village sent its list."""
    programme = Programme.objects.select_related("regency").get(pk=programme_pk)
    village = Village.objects.get(pk=village_pk)
    staff = _active_users().filter(
        Q(role__in=sorted(DECISION_ROLES)),
        region_assignments__regency=programme.regency,
    )
    text = f"{village.get_kind_display()} {village.name} mengirim {count} calon untuk {programme}."
    url = reverse("registrations:review-village", args=[programme.pk, village.pk])
    Notice.objects.bulk_create([Notice(recipient=user, text=text[:500], url=url) for user in staff])


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_mark_read(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
