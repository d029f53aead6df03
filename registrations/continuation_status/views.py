"""A continuing programme's villages, as the office follows them: which villages have confirmed who
continues, and how many members continue, leave or still wait (selectors.village_continuation_rows).
Read-only: the villages confirm on their own page (registrations/village_continuation).

Who: regency staff who read the review pages (permissions.can_see_review_pages); anyone else, the
village officer included, gets the same 404 as for a missing programme. Counts only: no NIK, no name.

Queries: the programme (with its regency and the programme it continues), the rows (one grouped
query) — the same number for 1 or 400 villages; the page shows VILLAGES_PER_PAGE of them.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from registrations.models import Programme
from registrations.permissions import can_see_review_pages
from registrations.selectors import programmes_for_user

from .selectors import ConfirmationState, continuation_totals, village_continuation_rows

VILLAGES_PER_PAGE = 50


@login_required
@require_GET
def programme_continuation(request, pk):
    try:
        programme = (programmes_for_user(request.user).select_related("regency", "continues_from")
                     .get(pk=pk))
    except (Programme.DoesNotExist, ValueError):
        raise Http404("Program tidak ditemukan.") from None
    if not can_see_review_pages(request.user, programme.regency):
        raise Http404("Program tidak ditemukan.")
    rows = village_continuation_rows(programme)
    page = Paginator(rows, VILLAGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registrations/programme_continuation.html", {
        "programme": programme, "regency": programme.regency, "source": programme.continues_from,
        "totals": continuation_totals(rows), "page": page,
        "page_rows": [(row, ConfirmationState(row.state).label) for row in page.object_list],
    })
