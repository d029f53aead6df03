"""The village officer's Excel import: template, upload, preview (with its choices), confirm,
rejected rows.

The session keeps, per upload, only its token and the programme and village ids (and after saving,
row numbers with the service's messages): no NIK, no name. The file itself waits on disk, and so
do the choices made in the preview (choices.py: they may hold a typed KK); see importing.py for
why and for how long.

The preview's choices form posts to the preview (store, then show the preview again) or, with the
save button, to confirm. Confirm saves only what the officer has seen: when the choices it
receives differ from those the preview showed, it keeps them and shows the preview again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scope import village_get_for_user
from common import uploads, workbooks
from registrations.identifiers import masked_typed_nik
from registrations.models import OccupationCategory, Programme
from registrations.permissions import can_edit_village_list
from registrations.quotas import quota_standing
from registrations.selectors import current_programme
from registrations.services import nomination_is_open

from . import importing as imports
from . import workbook as excel
from .choices import CHOSEN_FIELDS, MARKER, ImportChoices, row_field
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
            imports.read_upload(content, regency_wide=False)  # refuse a file we cannot use before keeping it
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
        messages.warning(request, uploads.EXPIRED_MESSAGE)
        return redirect("registrations:import-upload", village_pk=village.pk), None, None
    return entry, programme, content


def _choices(token) -> ImportChoices:
    return ImportChoices.from_json(uploads.read_choices(token))


def _posted_choices(request, programme, content, previous: ImportChoices) -> ImportChoices:
    """The choices the preview's form sent (WorkbookError if the file can no longer be read)."""
    sheet = imports.read_upload(content, regency_wide=False)
    numbers = [row.number for row in sheet.rows] if len(sheet.rows) <= imports.PER_ROW_LIMIT else []
    return ImportChoices.from_post(request.POST, row_numbers=numbers, previous=previous,
                                   occupations=OccupationCategory.objects.filter(is_active=True)
                                   .values_list("pk", flat=True))


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, village_pk, token):
    """GET: every row checked with the choices made so far. POST (the choices form's "Terapkan"):
    keeps the choices, then shows the preview again."""
    village = _village_for_officer(request, village_pk)
    entry, programme, content = _pending_upload(request, village, token)
    if content is None:
        return entry  # the redirect _pending_upload chose
    choices = _choices(token)
    try:
        if request.method == "POST":
            uploads.store_choices(token, _posted_choices(request, programme, content, choices).to_json())
            messages.info(request, "Pilihan diterapkan. Periksa hasilnya, lalu tekan Simpan. Belum ada yang disimpan.")
            return redirect("registrations:import-preview", village_pk=village.pk, token=token)
        report = imports.import_preview(content=content, programme=programme, village=village, choices=choices)
    except excel.WorkbookError as error:  # e.g. the occupation list changed; still nothing saved
        messages.error(request, str(error))
        return redirect("registrations:import-upload", village_pk=village.pk)
    remaining = quota_standing(programme, village).left
    return render(request, "registrations/import_preview.html", {
        "village": village, "programme": programme, "token": token, "report": report,
        "rows": report.rows, "preview_rows": [_preview_row(row, choices) for row in report.rows],
        "valid_count": len(report.valid_rows), "warning_count": report.count(imports.WARNING),
        "error_count": report.count(imports.ERROR), "remaining": remaining,
        "over_quota": remaining is not None and len(report.valid_rows) > remaining,
        "window_open": nomination_is_open(programme),
        "choices": choices, "occupations": report.occupations, "marker": MARKER, "per_row_limit": imports.PER_ROW_LIMIT,
        "missing_headers": [excel.HEADERS[name] for name in CHOSEN_FIELDS if name not in report.columns],
        "kk_missing_count": sum(1 for row in report.rows if row.kk_missing),
        "sex_from_nik_count": sum(1 for row in report.rows if row.notes),
        "consent_count": sum(1 for row in report.rows if row.values.get("consent") == "on"),
    })


def _preview_row(outcome, choices: ImportChoices) -> dict:
    """A preview row with what the page's per-row boxes need (names, current choice)."""
    chosen = choices.row(outcome.row)
    return {
        "outcome": outcome, "chosen": chosen,
        "kk_chosen": (masked_typed_nik(chosen.kk) or "diketik, belum 16 digit") if chosen.kk else "",
        "fields": {name: row_field(name, outcome.row) for name in ("pekerjaan", "setuju", "jk", "kk")},
    }


@login_required
@require_POST
def confirm(request, village_pk, token):
    village = _village_for_officer(request, village_pk)
    entry, programme, content = _pending_upload(request, village, token)
    if content is None:
        return entry  # the redirect _pending_upload chose
    choices = _choices(token)
    try:
        if request.POST.get(MARKER):  # the save button of the choices form: were they changed meanwhile?
            posted = _posted_choices(request, programme, content, choices)
            if posted != choices:
                uploads.store_choices(token, posted.to_json())
                messages.warning(request, "Pilihan Anda berubah sejak pratinjau. Periksa hasilnya di bawah, lalu "
                                          "tekan Simpan lagi. Belum ada yang disimpan.")
                return redirect("registrations:import-preview", village_pk=village.pk, token=token)
        report = imports.import_apply(content=content, programme=programme, village=village, created_by=request.user,
                                      choices=choices)
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
                report = imports.import_preview(content=upload_content, programme=programme, village=village,
                                                choices=_choices(token))
            except excel.WorkbookError:
                report = None
            if report is not None and report.rejected_rows:
                content = imports.rejected_rows_workbook(report)
    if content is None:
        messages.info(request, "Tidak ada baris yang ditolak untuk diunduh.")
        return redirect(reverse("registrations:import-upload", kwargs={"village_pk": village.pk}))
    return workbooks.xlsx_download(content, f"calon-peserta-ditolak-{village.code.replace('.', '')}.xlsx")
