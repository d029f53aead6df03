"""The progress page of a background job (common.jobs); htmx polls its panel until it ends."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .jobs import job_get_for_user


@login_required
@require_GET
def job_status(request, pk):
    job = job_get_for_user(request.user, pk)
    template = "common/job_status_panel.html" if request.headers.get("HX-Request") else "common/job_status.html"
    return render(request, template, {"job": job})
