"""In-app notices (pemberitahuan). Status changes are heard as common.events announcements
(`on_change`); a list sent is told by services.village_list_submit after commit; each function takes ids and reads what it needs, so a notice always
describes what was committed. Names only: a notice never carries a NIK, KK or phone number; the
KPJ number BPJS gave a registered worker is the one number a village is told, because it is what
the worker needs to use the membership."""

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
from .models import NOTICE_TEXT_MAX, NominatingBody, Nominee, Notice, Programme

# The statuses a village officer must hear about, because they ask something of the village.
VILLAGE_NEEDS_TO_KNOW = frozenset({S.RETURNED, S.REJECTED, S.REFUSED_BY_BPJS, S.ENDED})
# Good news the village passes on to the worker: registered with BPJS, with the KPJ number.
VILLAGE_IS_TOLD = VILLAGE_NEEDS_TO_KNOW | {S.REGISTERED}
# A registration notice names at most this many people (a village of a regency-wide quota may
# have a hundred in one answer file); the rest are counted, and the village's list shows them all.
REGISTERED_NAMES_SHOWN = 30


def _active_users() -> QuerySet:
    return get_user_model().objects.filter(is_active=True)


def on_change(sender, *, changes, **kwargs) -> None:
    """Listener of common.events.changed (connected in RegistrationsConfig.ready): the nominees of
    STATUS changes that ask something of their village, or that BPJS registered, are told to its
    officers. A change that says its statuses and names none the village hears of (a list sent, an
    approval) costs no query."""
    nominee_pks = [pk for change in changes if change.kind == ChangeKind.STATUS
                   and (not change.statuses or change.statuses & VILLAGE_IS_TOLD) for pk in change.nominee_ids]
    if nominee_pks:
        statuses_changed(nominee_pks=nominee_pks)


def status_changed(*, nominee_pk: int) -> None:
    """Tells the village's officers that a nominee was returned, rejected, refused or ended, and why."""
    statuses_changed(nominee_pks=[nominee_pk])


def statuses_changed(*, nominee_pks: Iterable[int]) -> None:
    """What the village's officers hear about these nominees, now that their status changed: one
    notice per nominee returned, rejected, refused by BPJS or ended, with the reason; and ONE
    notice per village naming those BPJS registered, with their KPJ numbers (an answer file is
    recorded in one bulk change, announced once: one notice per village per import). Three
    queries whatever their number: the nominees, their villages' officers, the notices (a fourth,
    the bodies' officers, when some are a nominating body's: those asking for a correction go to
    the body, which keeps them)."""
    nominees = list(Nominee.objects.filter(pk__in=list(nominee_pks), status__in=sorted(VILLAGE_IS_TOLD))
                    # A membership the village itself carried into the next programme asks nothing of it.
                    .exclude(status=S.ENDED, continued_as__isnull=False)
                    .select_related("village", "programme")
                    .only("pk", "full_name", "status", "status_reason", "kpj_number", "nominating_body_id",
                          "village__name", "village__kind", "programme__name", "programme__stage")
                    .order_by("pk"))
    if not nominees:
        return
    officers_by_village = _village_officers({n.village_id for n in nominees})
    # A nominating body's nominee: what asks for a correction goes to the body's officers, who keep it.
    officers_by_body = _body_officers({n.nominating_body_id for n in nominees if n.nominating_body_id})
    notices = []
    registered_by_village: dict[int, list[Nominee]] = {}
    for nominee in nominees:
        if nominee.status == S.REGISTERED:
            registered_by_village.setdefault(nominee.village_id, []).append(nominee)
            continue
        text = f"{nominee.full_name}: {S(nominee.status).label}."
        if nominee.status_reason:
            text += f" Alasan: {nominee.status_reason}"
        if nominee.nominating_body_id:
            url = reverse("registrations:body", args=[nominee.nominating_body_id])
            recipients = officers_by_body.get(nominee.nominating_body_id, [])
        else:
            url = reverse("registrations:village", args=[nominee.village_id])
            recipients = officers_by_village.get(nominee.village_id, [])
        notices += [Notice(recipient=officer, text=text[:NOTICE_TEXT_MAX], url=url) for officer in recipients]
    for village_id, registered in registered_by_village.items():
        text = _registered_text(sorted(registered, key=lambda n: (n.full_name, n.pk)))
        url = reverse("registrations:village", args=[village_id])
        notices += [Notice(recipient=officer, text=text, url=url) for officer in officers_by_village.get(village_id, [])]
    Notice.objects.bulk_create(notices)


def _village_officers(village_ids) -> dict[int, list]:
    """village id → its active officers, in one query."""
    officers_by_village: dict[int, list] = {}
    for officer in (_active_users().filter(role=Role.VILLAGE_OFFICER, region_assignments__village__in=set(village_ids))
                    .annotate(village_id=F("region_assignments__village"))):
        officers_by_village.setdefault(officer.village_id, []).append(officer)
    return officers_by_village


def _body_officers(body_ids) -> dict[int, list]:
    """nominating body id → its active officers, in one query (none without bodies)."""
    officers_by_body: dict[int, list] = {}
    if not body_ids:
        return officers_by_body
    for officer in _active_users().filter(body_post__body__in=set(body_ids)).annotate(body_id=F("body_post__body")):
        officers_by_body.setdefault(officer.body_id, []).append(officer)
    return officers_by_body


def _registered_text(registered: list[Nominee]) -> str:
    """"3 calon peserta Desa Niur terdaftar di BPJS Ketenagakerjaan (Perlindungan … — Tahap 1):
    Agus Salim, KPJ 17050000000002; …". Fits Notice.text whatever the number of names."""
    village = registered[0].village
    programmes = sorted({str(nominee.programme) for nominee in registered})
    which = f" ({', '.join(programmes)})" if len(programmes) == 1 else ""
    head = (f"{len(registered)} calon peserta {village.get_kind_display()} {village.name} terdaftar di BPJS "
            f"Ketenagakerjaan{which}: ")
    room = NOTICE_TEXT_MAX - len(head) - 50  # what "; dan 1234 lainnya (lihat daftar desa)." needs
    names: list[str] = []
    for nominee in registered[:REGISTERED_NAMES_SHOWN]:
        name = f"{nominee.full_name}, KPJ {nominee.kpj_number}"
        if sum(len(n) + 2 for n in names) + len(name) > room:
            break
        names.append(name)
    more = len(registered) - len(names)
    tail = f"; dan {more} lainnya (lihat daftar desa)." if more else "."
    return (head + "; ".join(names) + tail)[:NOTICE_TEXT_MAX]


def list_submitted(*, programme: Programme, village: Village, count: int) -> None:
    """Tells the regency's reviewers and approvers that a village sent its list."""
    staff = _active_users().filter(
        Q(role__in=sorted(DECISION_ROLES)),
        region_assignments__regency_id=programme.regency_id,
    )
    text = f"{village.get_kind_display()} {village.name} mengirim {count} calon untuk {programme}."
    url = reverse("registrations:review-village", args=[programme.pk, village.pk])
    Notice.objects.bulk_create([Notice(recipient=user, text=text[:NOTICE_TEXT_MAX], url=url) for user in staff])


def body_list_submitted(*, programme: Programme, body: NominatingBody, count: int) -> None:
    """Tells the regency's reviewers and approvers that a nominating body sent its list."""
    staff = _active_users().filter(Q(role__in=sorted(DECISION_ROLES)), region_assignments__regency_id=programme.regency_id)
    text = f"{body.name} (lembaga pengusul) mengirim {count} calon untuk {programme}."
    url = reverse("registrations:review-queue")
    Notice.objects.bulk_create([Notice(recipient=user, text=text[:NOTICE_TEXT_MAX], url=url) for user in staff])


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_mark_read(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
