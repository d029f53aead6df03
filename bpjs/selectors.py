"""Reads of the BPJS export batches, always from the user's scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.scope import regencies_for_user
from registrations.enums import NomineeStatus

from .models import ExportBatch

# Where a sent nominee stands with BPJS: the statuses the batch status counts (the regency's BPJS
# page and the API) sum up. Ended memberships count as registered: BPJS did take them.
BATCH_STATUS_GROUPS = {
    "waiting": (NomineeStatus.SENT_TO_BPJS,),
    "registered": (NomineeStatus.REGISTERED, NomineeStatus.ACTIVE, NomineeStatus.LAPSED, NomineeStatus.ENDED),
    "refused": (NomineeStatus.REFUSED_BY_BPJS,),
}


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
