from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.enums import DECISION_ROLES
from accounts.scope import provinces_for_user, regencies_for_user, regency_get_for_user, villages_for_user
from common import downloads
from common.access_log import ExportKind, export_record, password_reset_record
from common.formatting import format_datetime, format_number, format_phone
from common.phones import phone_masked
from common.replays import shown_at
from common.workbooks import xlsx_download

from . import selectors, services
from .enums import INSTITUTION_ROLES, PROVINCE_ROLES, REGENCY_ROLES, RESET_BY_SYSTEM_ADMIN_ROLES, Role
from .exports import PASSWORD_RESET_FILE_PREFIX, credentials_workbook
from .forms import AccountContactForm, LoginForm, PasswordChangeIndonesianForm
from .models import RegionAssignment
from .permissions import can_edit_contact, can_manage_regency, can_reset_password, can_see_phone_numbers
from .selectors import users_of_regency
from .session import remember_regency

ACCOUNTS_PER_PAGE = 50
SEARCH_MAX_LENGTH = 100


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


# A failed attempt's page holds the old password (forms.PasswordChangeIndonesianForm): no browser
# cache, back-forward cache or proxy may keep it.
@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeIndonesianForm
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=self.request.user)
        messages.success(self.request, "Kata sandi sudah diganti.")
        return response


# Where a regency role with one regency starts (URL name, its argument): the regent's office reads
# the dashboard, the BPJS branch works on the batches; the others start on the regency's page.
REGENCY_START_PAGES = {
    Role.REGENCY_VIEWER: ("reports:regency-detail", "pk"),
    Role.BPJS_OFFICER: ("registrations:bpjs-regency", "regency_pk"),
}


@login_required
def home(request):
    """Each role starts where its work is."""
    user = request.user
    if user.role == Role.VILLAGE_OFFICER:
        villages = list(villages_for_user(user).order_by("code"))
        if len(villages) == 1:
            # The village officer's work is the nominee list ("Desa saya").
            return redirect("registrations:village", village_pk=villages[0].pk)
        return render(request, "accounts/home_villages.html", {"villages": villages})
    if user.role in INSTITUTION_ROLES:
        # A nominating body's officer works on its body's list (registrations.bodies).
        return redirect("registrations:body-home")
    if user.role in DECISION_ROLES:
        # Reviewers and approvers work in the queue; it counts what waits for them per status.
        return redirect("registrations:review-queue")
    if user.role in REGENCY_ROLES:
        regencies = list(regencies_for_user(user)[:2])
        if len(regencies) == 1:
            view, argument = REGENCY_START_PAGES.get(user.role, ("villages:regency-detail", "pk"))
            return redirect(view, **{argument: regencies[0].pk})
        regencies = list(regencies_for_user(user))
        return render(request, "accounts/home_regencies.html", {"regencies": regencies})
    if user.role in PROVINCE_ROLES:
        provinces = list(provinces_for_user(user)[:2])
        if len(provinces) == 1:
            return redirect("reports:province-detail", pk=provinces[0].pk)
    return redirect("villages:index")


@login_required
def regency_accounts(request, pk):
    regency = regency_get_for_user(request.user, pk)
    if not can_manage_regency(request.user, regency):
        raise Http404
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    users = selectors.accounts_matching(users_of_regency(regency), search).prefetch_related(
        Prefetch(
            "region_assignments",
            queryset=RegionAssignment.objects.select_related("village", "regency", "province"),
        )
    )
    page = Paginator(users, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    resettable = {account.pk for account in page.object_list if can_reset_password(request.user, account, regency)}
    shown_phone = format_phone if can_see_phone_numbers(request.user) else phone_masked
    for account in page.object_list:
        account.shown_phone = shown_phone(account.phone)
    return render(request, "accounts/regency_accounts.html", {
        "regency": regency, "page": page, "resettable": resettable, "search": search,
        "querystring": urlencode({"q": search}) if search else "",
        "reset_by_system_admin": [str(Role(role).label) for role in sorted(RESET_BY_SYSTEM_ADMIN_ROLES)],
    })


@login_required
@require_POST
def regency_village_accounts_create(request, pk):
    """Creates the missing village officer accounts and answers with their credentials as Excel."""
    regency = regency_get_for_user(request.user, pk)
    if not can_manage_regency(request.user, regency):
        raise Http404
    return _credentials_file(
        request, regency, f"akun-desa-{regency.code}",
        lambda: services.village_officers_create_for_regency(regency=regency, created_by=request.user),
        nothing=lambda: _no_new_accounts_message(request.user, regency),
        done=lambda count, filename: (
            f"{format_number(count)} akun operator desa dibuat. Nama pengguna dan kata sandi awalnya ada di "
            f"file {filename} yang baru diunduh: simpan baik-baik, kata sandi itu tidak bisa dilihat lagi."))


def _credentials_file(request, regency, name: str, write, *, nothing, done):
    """The credentials of the accounts `write()` made or reset, as one Excel file. The write, the
    file and its log row in one transaction: if the file cannot be made or the row written, no
    account is left whose password nobody received. With no rows, `nothing()` is said instead;
    with rows, `done(count, filename)` waits for the page, which reloads itself when the file has
    come (common.downloads)."""
    filename = f"{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    with transaction.atomic():
        rows = write()
        if rows:
            content = credentials_workbook(regency_name=regency.name,
                                           login_url=request.build_absolute_uri(reverse("accounts:login")), rows=rows)
            # Counted only: the file's passwords exist nowhere else and are never logged.
            export_record(kind=ExportKind.VILLAGE_ACCOUNTS, requested_by=request.user, regency=regency,
                          row_count=len(rows), filename=filename)
    if not rows:
        messages.info(request, nothing())
        return redirect("accounts:regency-accounts", pk=regency.pk)
    messages.success(request, done(len(rows), filename))
    return downloads.mark_done(request, xlsx_download(content, filename))


# A second click within this time is told what the first one made (it may be why the file was lost).
RECENT_ACCOUNTS_MINUTES = 15


def _no_new_accounts_message(user, regency) -> str:
    """Nothing left to create: a second click (it waited for the first, `services` locks the
    regency) is told what its first click made, and how to get a file again."""
    recent = selectors.village_accounts_file_recent(user=user, regency=regency, minutes=RECENT_ACCOUNTS_MINUTES)
    if recent is None:
        return "Semua desa/kelurahan sudah punya akun operator. Tidak ada akun baru."
    return (f"Akun operator untuk {recent.row_count} desa/kelurahan sudah dibuat oleh klik Anda pada "
            f"{format_datetime(timezone.localtime(recent.created_at))}, dan file Excel-nya diunduh saat itu. "
            "Bila file itu tidak ada, tekan \"Reset kata sandi semua operator desa\" untuk membuat kata sandi "
            "dan file baru.")


@login_required
@require_POST
def regency_village_passwords_reset(request, pk):
    """New initial passwords for all the regency's village officers, answered as one Excel file
    (the credentials file was lost). The regency admin (and the system administrator) only.

    The same form sent twice (a double click, back and send again: common.replays) resets once:
    the second waits for the regency's lock, sees the file the first made since the page was shown,
    and is told so, so the passwords in the file already handed out stay valid."""
    regency = regency_get_for_user(request.user, pk)
    if not can_manage_regency(request.user, regency):
        raise Http404
    since = shown_at(request.POST)

    def write():
        services.regency_accounts_lock(regency=regency)
        if since and selectors.village_passwords_file_since(user=request.user, regency=regency, since=since):
            return []
        return services.village_officers_password_reset_for_regency(regency=regency, reset_by=request.user)

    return _credentials_file(
        request, regency, f"{PASSWORD_RESET_FILE_PREFIX}{regency.code}", write,
        nothing=lambda: _passwords_reset_already_message(request.user, regency, since),
        done=lambda count, filename: (
            f"Kata sandi baru untuk {format_number(count)} operator desa dibuat dan ada di file {filename} yang "
            "baru diunduh; kata sandi lama tidak berlaku lagi."))


def _passwords_reset_already_message(user, regency, since) -> str:
    done = since and selectors.village_passwords_file_since(user=user, regency=regency, since=since)
    if not done:
        return "Belum ada akun operator desa di kabupaten/kota ini."
    return (f"Kata sandi baru untuk {done.row_count} operator desa sudah dibuat oleh klik Anda pada "
            f"{format_datetime(timezone.localtime(done.created_at))}, dan file Excel-nya diunduh saat itu: "
            "kata sandi di file itu yang berlaku. Bila file itu tidak ada, muat ulang halaman ini lalu tekan "
            "tombol reset lagi.")


@login_required
@require_POST
@never_cache  # the page shows a new password: no browser or proxy may keep it
def regency_account_password_reset(request, pk, user_pk):
    """One account's new initial password, shown once. Who may: `permissions.can_reset_password`
    (office staff by the system administrator only). The reset and its access-log row in one
    transaction; the owner is told at next login who reset it."""
    regency = regency_get_for_user(request.user, pk)
    account = users_of_regency(regency).filter(pk=user_pk).first()
    if account is None or not can_reset_password(request.user, account, regency):
        raise Http404
    since = shown_at(request.POST)
    with transaction.atomic():
        account = services.user_lock(user=account)  # a second click waits here for the first
        if since and account.password_reset_by_id == request.user.pk and account.password_reset_at and \
                account.password_reset_at >= since:
            password = None  # the same form sent twice (common.replays): the first's password stays valid
        else:
            password = services.user_password_reset(user=account, reset_by=request.user)
            password_reset_record(reset_by=request.user, account=account, regency=regency)
    if password is None:
        messages.info(request, (
            f"Kata sandi {account.username} sudah direset oleh klik Anda pada "
            f"{format_datetime(timezone.localtime(account.password_reset_at))}; "
            "kata sandi yang tampil saat itu yang berlaku. Bila kata sandi itu tidak tercatat, muat ulang "
            "halaman ini lalu tekan Reset lagi."))
        return redirect("accounts:regency-accounts", pk=regency.pk)
    return render(request, "accounts/password_reset_done.html", {
        "regency": regency, "account": account, "password": password,
    })


@login_required
def regency_account_edit(request, pk, user_pk):
    """An account's name and phone number (the office reaches village officers by it), for whoever
    manages the regency (`permissions.can_edit_contact`); an account outside the regency is a 404."""
    regency = regency_get_for_user(request.user, pk)
    account = users_of_regency(regency).filter(pk=user_pk).first()
    if account is None or not can_edit_contact(request.user, account, regency):
        raise Http404
    form = AccountContactForm.for_account(account, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.user_contact_update(user=account, changed_by=request.user, **form.cleaned_data)
        messages.success(request, f"Nama dan nomor HP akun {account.username} disimpan.")
        return redirect("accounts:regency-accounts", pk=regency.pk)
    return render(request, "accounts/account_edit.html", {"regency": regency, "account": account, "form": form})


def refresh_session_regency(request):
    """After the regency settings change, the editor's own header and clock follow at once."""
    remember_regency(request, request.user)
