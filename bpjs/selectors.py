"""Reads of the BPJS export batches, always from the user's scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from accounts.scope import regencies_for_user, regency_get_for_user
from common.models import Job
from registrations.enums import MEMBER_STATES, NomineeStatus
from registrations.identifiers import identifiers_visible, shown_identifier_fields
from registrations.models import Nominee, Programme
from villages.models import Village

from .models import ExportBatch
from .permissions import can_import_bpjs_results

# The order a batch's file lists its nominees in (services.export_batch_create): the confirmation
# page shows them the same way.
BATCH_ORDER = ("village__subdistrict__code", "village__code", "full_name", "pk")

# Where a sent nominee stands with BPJS: the statuses the batch status counts (the regency's BPJS
# page and the API) sum up. Ended memberships count as registered: BPJS did take them.
BATCH_STATUS_GROUPS = {
    "waiting": (NomineeStatus.SENT_TO_BPJS,),
    "registered": (*sorted(MEMBER_STATES), NomineeStatus.ENDED),
    "refused": (NomineeStatus.REFUSED_BY_BPJS,),
}


def export_batch_pending(programme: Programme, village: Village | None = None) -> QuerySet[Nominee]:
    """Approved nominees of the programme not yet in a batch: what the next batch would take."""
    pending = Nominee.objects.filter(programme=programme, status=NomineeStatus.APPROVED, export_batch__isnull=True)
    return pending.filter(village=village) if village is not None else pending


def export_batches_with_status(batches: QuerySet[ExportBatch]) -> QuerySet[ExportBatch]:
    """The batches, each annotated with how many of its nominees still wait for BPJS's answer
    (`waiting`), were registered (`registered`) or refused (`refused`): one query with the batches."""
    return batches.annotate(**{
        name: Count("nominees", filter=Q(nominees__status__in=states))
        for name, states in BATCH_STATUS_GROUPS.items()
    })


def export_batches_for_user(user) -> QuerySet[ExportBatch]:
    """The batches of the regencies the user sees as a whole (accounts.scope.regencies_for_user;
    the same rule as bpjs/views.py's batch pages), newest first, with their status counts."""
    return export_batches_with_status(
        ExportBatch.objects.filter(regency__in=regencies_for_user(user).values("pk"))
        .select_related("regency", "programme", "created_by").order_by("-created_at", "-pk"))


def export_batch_preview(user, programme: Programme) -> dict:
    """What "Buat batch kirim BPJS" would take now, for its confirmation page: how many approved
    nominees and from how many villages (one query), and `rows`, a lazy queryset of plain values
    in the file's order (name, the NIK as `user` sees it under the key `nik_shown`, village, subdistrict)
    for the page to paginate. The caller has checked `can_create_export_batch`."""
    pending = export_batch_pending(programme)
    totals = pending.aggregate(nominees=Count("pk"), villages=Count("village", distinct=True))
    nik_field = shown_identifier_fields(full=identifiers_visible(user))[0]
    rows = (pending.order_by(*BATCH_ORDER)
            .values("pk", "full_name", "village__name", "village__subdistrict__name", nik_shown=F(nik_field)))
    return {"count": totals["nominees"], "village_count": totals["villages"], "rows": rows}


def export_batch_made_since(*, user, programme: Programme, since: dt.datetime) -> ExportBatch | None:
    """The newest batch of the programme this user made since `since`, or None: a replayed
    "Buat batch" form (common.replays) is told of it."""
    return (ExportBatch.objects.filter(programme=programme, created_by=user, created_at__gte=since)
            .order_by("-created_at", "-pk").first())


def export_batch_job_since(*, user, programme: Programme, since: dt.datetime) -> Job | None:
    """The newest background job making a batch of the programme this user asked for since `since`
    (a large batch, bpjs/jobs.py), or None: a replayed form is sent to its progress page."""
    return (Job.objects.filter(kind="bpjs.batch", requested_by=user, params__programme_id=programme.pk,
                               created_at__gte=since).order_by("-created_at", "-pk").first())


def regency_get_for_importer(user, regency_pk):
    """The regency, for whoever may import the BPJS branch's files into it (its BPJS officer or
    admin: permissions.can_import_bpjs_results); anyone else gets the 404 of a missing regency.
    Used by the answer file's pages and the participant file's (membership)."""
    regency = regency_get_for_user(user, regency_pk)
    if not can_import_bpjs_results(user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    return regency
