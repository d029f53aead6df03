"""The regency's review pages: the queue across the regency, one village's list with the checks
beside each person, and the bulk decision both post to (issue "Review and approval").

Who: `permissions.can_see_review_pages` reads (reviewers, approvers, the regency admin, the
bupati's viewer, the system administrator); anyone else gets a 404, as for a missing programme.
Only `can_decide_in` sees the checkboxes and the decision controls, and the workflow checks every
nominee again (role, regency, approval steps, four eyes, the status the person saw).

The queue's filter form is POSTed and answered with a redirect (303) to the GET URL of the
filters, a NIK typed in the search box turned into its keyed hash on the way: a NIK must never be
in a URL, since the access logs of nginx and gunicorn are outside our log masking.

Statuses change in the workflow only; the pages parse, call decisions.decision_start once, and say
what happened in words ("7 calon diverifikasi.", and who could not be changed, and why), or, for
a decision over more than settings.DECISION_INLINE_MAX_ROWS nominees, send the person to the
progress page of the job that makes it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can_manage_regency
from accounts.scope import region_scope
from accounts.selectors import approval_shortfall
from common.jobs import job_url
from common.links import url_for_each
from common.models import Job
from common.replays import shown_at
from registrations import selectors, workflow
from registrations.checks import review_checks
from registrations.enums import Action, ReviewReason
from registrations.enums import NomineeStatus as S
from registrations.identifiers import identifiers_visible, shown_nik
from registrations.nik import nik_search_hash
from registrations.permissions import can_decide_in, can_see_review_pages, works_in_review
from villages.models import Regency

from . import decisions
from .forms import ALL_STATUSES, BulkDecisionForm, ReviewFilterForm, village_label

PAGE_SIZE = 50
# The whole-village buttons: only the decisions that need no reason per person.
WHOLE_VILLAGE_ACTIONS = (Action.VERIFY, Action.APPROVE)


def _default_status(user, programme) -> str:
    """What waits for this person: verified nominees for an approver (two steps), submitted ones
    for a reviewer or a one-step office; everything for those who only read."""
    for action in (Action.APPROVE, Action.VERIFY):
        states = selectors.action_from_states(user, programme, action)
        if states:
            return states[0]
    return ALL_STATUSES


def _queue_programme(request, programmes):
    """The programme the queue shows: ?programme=, else the current one of the user's regency,
    else the newest. None when the user's regency has no programme yet."""
    wanted = request.GET.get("programme")
    if wanted:
        programme = next((p for p in programmes if str(p.pk) == wanted), None)
        if programme is None:
            raise Http404("Program tidak ditemukan.")
        return programme
    if not programmes:
        return None
    if len({p.regency_id for p in programmes}) == 1:
        # All of that regency's programmes are loaded (newest first): no query to find the current one.
        return selectors.current_among(programmes)
    return programmes[0]


def _may_review_somewhere(user) -> bool:
    scope = region_scope(user)
    return can_see_review_pages(user, Regency()) if scope.everything else any(
        can_see_review_pages(user, Regency(pk=regency_id)) for regency_id in scope.regency_ids)


def _shortfall_context(user, programme, shortfall, blocked_count: int) -> dict:
    """The warning a regency short of approvers gets on its review pages (accounts.selectors.
    approval_shortfall): what is stuck, how many, and, for whoever can change it, the way to the
    settings."""
    return {"shortfall": shortfall, "blocked_count": blocked_count,
            "can_manage_regency": can_manage_regency(user, programme.regency)}


def _decision_form(user, programme):
    """The bulk form with only the decisions this person may take here; None if there are none."""
    actions = selectors.review_actions_for(user, programme)
    if not actions:
        return None
    form = BulkDecisionForm()
    form.fields["action"].choices = [(action, Action(action).label) for action in actions]
    return form


def _rows(user, programme, nominees) -> list[dict]:
    checks = review_checks(programme, nominees, scope=region_scope(user))
    full = identifiers_visible(user)
    return [{"nominee": n, "nik": shown_nik(n, full=full), "checks": checks[n.pk]} for n in nominees]


def _queue_rows(user, programme, nominees) -> list[dict]:
    """The queue's rows: `_rows`, with what the table shows read once per row as plain values (the
    template engine pays for every step through a relation), and what each row repeats made once
    per page: its two links from one reverse() each, its status label from one lookup
    (get_status_display rebuilds the choices on every call: a sixth of the table's time)."""
    nominee_url = url_for_each("registrations:nominee-detail")
    village_url = url_for_each("registrations:review-village", programme.pk)
    status_labels = {status: str(label) for status, label in S.choices}
    rows = _rows(user, programme, nominees)
    for row in rows:
        nominee = row["nominee"]
        village = nominee.village
        row.update(pk=nominee.pk, full_name=nominee.full_name, status=nominee.status,
                   status_label=status_labels[nominee.status], status_changed_at=nominee.status_changed_at,
                   url=nominee_url(nominee.pk), village_url=village_url(nominee.village_id), village_name=village.name,
                   subdistrict_name=village.subdistrict.name, occupation_name=nominee.occupation.name,
                   nominating_body_id=nominee.nominating_body_id)
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def queue(request):
    """"Verifikasi usulan": the programme's nominees across the regency, filtered and paged.
    A POST (the filter form) is answered with a redirect to the GET URL of its filters."""
    user = request.user
    programmes = selectors.review_programmes(user)
    if not programmes and not _may_review_somewhere(user):
        raise Http404("Halaman tidak ditemukan.")
    if request.method == "POST":
        return _filters_redirect(request.POST)
    if nik_search_hash(request.GET.get("q", "")):
        # An old link or a hand-typed URL: this request is logged already, but the NIK goes no
        # further (pagination links, `next`, the browser's address bar).
        return _filters_redirect(request.GET)
    programme = _queue_programme(request, programmes)
    if programme is None:
        return render(request, "registrations/review_queue.html", {"programme": None})

    default_status = _default_status(user, programme)
    data = request.GET.copy()
    data.setdefault("status", default_status)
    data.setdefault("programme", str(programme.pk))
    form = ReviewFilterForm(data, programme=programme)
    form.is_valid()
    filters = form.filters()
    counts = selectors.review_status_counts(user, programme, filters)
    paginator = Paginator(selectors.review_queue_pks(user, programme, filters), PAGE_SIZE)
    # The total is in the counts already (the status filter's own count): no second COUNT(*).
    paginator.count = counts[filters.status] if filters.status else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    nominees = selectors.review_queue_rows(page.object_list, filters)
    can_decide = can_decide_in(user, programme.regency)
    shortfall = approval_shortfall(programme.regency)
    blocked = selectors.nominees_blocked_count(programme, shortfall) if shortfall else 0
    return render(request, "registrations/review_queue.html", {
        **_shortfall_context(user, programme, shortfall, blocked),
        "programme": programme,
        "programmes": programmes,
        "several_regencies": len({p.regency_id for p in programmes}) > 1,
        "form": form,
        "page": page,
        "rows": _queue_rows(user, programme, nominees),
        "status_links": _status_links(request, programme, counts, filters.status),
        "total": sum(counts.values()),
        "shown_status": S(filters.status).label if filters.status else None,
        "status_is_default": "status" not in request.GET,
        "querystring": _without(request.GET, "page"),
        "nik_search": "nik" in request.GET,
        "without_nik_search": _without(request.GET, "page", "nik"),
        "decision_form": _decision_form(user, programme) if can_decide else None,
        "village_choice": _village_choice(form, page, len(nominees), data) if can_decide else None,
        "next": request.get_full_path(),
    })


def _village_choice(form, page, shown: int, data) -> dict | None:
    """"Pilih semua N calon di desa ini": when the queue is filtered to one village and it does not
    fit on one page, the decision can cover all of them (the village's pk and the queue's filters
    go with it, views.bulk_decide picks the nominees again). None otherwise."""
    village = getattr(form, "cleaned_data", {}).get("village")
    if village is None or page.paginator.count <= shown:
        return None
    filters = data.copy()
    filters.pop("page", None)
    return {"village": village, "count": page.paginator.count, "filters": filters.urlencode()}


@login_required
@require_GET
def village_suggestions(request, programme_pk):
    """The queue's village box, as the reviewer types (htmx): <option>s for its <datalist>, the
    villages of the programme's regency in the user's scope whose name or code matches."""
    programme = selectors.review_programme_get(request.user, programme_pk)
    villages = selectors.review_village_suggestions(request.user, programme, request.GET.get("village", ""))
    return render(request, "registrations/review_village_options.html",
                  {"options": [village_label(village) for village in villages]})


def _filters_redirect(data) -> HttpResponseRedirect:
    """303 to the queue's GET URL with the filters in `data`: known filters only, empty ones left
    out, a NIK typed in the search box replaced by its keyed hash (`nik`, not reversible)."""
    params = QueryDict(mutable=True)
    for name in ReviewFilterForm.base_fields:
        if value := data.get(name, "").strip():
            params[name] = value
    if "q" in params:
        params.pop("nik", None)  # a new search replaces the NIK search before it
        if nik_hash := nik_search_hash(params["q"]):
            params["nik"] = nik_hash
            del params["q"]
    query = params.urlencode()
    return HttpResponseRedirect(f"{reverse('registrations:review-queue')}{'?' if query else ''}{query}", status=303)


def _without(query, *keys) -> str:
    params = query.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


def _status_links(request, programme, counts, current) -> list[dict]:
    """"Dikirim ke kabupaten (12)", … : one link per status present, keeping the other filters."""
    links = []
    for status, label in [(ALL_STATUSES, "Semua status"), *S.choices]:
        count = sum(counts.values()) if status == ALL_STATUSES else counts[status]
        if status != ALL_STATUSES and not count:
            continue
        params = request.GET.copy()
        params.pop("page", None)
        params["status"] = status
        params.setdefault("programme", str(programme.pk))
        links.append({"label": label, "count": count, "url": f"?{params.urlencode()}",
                      "current": (current or ALL_STATUSES) == status})
    return links


@login_required
def village(request, programme_pk, village_pk):
    """One village's whole list for a programme, each person beside the checks, with the village's
    submission (when, by whom, the musdes minutes) and "whole village" decisions."""
    user = request.user
    programme = selectors.review_programme_get(user, programme_pk)
    village = selectors.review_village_get(user, programme, village_pk)
    nominees = selectors.review_village_nominees(user, programme, village)
    verifiers = workflow.last_verifiers(nominees)
    rows = _rows(user, programme, nominees)
    can_decide = can_decide_in(user, programme.regency)
    may_approve = can_decide and bool(selectors.action_from_states(user, programme, Action.APPROVE))
    shortfall = approval_shortfall(programme.regency)
    for row in rows:
        row["verified_by"] = verifiers.get(row["nominee"].pk)
        # Four eyes, said before the approver tries: the workflow refuses it anyway.
        row["needs_other_approver"] = may_approve and bool(
            workflow.four_eyes_refusal(row["nominee"], user, verifiers=verifiers))
        # … and when no other approver exists, nobody can: said to everyone who reads the page.
        row["approval_blocked"] = workflow.approval_blocked(row["nominee"], shortfall=shortfall, verifiers=verifiers)
    counts = {}
    for nominee in nominees:
        counts[nominee.status] = counts.get(nominee.status, 0) + 1
    return render(request, "registrations/review_village.html", {
        **_shortfall_context(user, programme, shortfall, sum(bool(row["approval_blocked"]) for row in rows)),
        "programme": programme,
        "village": village,
        "rows": rows,
        "full_identifiers": identifiers_visible(user),
        "status_counts": [(label, counts[status]) for status, label in S.choices if status in counts],
        "submission": selectors.village_submission(programme, village),
        "decision_form": _decision_form(user, programme) if can_decide else None,
        "select_all_label": f"Pilih semua calon {village.get_kind_display().lower()} ini ({len(rows)})",
        "whole_village": _whole_village_buttons(user, programme, counts) if can_decide else [],
        "next": request.get_full_path(),
        "queue_url": f"{reverse('registrations:review-queue')}?programme={programme.pk}",
        # The regent's office viewer reads this page too (from the submission tracking): for it the
        # page is the village's list under the coverage dashboard, not a step of the review.
        "works_in_review": works_in_review(user, programme.regency),
    })


def _whole_village_buttons(user, programme, counts) -> list[dict]:
    """"Setujui semua yang terverifikasi (7)": the statuses each decision applies to, counted."""
    buttons = []
    for action in WHOLE_VILLAGE_ACTIONS:
        states = [s for s in selectors.action_from_states(user, programme, action) if counts.get(s)]
        if states:
            count = sum(counts[s] for s in states)
            which = " atau ".join(str(S(s).label) for s in states)
            buttons.append({"action": action, "count": count,
                            "label": f"{str(Action(action).label).capitalize()} semua yang {which} ({count})"})
    return buttons


# The confirmation page names this many people; the rest are counted.
CONFIRM_NAMES_SHOWN = 50


@login_required
@require_POST
def bulk_decide(request, programme_pk):
    """One decision on the ticked nominees (`nominee`, each with `seen-<pk>`) or on every nominee of
    a village it applies to (`village`; from the queue with its `filters`, only those the queue's
    filters show). Out-of-scope pks are ignored; each refusal is reported.

    Two steps: the first POST only shows what would happen (how many, who, which decision, the
    reason) on a confirmation page, whose form sends the same fields again with `confirmed`; only
    that second POST decides. A bulk decision touches tens or thousands of people at once, and a
    browser's confirm() is no check the server can rely on."""
    user = request.user
    programme = selectors.review_programme_get(user, programme_pk)
    if not can_decide_in(user, programme.regency):
        # Staff who may read but not decide: 404 like everything else that is not theirs to do.
        raise Http404("Halaman tidak ditemukan.")
    back = _next_url(request, programme)
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, "Keputusan belum disimpan: " + " ".join(errors))
        return redirect(back)

    action = form.cleaned_data["action"]
    village = None
    if form.cleaned_data["village"]:
        village = selectors.review_village_get(user, programme, form.cleaned_data["village"])
        targets = selectors.village_action_targets(user, programme, village, action,
                                                   filters=_posted_filters(request.POST, programme))
        names = {nominee.pk: nominee.full_name for nominee in targets}
        seen = {nominee.pk: nominee.status for nominee in targets}
    else:
        names = selectors.review_selection(user, programme, _pks(request.POST.getlist("nominee")))
        seen = {pk: request.POST[f"seen-{pk}"] for pk in names if request.POST.get(f"seen-{pk}") in S.values}
    since = shown_at(request.POST)
    if not names:
        # A replayed whole-village decision finds nothing left: say what the first one did.
        already = since and village and selectors.nominees_decided_since(
            user=user, target=workflow.ACTION_TARGETS[action], since=since, programme=programme, village=village)
        if already:
            messages.info(request, decisions.replay_message(already, action))
        else:
            messages.warning(request, "Tidak ada calon yang diputuskan: centang dulu calon yang dimaksud.")
        return redirect(back)
    if request.POST.get("confirmed") != "yes":
        return _confirmation(request, programme, form, village=village, names=names, back=back)

    outcome = decisions.decision_start(user=user, programme=programme, action=action, names=names, seen=seen,
                                       reason_code=form.cleaned_data["reason_code"],
                                       reason=form.cleaned_data["reason"], return_url=back)
    if isinstance(outcome, Job):
        return redirect(job_url(outcome))
    already = {}
    if since and outcome.refused:
        # The same form sent twice: what the first sending decided is no refusal of the second.
        already = selectors.nominees_decided_since(user=user, target=workflow.ACTION_TARGETS[action], since=since,
                                                   nominee_pks=[pk for pk, _ in outcome.refused])
        outcome.refused = [(pk, why) for pk, why in outcome.refused if pk not in already]
    done, refused = decisions.decision_messages(outcome, names, action)
    if done:
        messages.success(request, done)
    if already:
        messages.info(request, decisions.replay_message(already, action))
    if refused:
        messages.warning(request, refused)
    return redirect(back)


def _posted_filters(data, programme) -> selectors.ReviewFilters | None:
    """The queue's filters a "pilih semua di desa ini" decision was made under (`filters`, the
    queue's query string), so it covers what the queue showed; None from the village page."""
    if "filters" not in data:
        return None
    form = ReviewFilterForm(QueryDict(data["filters"]), programme=programme)
    form.is_valid()
    return form.filters()


def _confirmation(request, programme, form, *, village, names: dict[int, str], back: str):
    """The page that asks before a bulk decision: what, on how many, who (the first
    CONFIRM_NAMES_SHOWN by name), the reason; its form posts the same fields with `confirmed`."""
    action = form.cleaned_data["action"]
    reason_code = form.cleaned_data["reason_code"]
    carried = [(key, value) for key in request.POST if key not in ("csrfmiddlewaretoken", "confirmed", "shown")
               for value in request.POST.getlist(key)]
    shown = sorted(names.values(), key=str.casefold)
    return render(request, "registrations/review_bulk_confirm.html", {
        "programme": programme,
        "village": village,
        "action_label": Action(action).label,
        "done_word": decisions.DONE[action],
        "count": len(names),
        "names": shown[:CONFIRM_NAMES_SHOWN],
        "more": max(0, len(shown) - CONFIRM_NAMES_SHOWN),
        "reason_label": ReviewReason(reason_code).label if reason_code else "",
        "reason": form.cleaned_data["reason"],
        "carried": carried,
        "back": back,
        "as_job": len(names) > settings.DECISION_INLINE_MAX_ROWS,
    })


def _pks(values) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def _next_url(request, programme) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return f"{reverse('registrations:review-queue')}?programme={programme.pk}"
