"""One nominee's page (data, checks, timeline, decision form) and its one decision.

Scope: selectors.nominee_get_for_user (404 for missing and out of scope alike), so a village
officer sees their own village's nominees and regency staff their regency's. What each person
sees on the page: full identifiers per identifiers.identifiers_visible, the review checks per
can_see_review_pages, the decision buttons per workflow.available_actions. Deciding is
workflow.nominee_decide's business: a POST by someone who may see the nominee but not decide gets
the workflow's refusal as a message, never a 403 or a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.enums import Role
from accounts.permissions import can_manage_regency
from accounts.scope import region_scope
from accounts.selectors import approval_shortfall
from common.access_log import reveal_record
from common.formatting import format_rupiah
from common.replays import shown_at
from registrations import selectors, workflow
from registrations.checks import review_checks
from registrations.enums import Action, NomineeStatus
from registrations.identifiers import birth_label, identifiers_visible, shown_birth, shown_kk, shown_nik
from registrations.models import Nominee
from registrations.permissions import can_edit_nominee, can_see_review_pages, works_in_review
from registrations.timeline import nominee_timeline

from .decisions import DONE as BULK_DONE
from .forms import DecisionForm, EndForm

# "Budi Santoso diverifikasi." — what the person reads after each decision.
DONE = {
    Action.VERIFY: "{name} diverifikasi.",
    Action.APPROVE: "{name} disetujui.",
    Action.RETURN: "{name} dikembalikan ke desa untuk diperbaiki.",
    Action.REJECT: "{name} ditolak.",
    Action.REOPEN: "{name} dibuka kembali dan masuk lagi ke antrean verifikasi.",
    Action.END: "Kepesertaan {name} dihentikan.",
}
# "X sudah disetujui": the same decisions said of a form sent twice.
_DONE_WORD = {**BULK_DONE, Action.END: "dihentikan kepesertaannya"}
# Return and reject need a reason from the list: the select shows only when one of them is offered.
_NEEDS_REASON_CODE = frozenset({Action.RETURN, Action.REJECT})


@login_required
def detail(request, pk):
    nominee = selectors.nominee_get_for_user(request.user, pk)
    return _page(request, nominee)


@login_required
@require_POST
def decide(request, pk):
    """One decision (or the end of a membership) on one nominee, against the status the person saw."""
    nominee = selectors.nominee_get_for_user(request.user, pk)
    action = request.POST.get("action", "")
    is_end = action == Action.END
    form = EndForm(request.POST, auto_id="end_%s") if is_end else DecisionForm(request.POST)
    if not form.is_valid():
        offered = (workflow.can_act(request.user, nominee, Action.END) if is_end
                   else workflow.available_actions(request.user, nominee))
        if not offered:  # no form on this person's page to show the errors in
            messages.error(request, f"Anda tidak berwenang mengubah status {nominee.full_name}.")
            return redirect("registrations:nominee-detail", pk=nominee.pk)
        # Shown again with the errors and what was typed; nothing changed.
        bound = {"end_form": form} if is_end else {"decision_form": form}
        return _page(request, nominee, **bound)
    # The status the page showed; without a known one the workflow checks only the rules.
    seen_status = request.POST.get("seen_status", "")
    try:
        decided = workflow.nominee_decide(
            nominee=nominee, action=action, actor=request.user, reason_code=form.cleaned_data["reason_code"],
            reason=form.cleaned_data["reason"],
            seen_status=seen_status if seen_status in NomineeStatus.values else None,
        )
    except workflow.TransitionError as error:
        since = shown_at(request.POST)
        if since and action in _DONE_WORD and selectors.nominees_decided_since(
                user=request.user, target=workflow.ACTION_TARGETS[action], since=since, nominee_pks=[nominee.pk]):
            # The same form sent twice (common.replays): the first sending made this decision.
            messages.info(request, f"{nominee.full_name} sudah {_DONE_WORD[action]} oleh kiriman pertama Anda; "
                                   "kiriman kedua tidak mengubah apa-apa.")
        else:
            messages.error(request, str(error))
    else:
        messages.success(request, DONE[action].format(name=decided.full_name))
    return redirect("registrations:nominee-detail", pk=nominee.pk)


def _page(request, nominee: Nominee, *, decision_form=None, end_form=None):
    user = request.user
    regency = nominee.village.subdistrict.regency
    is_staff = can_see_review_pages(user, regency)
    full_identifiers = identifiers_visible(user)
    if full_identifiers:  # the page shows NIK and KK in full: a reveal, logged like an export
        reveal_record(requested_by=user, regency=regency, village=nominee.village, nominee_id=nominee.pk)
    actions = workflow.available_actions(user, nominee)
    can_end = workflow.can_act(user, nominee, Action.END)
    # Verified, and nobody left who may approve it (the only approver verified it): said to staff.
    blocked = (workflow.approval_blocked(nominee, shortfall=approval_shortfall(regency))
               if is_staff and nominee.status == NomineeStatus.VERIFIED else "")
    context = {
        "nominee": nominee,
        "regency": regency,
        "is_staff": is_staff,
        # The breadcrumb: the review for those who work it, else the way back to the coverage
        # dashboard for those above the village (templates/registrations/includes_dashboard_crumbs.html).
        "works_in_review": works_in_review(user, regency),
        "from_dashboard": user.role != Role.VILLAGE_OFFICER,
        "full_identifiers": full_identifiers,
        "nik": shown_nik(nominee, full=full_identifiers),
        # Shown only with full identifiers (the template): others see no KK at all.
        "kk": shown_kk(nominee, full=full_identifiers),
        "birth_label": birth_label(full=full_identifiers),
        "birth": shown_birth(nominee, full=full_identifiers, today=timezone.localdate()),
        "income_label": format_rupiah(nominee.monthly_income),
        # The village review page's checks include reads `row.checks`.
        "approval_blocked": blocked,
        "can_manage_regency": can_manage_regency(user, regency),
        "checks_row": {"checks": review_checks(nominee.programme, [nominee], scope=region_scope(user))[nominee.pk]}
        if is_staff else None,
        "replaces": nominee.replaces,
        "replaced_by": getattr(nominee, "replaced_by", None),
        "timeline": nominee_timeline(nominee, full_identifiers=full_identifiers),
        "can_edit": can_edit_nominee(user, nominee),
        "actions": [(action, Action(action).label) for action in actions],
        "decision_form": (decision_form or DecisionForm()) if actions else None,
        "asks_reason_code": bool(_NEEDS_REASON_CODE.intersection(actions)),
        "end_form": (end_form or EndForm(auto_id="end_%s")) if can_end else None,
    }
    return render(request, "registrations/nominee_detail.html", context)
