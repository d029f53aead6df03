"""Notices (pemberitahuan): the user's own list, newest first, and "mark all as read".

Who: any logged-in user, for their own notices only (the queryset starts from the recipient, so
there is nothing of anyone else's to reach). Notices are written by notices.py after commit.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from registrations.models import Notice
from registrations.notices import notices_mark_read

NOTICES_PER_PAGE = 30


@login_required
def notice_list(request):
    notices = Notice.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registrations/notice_list.html", {"page": page})


@login_required
@require_POST
def notices_read(request):
    marked = notices_mark_read(user=request.user)
    if marked:
        messages.success(request, f"{marked} pemberitahuan ditandai sudah dibaca.")
    return redirect("registrations:notices")
