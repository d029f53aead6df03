"""The benefit claims pages (DOMAIN.md §9), under /kepesertaan/.

Who:
- a regency's claims list (filtered by benefit, 50 a page): everyone who reads the regency as a
  whole (permissions.can_see_claims); NIKs in full only for the roles that work with the person
  (registrations.identifiers.identifiers_visible), masked for the others;
- recording a claim (find the member by KPJ number or NIK, then the form) and importing the branch's
  file (upload, preview, confirm, result): the BPJS officer and the regency admin of the regency
  (permissions.can_record_claims);
- a member's claims on the nominee page (an htmx fragment the registrations page loads: that app
  does not import this one): whoever sees the nominee and may read claims; others get an empty one.
Anyone else, and any regency or nominee out of scope, gets the 404 of a missing one.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scope import regency_get_for_user
from bpjs.jobs import runs_inline
from common import uploads, workbooks
from common.formatting import format_rupiah
from common.jobs import job_url
from common.views import staged_preview, staged_result
from membership.enums import Benefit
from registrations import workflow
from registrations.enums import Action, EndReason, NomineeStatus
from registrations.identifiers import identifiers_visible, shown_nik
from registrations.selectors import nominee_get_for_user

from . import imports as claim_import
from . import jobs as claim_jobs
from . import selectors, services
from .forms import ClaimForm, ClaimUploadForm, MemberSearchForm
from .permissions import can_record_claims, can_see_claims

logger = logging.getLogger(__name__)

CLAIMS_PER_PAGE = 50
# token → {"regency": id, "rows": count, or None above BPJS_INLINE_MAX_ROWS}; never a NIK or a name
IMPORT_SESSION_KEY = "membership_claim_imports"
KEEP_IN_SESSION = 10


def _regency_to_read(user, regency_pk):
    regency = regency_get_for_user(user, regency_pk)
    if not can_see_claims(user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    return regency


def _regency_to_record(user, regency_pk):
    regency = regency_get_for_user(user, regency_pk)
    if not can_record_claims(user, regency):
        raise Http404("Kabupaten/kota tidak ditemukan.")
    return regency


@login_required
@require_GET
def claim_list(request, regency_pk):
    """"Klaim manfaat": the regency's claims, newest payment first, with the totals per benefit.
    Queries, the same whatever the number of claims: the regency, the totals, the page's count and
    its rows with their members and villages (and the user's scope)."""
    regency = _regency_to_read(request.user, regency_pk)
    benefit = request.GET.get("jenis", "")
    benefit = benefit if benefit in Benefit.values else ""
    page = Paginator(selectors.claims_for_regency(regency, benefit=benefit), CLAIMS_PER_PAGE).get_page(
        request.GET.get("page"))
    full = identifiers_visible(request.user)
    rows = [{"claim": claim, "nik": shown_nik(claim.nominee, full=full)} for claim in page.object_list]
    return render(request, "membership/claim_list.html", {
        "regency": regency, "page": page, "rows": rows, "benefit": benefit, "benefits": Benefit.choices,
        "totals": selectors.benefit_totals(regency_ids=[regency.pk]), "full_identifiers": full,
        "querystring": urlencode({"jenis": benefit}) if benefit else "",
        "can_record": can_record_claims(request.user, regency),
    })


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request, regency_pk):
    """"Catat klaim": first the member (by KPJ number or NIK, sent by POST), then the claim. Saved,
    it leads to the member's page, where a JKM claim for a membership still running comes with the
    offer to end it (the nominee page's claims fragment)."""
    regency = _regency_to_record(request.user, regency_pk)
    member, search, form = None, MemberSearchForm(), None
    if request.method == "POST" and "member" in request.POST:
        member = selectors.members_of_regency(regency).select_related("village__subdistrict__regency").filter(
            pk=request.POST.get("member") if str(request.POST.get("member")).isdigit() else None).first()
        if member is None:
            raise Http404("Peserta tidak ditemukan.")
        form = ClaimForm(request.POST)
        if form.is_valid():
            try:
                claim = services.claim_record(nominee=member, actor=request.user, **form.cleaned_data)
            except services.ClaimError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Klaim {claim.get_benefit_display()} untuk {member.full_name} sebesar "
                                          f"{format_rupiah(claim.amount)} dicatat.")
                return redirect(reverse("registrations:nominee-detail", args=[member.pk]) + "#klaim")
    elif request.method == "POST":
        search = MemberSearchForm(request.POST)
        if search.is_valid():
            member = selectors.member_find(regency, search.cleaned_data["cari"])
            if member is None:
                search.add_error("cari", "Tidak ada peserta BPJS dengan nomor KPJ atau NIK itu di kabupaten/kota ini. "
                                         "Klaim hanya untuk peserta yang sudah terdaftar (punya nomor KPJ).")
            else:
                form = ClaimForm(initial={"benefit": Benefit.JKM if selectors.ended_by_death(member) else ""})
    return render(request, "membership/claim_form.html", {
        "regency": regency, "search": search, "member": member, "form": form,
        "nik": member and shown_nik(member, full=identifiers_visible(request.user)),
    })


@login_required
@require_GET
def nominee_claims(request, pk):
    """The claims part of the nominee page (loaded by htmx): the member's claims; a death recorded
    without its JKM claim (with the way to record it); a JKM claim for a membership still running,
    with the office's button to end it with the reason "meninggal dunia" (registrations.workflow
    through the nominee page's own END form, so the event is written there)."""
    nominee = nominee_get_for_user(request.user, pk)
    regency = nominee.village.subdistrict.regency
    if not can_see_claims(request.user, regency) or nominee.status not in selectors.MEMBER_STATES:
        return HttpResponse("")
    claims = selectors.claims_of_member(nominee)
    jkm = next((claim for claim in claims if claim.benefit == Benefit.JKM), None)
    died = selectors.ended_by_death(nominee)
    may_end = (jkm is not None and nominee.status != NomineeStatus.ENDED
               and workflow.can_act(request.user, nominee, Action.END))
    return render(request, "membership/includes_nominee_claims.html", {
        "nominee": nominee, "claims": claims, "jkm": jkm, "died_without_jkm": died and jkm is None,
        "jkm_running": jkm is not None and nominee.status != NomineeStatus.ENDED, "may_end": may_end,
        "died_code": EndReason.DIED, "can_record": can_record_claims(request.user, regency), "regency": regency,
    })


# --- The branch's claims file -----------------------------------------------------------------
# A file of more than settings.BPJS_INLINE_MAX_ROWS rows is previewed and saved by the worker
# (jobs.py) while the person watches its progress page, as BPJS's answer file is (bpjs.views).

def _pending(request, regency, token) -> int | None:
    """The row count of this user's waiting upload for this regency, None when it is above
    settings.BPJS_INLINE_MAX_ROWS (404 if not theirs)."""
    return uploads.staged_rows(request.session, IMPORT_SESSION_KEY, token, regency_id=regency.pk)


@login_required
@require_http_methods(["GET", "POST"])
def claim_import_upload(request, regency_pk):
    """The file is read here to refuse what cannot be used before it is kept (a refused file leaves
    nothing behind); its preview runs in the next request, or, above settings.BPJS_INLINE_MAX_ROWS
    rows, as a job (which reads the rest of the file)."""
    regency = _regency_to_record(request.user, regency_pk)
    form = ClaimUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            rows = len(claim_import.read_rows(content, first=settings.BPJS_INLINE_MAX_ROWS + 1))
        except workbooks.WorkbookError as error:
            form.add_error("file", str(error))
        else:
            rows = rows if runs_inline(rows) else None  # None: more than the threshold
            token = uploads.stage(request.session, IMPORT_SESSION_KEY, content, regency_id=regency.pk, rows=rows,
                                  keep=KEEP_IN_SESSION)
            if not runs_inline(rows):
                return redirect(job_url(claim_jobs.claims_preview_start(regency=regency, user=request.user,
                                                                        token=token, rows=rows)))
            return redirect("membership:claim-import-preview", regency_pk=regency.pk, token=token)
    return render(request, "membership/claim_import_upload.html", {
        "regency": regency, "form": form, "inline_max_rows": settings.BPJS_INLINE_MAX_ROWS})


@login_required
@require_GET
def claim_import_preview(request, regency_pk, token):
    """The per-row outcome: worked out now, or, for a large file, as its preview job stored it (a
    preview not ready, or gone, is worked out again by a new job)."""
    regency = _regency_to_record(request.user, regency_pk)
    rows = _pending(request, regency, token)
    report, instead = staged_preview(
        request, token, inline=runs_inline(rows),
        preview=lambda content: claim_import.claims_preview(content=content, regency=regency),
        from_json=claim_import.report_from_json,
        start_job=lambda: claim_jobs.claims_preview_start(regency=regency, user=request.user, token=token, rows=rows),
        saved=lambda: redirect("membership:claim-import-result", regency_pk=regency.pk, token=token),
        upload=reverse("membership:claim-import-upload", args=[regency.pk]))
    if instead:
        return instead
    page = Paginator(report.rows, 200).get_page(request.GET.get("page"))
    return render(request, "membership/claim_import_preview.html", {
        "regency": regency, "token": token, "report": report, "page": page,
    })


def _saved_already(request, regency, token):
    messages.info(request, "Berkas klaim ini sudah disimpan oleh kiriman pertama Anda; kiriman kedua tidak mengubah "
                           "apa pun. Hasilnya di bawah.")
    return redirect("membership:claim-import-result", regency_pk=regency.pk, token=token)


@login_required
@require_POST
def claim_import_confirm(request, regency_pk, token):
    regency = _regency_to_record(request.user, regency_pk)
    rows = _pending(request, regency, token)
    content = uploads.read(token)
    if content is None:
        if uploads.read_result(token) is not None:
            return _saved_already(request, regency, token)
        messages.info(request, "Berkas ini sudah disimpan atau sudah tidak tersedia; daftar klaim di bawah.")
        return redirect("membership:claim-list", regency_pk=regency.pk)
    # The token stays in the session: a second click on Simpan is then shown the first one's result.
    if not runs_inline(rows):
        return redirect(job_url(claim_jobs.claims_apply_start(regency=regency, user=request.user, token=token,
                                                              rows=rows)))
    try:
        report = claim_import.claims_apply(content=content, regency=regency, actor=request.user)
    except (services.ClaimError, workbooks.WorkbookError) as error:
        messages.error(request, str(error))
        return redirect("membership:claim-import-preview", regency_pk=regency.pk, token=token)
    uploads.delete(token)
    if not uploads.store_result(token, claim_import.report_to_json(report)):
        return _saved_already(request, regency, token)  # two clicks at once: the first stored what it recorded
    logger.info("%s imported a claims file for %s: %s", request.user.username, regency.code, report.summary)
    messages.success(request, claim_jobs.saved_message(report))
    return redirect("membership:claim-import-result", regency_pk=regency.pk, token=token)


@login_required
@require_GET
def claim_import_result(request, regency_pk, token):
    """What saving the claims file did: the claims recorded and those already recorded, row by row
    (masked NIKs, as in the preview), read from the result the save stored beside the upload (in
    the request or by its job): nothing is worked out again. Then the way to the claims list."""
    regency = _regency_to_record(request.user, regency_pk)
    _pending(request, regency, token)
    report, instead = staged_result(
        request, token, from_json=claim_import.report_from_json,
        preview=reverse("membership:claim-import-preview", args=[regency.pk, token]),
        gone=reverse("membership:claim-list", args=[regency.pk]), gone_hint="Klaim yang tercatat ada di daftar ini.")
    if instead:
        return instead
    page = Paginator(report.rows, 200).get_page(request.GET.get("page"))
    return render(request, "membership/claim_import_result.html", {
        "regency": regency, "token": token, "report": report, "page": page,
    })
