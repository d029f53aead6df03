"""The village officer's Excel import: template, upload, preview, confirm, rejected rows.

The session keeps, per upload, only its token and the programme and village ids (and after saving,
row numbers with the service's messages): no NIK, no name. The file itself waits on disk; see
imports.py for why and for how long.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scope import village_get_for_user
from common import uploads, workbooks
from registrations.models import Programme
from registrations.permissions import can_edit_village_list
from registrations.quotas import quota_standing
from registrations.selectors import current_programme
from registrations.services import nomination_is_open

from . import importing as imports
from . import workbook as excel
from .forms import NomineeUploadForm

SESSION_KEY = "nominee_imports"
KEEP_IN_SESSION = 10


def _village_for_officer(request, village_pk):
    """The village, for its own officer only: out of scope is 404 (as if missing), in scope but
    not the village's officer (regency staff) is 404 too, since the import is not theirs."""
    village = village_get_for_user(request.user, village_pk)
    if not can_edit_village_list(request.user, village):
        raise Http404("Desa/kelurahan tidak ditemukan.")
    return village


def _programme_for(village, programme_pk=None) -> Programme | None:
    regency_id = village.subdistrict.regency_id
    if programme_pk:
        if not str(programme_pk).isdigit():
            raise Http404("Program tidak ditemukan.")
        programme = Programme.objects.filter(pk=programme_pk, regency_id=regency_id).first()
        if programme is None:
            raise Http404("Program tidak ditemukan.")
        return programme
    return current_programme(regency_id)


def _pending(request, village, token):
    """The session's record of this upload, or 404 (another user's token, or another village's)."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry["village"] != village.pk:
        raise Http404("Unggahan tidak ditemukan.")
    programme = _programme_for(village, entry["programme"])
    return entry, programme


def _remember(request, token, entry) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    pending[token] = entry
    # The newest few are enough; their files are purged after a day anyway.
    request.session[SESSION_KEY] = dict(list(pending.items())[-KEEP_IN_SESSION:])


@login_required
def template_download(request):
    """The empty template; any signed-in user may hand it out (it holds no personal data)."""
    return workbooks.xlsx_download(imports.template_bytes(), "template-calon-peserta.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, village_pk):
    village = _village_for_officer(request, village_pk)
    programme = _programme_for(village, request.POST.get("programme") or request.GET.get("programme"))
    form = NomineeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and programme is not None and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            excel.read_workbook(content)  # refuse a file we cannot use before keeping it
        except excel.WorkbookError as error:
            form.add_error("file", str(error))
        else:
            token = uploads.store(content)
            _remember(request, token, {"village": village.pk, "programme": programme.pk, "applied": None})
            return redirect("registrations:import-preview", village_pk=village.pk, token=token)
    return render(request, "registrations/import_upload.html", {
        "village": village, "programme": programme, "form": form,
        "window_open": programme is not None and nomination_is_open(programme),
    })


def _pending_upload(request, village, token):
    """(entry, programme, file bytes) of an upload awaiting confirmation, or (redirect, None, None)
    when it was already applied or its file has expired."""
    entry, programme = _pending(request, village, token)
    if entry["applied"]:
        return redirect("registrations:import-result", village_pk=village.pk, token=token), None, None
    content = uploads.read(token)
    if content is None:
        messages.warning(request, "Berkas unggahan sudah tidak tersedia (disimpan paling lama 1 hari). Unggah lagi.")
        return redirect("registrations:import-upload", village_pk=village.pk), None, None
    return entry, programme, content


@login_required
def preview(request, village_pk, token):
    village = _village_for_officer(request, village_pk)
    entry, programme, content = _pending_upload(request, village, token)
    if content is None:
        return entry  # the redirect _pending_upload chose
    try:
        report = imports.import_preview(content=content, programme=programme, village=village)
    except excel.WorkbookError as error:  # e.g. the occupation list changed; still nothing saved
        messages.error(request, str(error))
        return redirect("registrations:import-upload", village_pk=village.pk)
    remaining = quota_standing(programme, village).left
    return render(request, "registrations/import_preview.html", {
        "village": village, "programme": programme, "token": token, "report": report,
        "rows": report.rows, "valid_count": len(report.valid_rows), "warning_count": report.count(imports.WARNING),
        "error_count": report.count(imports.ERROR), "remaining": remaining,
        "over_quota": remaining is not None and len(report.valid_rows) > remaining,
        "window_open": nomination_is_open(programme), "is_opensid": report.kind == excel.OPENSID,
    })


@login_required
@require_POST
def confirm(request, village_pk, token):
    village = _village_for_officer(request, village_pk)
    entry, programme, content = _pending_upload(request, village, token)
    if content is None:
        return entry  # the redirect _pending_upload chose
    try:
        report = imports.import_apply(content=content, programme=programme, village=village, created_by=request.user)
    except excel.WorkbookError as error:
        messages.error(request, str(error))
        return redirect("registrations:import-upload", village_pk=village.pk)
    if report.rejected_rows:
        uploads.store_rejected(token, imports.rejected_rows_workbook(report))
    uploads.delete(token, keep_rejected=True)
    entry["applied"] = {
        "saved": report.count(imports.SAVED),
        "errors": report.count(imports.ERROR),
        # Row numbers and the service's words only ("Kuota desa sudah penuh ..."): no personal data.
        "not_saved": [{"row": row.row, "message": row.errors[-1].message}
                      for row in report.rows if row.status == imports.NOT_SAVED],
    }
    _remember(request, token, entry)
    messages.success(request, f"{entry['applied']['saved']} calon peserta disimpan sebagai draf.")
    return redirect("registrations:import-result", village_pk=village.pk, token=token)


@login_required
def result(request, village_pk, token):
    village = _village_for_officer(request, village_pk)
    entry, programme = _pending(request, village, token)
    if not entry["applied"]:
        return redirect("registrations:import-preview", village_pk=village.pk, token=token)
    return render(request, "registrations/import_result.html", {
        "village": village, "programme": programme, "token": token, "applied": entry["applied"],
        "has_rejected": uploads.read_rejected(token) is not None,
    })


@login_required
def rejected_download(request, village_pk, token):
    """Before saving: the rows with errors. After saving: those plus the rows the service refused."""
    village = _village_for_officer(request, village_pk)
    entry, programme = _pending(request, village, token)
    if entry["applied"]:
        content = uploads.read_rejected(token)
    else:
        upload_content = uploads.read(token)
        content = None
        if upload_content is not None:
            try:
                report = imports.import_preview(content=upload_content, programme=programme, village=village)
            except excel.WorkbookError:
                report = None
            if report is not None and report.rejected_rows:
                content = imports.rejected_rows_workbook(report)
    if content is None:
        messages.info(request, "Tidak ada baris yang ditolak untuk diunduh.")
        return redirect(reverse("registrations:import-upload", kwargs={"village_pk": village.pk}))
    return workbooks.xlsx_download(content, f"calon-peserta-ditolak-{village.code.replace('.', '')}.xlsx")
