"""Reads of programmes and nominees, always starting from the user's scope."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.scope import region_scope, village_get_for_user, villages_for_user
from villages.models import Subdistrict, Village

from . import workflow
from .checks import flag_filter
from .enums import EDITABLE_STATES, INACTIVE_STATES, NomineeStatus
from .models import NominatingBody, Nominee, NomineeEvent, Programme, VillageSubmission
from .permissions import can_see_review_pages, nominee_scope, officer_body_id

# A village's Kemendagri code, "11.08.01.2001": how the queue's village box names one exactly.
VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


def programmes_for_user(user) -> QuerySet[Programme]:
    scope = region_scope(user)
    programmes = Programme.objects.select_related("regency")
    if scope.everything:
        return programmes
    return programmes.filter(
        regency_id__in=set(scope.regency_ids)
        | set(Village.objects.filter(pk__in=scope.village_ids).values_list("subdistrict__regency_id", flat=True)),
    ) | programmes.filter(regency__province_id__in=scope.province_ids)


def programme_get_for_user(user, pk) -> Programme:
    try:
        return programmes_for_user(user).get(pk=pk)
    except (Programme.DoesNotExist, ValueError):
        raise Http404("Program tidak ditemukan.") from None


# Newest first: the order `current_among` reads a regency's programmes in, and the review pages list them.
PROGRAMMES_NEWEST_FIRST = ("-coverage_start", "-pk")


def current_programme(regency_id: int, today: dt.date | None = None) -> Programme | None:
    """The stage a village works on (`current_among`) of the regency's programmes. One query."""
    return current_among(Programme.objects.filter(regency_id=regency_id).order_by(*PROGRAMMES_NEWEST_FIRST), today)


def current_among(programmes, today: dt.date | None = None) -> Programme | None:
    """The stage a village works on, among one regency's `programmes` in PROGRAMMES_NEWEST_FIRST
    order: the newest whose nomination window is open today, else the newest. None without any.
    The review queue asks it of the programmes it has loaded already."""
    today = today or timezone.localdate()
    programmes = list(programmes)
    open_now = (p for p in programmes if p.nomination_opens <= today <= p.nomination_closes)
    return next(open_now, programmes[0] if programmes else None)


def nominees_for_user(user) -> QuerySet[Nominee]:
    """The nominees the user sees: those living in the user's regions; a nominating body's officer
    (who has no region as such, accounts.scope) sees its body's nominees, wherever they live."""
    return Nominee.objects.filter(nominee_scope(user))


def nominee_get_for_user(user, pk) -> Nominee:
    try:
        return nominees_for_user(user).select_related("programme", "village__subdistrict__regency",
                                                      "occupation").get(pk=pk)
    except (Nominee.DoesNotExist, ValueError):
        raise Http404("Calon peserta tidak ditemukan.") from None


def village_nominees(programme: Programme, village: Village) -> QuerySet[Nominee]:
    """The village's list, returned items first (they need the officer), then in entry order."""
    return (
        _in_list_order(Nominee.objects.filter(programme=programme, village=village))
        # replaced_by: services.nominee_can_be_replaced asks it of every row (one query, not N);
        # nominating_body: a body's nominee living here is shown with the body's name, read only.
        .select_related("occupation", "replaced_by", "nominating_body")
    )


def village_nominees_to_send(programme: Programme, village: Village) -> QuerySet[Nominee]:
    """What "Kirim ke kabupaten" sends: the village's own drafts and returned nominees (a
    nominating body's nominee living here is the body's to send), in the list's order, with their
    names and statuses only (no identity column to decrypt). The send page lists them, the sending
    (services.village_list_submit) sends them, and a replayed sending is told it was sent when none
    is left (village_list_sent_since)."""
    return _in_list_order(Nominee.objects.filter(programme=programme, village=village, nominating_body__isnull=True,
                                                 status__in=sorted(EDITABLE_STATES))).only("pk", "full_name", "status")


def _in_list_order(nominees: QuerySet[Nominee]) -> QuerySet[Nominee]:
    return (nominees.annotate(returned_first=Case(When(status=NomineeStatus.RETURNED, then=Value(0)), default=Value(1),
                                                  output_field=IntegerField()))
            .order_by("returned_first", "created_at", "pk"))


# --- The regency's review pages (registrations/review/views.py) ---------------------------------------------------

@dataclass(frozen=True)
class ReviewFilters:
    """The queue's filters, already parsed; None or "" means "not filtered"."""

    subdistrict_id: int | None = None
    village_id: int | None = None
    status: str | None = None
    occupation_id: int | None = None
    flag: str = ""
    data_source: str = ""
    q: str = ""  # a name, never a NIK: the search turns a NIK into `nik_hash` before it reaches a URL
    nik_hash: str = ""
    sort: str = "waiting"


# The lifecycle order, for sorting by status.
_STATUS_ORDER = Case(*[When(status=status, then=Value(number)) for number, status in enumerate(NomineeStatus)],
                     output_field=IntegerField())
# Whitelist: a sort key from the page → the ORDER BY it means (never a field name from the URL).
REVIEW_SORTS: dict[str, tuple] = {
    # Oldest first is the fair order of a queue; a nominee never sent has no date and goes last.
    "waiting": (F("status_changed_at").asc(nulls_last=True), "pk"),
    "-waiting": (F("status_changed_at").desc(nulls_last=True), "-pk"),
    "name": ("full_name", "pk"),
    "village": ("village__name", "full_name", "pk"),
    "status": (_STATUS_ORDER, "full_name", "pk"),
}


def review_programmes(user) -> list[Programme]:
    """The programmes whose review pages the user may read, newest first, each with its regency and
    the regency's settings (the approval steps) loaded. One query."""
    programmes = (programmes_for_user(user).select_related("regency__settings")
                  .order_by(*PROGRAMMES_NEWEST_FIRST))
    return [programme for programme in programmes if can_see_review_pages(user, programme.regency)]


def review_programme_get(user, pk) -> Programme:
    """A programme whose review pages the user may read; 404 for missing, out of scope, or a
    role that does not review (village officer, BPJS, province)."""
    try:
        programme = programmes_for_user(user).select_related("regency__settings").get(pk=pk)
    except (Programme.DoesNotExist, ValueError):
        raise Http404("Program tidak ditemukan.") from None
    if not can_see_review_pages(user, programme.regency):
        raise Http404("Program tidak ditemukan.")
    return programme


def review_queue(user, programme: Programme, filters: ReviewFilters) -> QuerySet[Nominee]:
    """The regency's queue for one programme: the user's nominees with the filters applied and the
    rows ready to show (village, subdistrict, occupation loaded). `q` searches names; a NIK search
    comes as its keyed hash (`nik_hash`), so the NIK is neither in the URL nor compared in clear."""
    nominees = (_programme_nominees(user, programme).select_related("village__subdistrict", "occupation",
                                                                    "nominating_body")
                # Encrypted and not shown in the queue: not decrypted for each of its 50 rows.
                .defer("kk", "mother_maiden_name"))
    if filters.subdistrict_id:
        nominees = nominees.filter(village__subdistrict_id=filters.subdistrict_id)
    if filters.village_id:
        nominees = nominees.filter(village_id=filters.village_id)
    if filters.status:
        nominees = nominees.filter(status=filters.status)
    if filters.occupation_id:
        nominees = nominees.filter(occupation_id=filters.occupation_id)
    if filters.flag:
        nominees = nominees.filter(flag_filter(filters.flag, programme))
    if filters.data_source:
        nominees = nominees.filter(data_source=filters.data_source)
    if filters.nik_hash:
        # Compared as given: a value edited by hand in the URL is no keyed hash and matches nobody.
        nominees = nominees.filter(nik_hash=filters.nik_hash)
    q = filters.q.strip()
    if q:
        nominees = nominees.filter(full_name__icontains=q)
    return nominees.order_by(*_review_sort(filters))


def _review_sort(filters: ReviewFilters) -> tuple:
    return REVIEW_SORTS.get(filters.sort, REVIEW_SORTS["waiting"])


def review_queue_pks(user, programme: Programme, filters: ReviewFilters) -> QuerySet:
    """The queue's nominees as pks in the queue's order, for the paginator to slice: a page is then
    chosen on the nominee table and its indexes alone (review_queue_rows joins only that page)."""
    return review_queue(user, programme, filters).values_list("pk", flat=True)


# What a queue row shows and its checks read (checks.review_checks): nothing else of the nominee
# (address, contact, BPJS fields, the encrypted KK and mother's name) is read for the page.
QUEUE_ROW_FIELDS = (
    "programme_id", "village_id", "status", "status_changed_at", "nominating_body_id", "occupation_id",
    "nik", "nik_hash", "nik_masked", "full_name", "birth_date", "sex", "name_key", "mother_name_hash",
    "confirmed_warnings", "village__name", "village__subdistrict__name", "occupation__name", "nominating_body__name",
)


def review_queue_rows(page_pks, filters: ReviewFilters) -> list[Nominee]:
    """The nominees of one page of the queue (`page_pks`: a slice of review_queue_pks, which stays a
    subquery), in the queue's order, with village, subdistrict, occupation and body. One query:
    the sort and the LIMIT run on the nominees alone, then only the page's rows are joined, so a
    regency's whole queue is never joined to its villages to be sorted (a hash join over every
    village of the country, 30+ ms, which the planner chose for a queue of a few hundred)."""
    return list(Nominee.objects.filter(pk__in=page_pks)
                .select_related("village__subdistrict", "occupation", "nominating_body")
                .only(*QUEUE_ROW_FIELDS).order_by(*_review_sort(filters)))


def _programme_nominees(user, programme: Programme) -> QuerySet[Nominee]:
    """The programme's nominees the user sees. A programme belongs to one regency: when the user's
    scope holds that whole regency (regency staff, the province, the system administrator), every
    nominee of the programme is in scope, and the scope's join through village and subdistrict
    is left out: the queue's counts then read the index on (programme, village, status) alone."""
    scope = region_scope(user)
    if (scope.everything or programme.regency_id in scope.regency_ids
            or programme.regency.province_id in scope.province_ids):
        return Nominee.objects.filter(programme=programme)
    return nominees_for_user(user).filter(programme=programme)


def review_status_counts(user, programme: Programme, filters: ReviewFilters) -> dict[str, int]:
    """How many nominees per status under the queue's filters, the status filter aside: one grouped
    count (GROUP BY status), every status present as a key (0 when none). The queue's pages take
    their total from it too, so the paginator sends no COUNT of its own."""
    nominees = review_queue(user, programme, replace(filters, status=None)).order_by()
    counts = dict.fromkeys(NomineeStatus.values, 0)
    # COUNT(*), not COUNT(id): without filters PostgreSQL counts from the index nominee_coverage_count
    # alone (programme, village, status), never reading the rows.
    counts.update((row["status"], row["count"]) for row in nominees.values("status").annotate(count=Count("*")))
    return counts


# The queue's village filter is a search box: what a reviewer types ("lhok", "11.08.01") is
# answered with at most this many villages (registrations/review/views.village_suggestions).
VILLAGE_SUGGESTIONS = 20


def review_village_suggestions(user, programme: Programme, text: str) -> list[Village]:
    """Villages of the programme's regency that the user sees, whose name contains `text` or whose
    code starts with it, by name; at most VILLAGE_SUGGESTIONS, each with its subdistrict. One query."""
    text = text.strip()
    if len(text) < 2:
        return []
    villages = (villages_for_user(user).filter(subdistrict__regency_id=programme.regency_id, is_retired=False)
                .select_related(None).select_related("subdistrict"))
    matching = Q(code__startswith=text) if text.replace(".", "").isdigit() else Q(name__icontains=text)
    return list(villages.filter(matching).order_by("name", "code")[:VILLAGE_SUGGESTIONS])


def review_village_lookup(programme: Programme, text: str) -> list[Village]:
    """The villages of the programme's regency that the queue's village box names: by code (a code
    anywhere in the text, as the suggestions write it), by pk (older links), else by exact name.
    Usually one; none or several is for the form to say. One query."""
    villages = Village.objects.filter(subdistrict__regency_id=programme.regency_id, is_retired=False)
    text = text.strip()
    if code := VILLAGE_CODE.search(text):
        villages = villages.filter(code=code.group(0))
    elif text.isdigit():
        villages = villages.filter(pk=int(text))
    else:
        villages = villages.filter(name__iexact=text)
    return list(villages.select_related("subdistrict").order_by("code")[:10])


def _nominee_in(programme: Programme) -> Nominee:
    """A stand-in nominee of the programme's regency, to ask workflow rules that depend only on the
    person and the regency (role, scope, approval steps), not on one nominee. Built on the
    programme's own regency object, so its loaded settings cost no query."""
    return Nominee(programme=programme, village=Village(subdistrict=Subdistrict(regency=programme.regency)))


def action_from_states(user, programme: Programme, action: str) -> list[str]:
    """The statuses from which `user` may take `action` in the programme's regency (the four-eyes
    rule, which depends on the nominee's history, is left to the workflow)."""
    nominee = _nominee_in(programme)
    return [status for status in NomineeStatus
            if (rule := workflow.rule_for(action, status)) is not None and rule.allowed(user, nominee)]


def review_actions_for(user, programme: Programme) -> list[str]:
    """The review decisions the user may take on some nominee of the programme (the bulk form's list)."""
    return [action for action in workflow.REVIEW_ACTIONS if action_from_states(user, programme, action)]


def review_selection(user, programme: Programme, pks) -> dict[int, str]:
    """The selected nominees the user may see in this programme, pk → name; anything else is
    dropped silently (a tampered or stale pk is not an error the person can act on)."""
    return dict(nominees_for_user(user).filter(programme=programme, pk__in=pks).order_by("full_name", "pk")
                .values_list("pk", "full_name"))


def review_village_get(user, programme: Programme, village_pk) -> Village:
    """A village of the programme's regency that the user sees; 404 otherwise."""
    village = village_get_for_user(user, village_pk)
    if village.subdistrict.regency_id != programme.regency_id:
        raise Http404("Desa/kelurahan tidak ditemukan.")
    return village


def village_action_targets(user, programme: Programme, village: Village, action: str,
                           filters: ReviewFilters | None = None) -> list[Nominee]:
    """The village's nominees in the programme that `action` applies to for this user ("verifikasi
    semua yang dikirim", "setujui semua yang terverifikasi"), with pk, name and status only. With
    `filters` (the queue's "pilih semua di desa ini"), only those the queue shows under them."""
    states = action_from_states(user, programme, action)
    if filters is None:
        nominees = nominees_for_user(user).filter(programme=programme, village=village)
    else:
        nominees = review_queue(user, programme, replace(filters, village_id=village.pk))
    return list(nominees.filter(status__in=states).select_related(None).order_by("full_name", "pk")
                .only("pk", "full_name", "status"))


def review_village_nominees(user, programme: Programme, village: Village) -> list[Nominee]:
    """The village's whole list for the programme, in the order the village entered it."""
    return list(nominees_for_user(user).filter(programme=programme, village=village)
                .select_related("occupation").order_by("created_at", "pk"))


def nominees_blocked_count(programme: Programme, shortfall) -> int:
    """How many of the programme's verified nominees nobody can approve, for a regency short of
    approvers (`shortfall`: accounts.selectors.approval_shortfall, not None): those its only
    approver verified last (workflow.approval_blocked's rule, counted in SQL), or every verified one
    when it has no approver. One query."""
    verified = Nominee.objects.filter(programme=programme, status=NomineeStatus.VERIFIED)
    if shortfall.approver is not None:
        last_verifier = (NomineeEvent.objects.filter(nominee=OuterRef("pk"), to_status=NomineeStatus.VERIFIED)
                         .order_by("-created_at", "-pk").values("actor_id")[:1])
        verified = verified.annotate(verifier=Subquery(last_verifier)).filter(verifier=shortfall.approver.pk)
    return verified.count()


def village_submission(programme: Programme, village: Village) -> VillageSubmission | None:
    return (VillageSubmission.objects.filter(programme=programme, village=village)
            .select_related("last_submitted_by").first())


# --- Replays: what this person's first sending of a form already did (common.replays) -------------


def nominee_added_since(*, user, programme, village, nik_hash: str | None, since: dt.datetime) -> Nominee | None:
    """The nominee with this NIK that `user` added to the village's list of the programme since
    `since` and who still stands, or None: a replayed "tambah calon" form is told it was saved."""
    if not nik_hash:
        return None
    return (Nominee.objects.filter(programme=programme, village=village, nik_hash=nik_hash, created_by=user,
                                   created_at__gte=since)
            .exclude(status__in=INACTIVE_STATES).order_by("-created_at").first())


def minutes_on_file(programme: Programme, village: Village) -> bool:
    """Whether the village already sent the musdes minutes for this programme (a later sending
    needs none again). One query."""
    return VillageSubmission.objects.filter(programme=programme, village=village).exclude(minutes="").exists()


def village_list_sent_since(*, user, programme, village, since: dt.datetime) -> VillageSubmission | None:
    """The village's submission if `user` sent the list since `since` and nothing waits to be sent
    since, or None: a replayed "kirim ke kabupaten" form is told it was sent."""
    submission = VillageSubmission.objects.filter(programme=programme, village=village, last_submitted_by=user,
                                                  last_submitted_at__gte=since).first()
    if submission is None or village_nominees_to_send(programme, village).exists():
        return None
    return submission


def nominees_decided_since(*, user, target: str, since: dt.datetime, nominee_pks=None, village=None,
                           programme=None) -> dict[int, dt.datetime]:
    """pk → when, for the nominees `user` moved to `target` since `since` that still stand there
    (among `nominee_pks`, or the village's nominees of the programme): a replayed decision is told
    what the first one did. One query."""
    events = NomineeEvent.objects.filter(actor=user, to_status=target, created_at__gte=since,
                                         nominee__status=target)
    if nominee_pks is not None:
        events = events.filter(nominee_id__in=list(nominee_pks))
    else:
        events = events.filter(nominee__programme=programme, nominee__village=village)
    return dict(events.order_by("created_at").values_list("nominee_id", "created_at"))


# --- Nominating bodies (lembaga pengusul) --------------------------------------------------------

def bodies_for_user(user) -> QuerySet[NominatingBody]:
    """The nominating bodies the user sees: its own for a body's officer; the bodies of the user's
    regencies for regency staff (the system administrator: all)."""
    body_id = officer_body_id(user)
    bodies = NominatingBody.objects.select_related("regency")
    if body_id is not None:
        return bodies.filter(pk=body_id)
    scope = region_scope(user)
    if scope.everything:
        return bodies
    return bodies.filter(regency_id__in=scope.regency_ids)


def body_get_for_user(user, pk) -> NominatingBody:
    try:
        return bodies_for_user(user).get(pk=pk)
    except (NominatingBody.DoesNotExist, ValueError):
        raise Http404("Lembaga pengusul tidak ditemukan.") from None


def body_programme(body: NominatingBody, today: dt.date | None = None) -> Programme | None:
    """The stage a body works on: among the programmes that accept it, the one whose window is open
    today, else the latest."""
    today = today or timezone.localdate()
    programmes = Programme.objects.filter(regency_id=body.regency_id, body_places__body=body)
    return (
        programmes.filter(nomination_opens__lte=today, nomination_closes__gte=today).order_by("-coverage_start").first()
        or programmes.order_by("-coverage_start", "-pk").first()
    )


def body_nominees(programme: Programme, body: NominatingBody) -> QuerySet[Nominee]:
    """The body's list, returned items first, then in entry order, with the village each lives in."""
    return (
        Nominee.objects.filter(programme=programme, nominating_body=body)
        .select_related("occupation", "village__subdistrict")
        .defer("kk", "mother_maiden_name")
        .annotate(returned_first=Case(When(status=NomineeStatus.RETURNED, then=Value(0)), default=Value(1),
                                      output_field=IntegerField()))
        .order_by("returned_first", "created_at", "pk")
    )
