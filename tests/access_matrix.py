"""Who may open each URL of the portal: the declarations the access matrix
(tests/jamsostek_portal/test_access_matrix.py) holds every URL to, keyed by URL name.

A declaration says which object each URL argument is (an `int` pk is ambiguous: a regency, a
nominee, a batch…), which roles get the page's normal answer in their own regions on GET and on
POST, and what that answer is. Everyone else — a role without the right, or any role on an object
outside its regions — gets the one uniform 404 of a missing object (never a 403, so "not yours"
looks like "not there"); an anonymous visitor is sent to the login page, or answered 401/403 in JSON
under /api/. A URL added to the portal without a declaration here fails the suite, naming it.

The role groups are accounts/enums.py's, so a change of who may do what changes both the predicate
and this table through the same name; where a page's rule is narrower, the set is written out.
"""

from dataclasses import dataclass, field

from accounts.enums import (
    BPJS_ROLES,
    DECISION_ROLES,
    EXPORT_BATCH_DOWNLOAD_ROLES,
    OFFICE_ROLES,
    PROGRAMME_MANAGER_ROLES,
    REGENCY_ROLES,
    REVIEW_PAGE_ROLES,
    Role,
)

ANONYMOUS = "anonymous"
LOGIN_URL = "/masuk/"

# URL namespaces not walked: Django's admin is its own application behind is_staff (only the
# system administrator has it), with its own login page; test_admin_is_the_system_administrators
# holds that door.
NOT_CHECKED_NAMESPACES = frozenset({"admin"})

EVERYONE = frozenset(Role.values)
SYSADMIN = frozenset({Role.SYSTEM_ADMIN})
# A nominating body's officer (lembaga pengusul) sees no region as such (accounts.scope): only its
# body's list and nominees. Pages of a region or a village are everyone's but its.
BODY_OFFICER = frozenset({Role.INSTITUTION_OFFICER})
IN_REGIONS = EVERYONE - BODY_OFFICER
BODY_OBJECTS = frozenset({"body", "body_nominee"})
ABOVE_VILLAGE = IN_REGIONS - {Role.VILLAGE_OFFICER}
OFFICER = frozenset({Role.VILLAGE_OFFICER})
NOBODY = frozenset()

# How each URL argument other than `pk` is filled (the `pk` of each URL is declared).
ARGUMENT_OBJECTS = {
    "village_pk": "village", "regency_pk": "regency", "programme_pk": "programme", "user_pk": "account",
    "batch_pk": "batch", "token": "token", "region_code": "region_code", "number": "batch_number",
}


@dataclass(frozen=True)
class Access:
    get: frozenset = NOBODY  # roles answered normally on GET, in their regions
    post: frozenset = NOBODY  # roles answered normally on POST, in their regions
    pk: str | None = None  # which object the URL's `pk` is
    get_answer: frozenset = frozenset({200})
    post_answer: frozenset = frozenset({200, 302})
    public: bool = False  # no login needed: everyone, anonymous included, gets the normal answer
    api: bool = False  # anonymous: 401/403 JSON instead of the login redirect
    methods: tuple = ("GET", "POST")  # a method not listed is answered 405 (after the login check)
    scoped: bool = True  # False: the URL names no region or object, there is no "out of scope"
    # What a refused role gets on an object it may see (a refusal told on the object's page);
    # out of its regions it is always the 404.
    refused_in_scope: frozenset = frozenset({404})
    data: object = None  # objects → the POST's form data (default: nothing filled in)
    note: str = field(default="", compare=False)

    def url(self, name: str, objects: dict) -> str:
        from django.urls import reverse

        return reverse(name, kwargs=self.kwargs(name, objects))

    def post_data(self, objects: dict) -> dict:
        return self.data(objects) if self.data else {}

    def kwargs(self, name: str, objects: dict) -> dict:
        values = {}
        for argument in argument_names(name):
            key = self.pk if argument == "pk" else ARGUMENT_OBJECTS[argument]
            if key is None:
                raise AssertionError(f"{name}: declare which object its pk is")
            value = objects[key]
            values[argument] = getattr(value, "pk", value)
        return values


def argument_names(name: str) -> list[str]:
    """The keyword arguments the URL named `name` takes."""
    from django.urls import get_resolver

    resolver = get_resolver()
    namespace, _, short = name.rpartition(":")
    for part in filter(None, namespace.split(":")):
        resolver = resolver.namespace_dict[part][1]
    possibilities = resolver.reverse_dict.getlist(short)
    return list(possibilities[0][0][0][1]) if possibilities else []


@dataclass(frozen=True)
class Expected:
    statuses: frozenset
    login_redirect: bool = False
    refused: bool = False

    def matches(self, response) -> bool:
        if self.login_redirect:
            return response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
        return response.status_code in self.statuses

    def __str__(self):
        return "the login redirect" if self.login_redirect else "/".join(map(str, sorted(self.statuses)))


def expected_answer(access: Access, role: str, scope: str, method: str) -> Expected:
    if access.public:
        return Expected(access.get_answer if method == "GET" else access.post_answer)
    if role == ANONYMOUS:
        if access.api:
            return Expected(frozenset({401, 403}), refused=True)
        return Expected(frozenset({302}), login_redirect=True, refused=True)
    if method not in access.methods:
        return Expected(frozenset({405}), refused=True)
    allowed = access.get if method == "GET" else access.post
    in_scope = scope == "in" or not access.scoped or role == Role.SYSTEM_ADMIN
    if role in BODY_OFFICER and access.scoped and access.pk not in BODY_OBJECTS:
        in_scope = False  # a body's officer has no region: every region's object is out of its scope
    if role in allowed and in_scope:
        return Expected(access.get_answer if method == "GET" else access.post_answer)
    return Expected(access.refused_in_scope if in_scope else frozenset({404}), refused=True)


def page(roles, pk=None, **options) -> Access:
    """A page: POST is answered as GET is (the view does not look at the method)."""
    answer = options.pop("answer", frozenset({200}))
    return Access(get=frozenset(roles), post=frozenset(roles), pk=pk, get_answer=answer, post_answer=answer,
                  **options)


def read_only(roles, pk=None, **options) -> Access:
    """A page or a file behind require_GET: POST is 405 to every logged-in user."""
    return Access(get=frozenset(roles), pk=pk, methods=("GET",), **options)


def form(roles, pk=None, **options) -> Access:
    """A form: GET shows it, POST (nothing filled in, unless `data` is declared) answers it."""
    return Access(get=frozenset(roles), post=frozenset(roles), pk=pk, **options)


def action(roles, pk=None, **options) -> Access:
    """A POST-only action (require_POST): GET is 405 to every logged-in user."""
    return Access(post=frozenset(roles), pk=pk, methods=("POST",), **options)


# A URL whose `token` names an upload waiting for confirmation: the matrix has none, so the page's
# own answer for a token that is not (or no longer) there is the 404 too; who reaches that check
# at all is what the matrix holds (everyone else is refused before it, out of scope included).
STALE = frozenset({404})

ACCESS: dict[str, Access] = {}

ADMINS = frozenset({Role.REGENCY_ADMIN, Role.SYSTEM_ADMIN})
REVIEW_PAGES = REVIEW_PAGE_ROLES | SYSADMIN
PROGRAMME_MANAGERS = PROGRAMME_MANAGER_ROLES | SYSADMIN  # registrations.permissions.can_manage_programmes
IMPORTERS = OFFICE_ROLES | SYSADMIN
COVERAGE_ENTRY = frozenset({Role.REGENCY_ADMIN, Role.REGENCY_APPROVER}) | SYSADMIN  # reports.permissions
EXPORT_LOG = REGENCY_ROLES | SYSADMIN
BPJS_PAGES = EXPORT_BATCH_DOWNLOAD_ROLES | OFFICE_ROLES
ANSWERED = frozenset({200, 302})
REDIRECTED = frozenset({302})


def _decision(objects):
    return {"action": "verify", "seen_status": "submitted"}


def _bulk_decision(objects):
    nominee = objects["nominee"]
    return {"action": "verify", "nominee": [nominee.pk], f"seen-{nominee.pk}": "submitted", "confirmed": "yes"}


ACCESS.update({
    # --- accounts: the door, the start page, the regency's accounts ------------------------------
    "accounts:home": page(EVERYONE, scoped=False, answer=REDIRECTED, note="each role to where its work is"),
    "accounts:login": Access(public=True, get_answer=ANSWERED, post_answer=ANSWERED, scoped=False),
    "accounts:logout": Access(public=True, get_answer=frozenset({405}), post_answer=REDIRECTED, scoped=False),
    "accounts:password-change": form(EVERYONE, scoped=False),
    "accounts:regency-accounts": page(ADMINS, pk="regency"),
    "accounts:regency-village-accounts-create": action(ADMINS, pk="regency"),
    "accounts:regency-village-passwords-reset": action(ADMINS, pk="regency"),
    "accounts:regency-account-password-reset": action(ADMINS, pk="regency"),
    "accounts:regency-account-edit": form(ADMINS, pk="regency"),
    # --- regions ------------------------------------------------------------------------------------
    "villages:index": page(EVERYONE, scoped=False),
    "villages:province-detail": page({Role.PROVINCE_VIEWER, Role.SYSTEM_ADMIN}, pk="province"),
    "villages:regency-detail": page(ABOVE_VILLAGE, pk="regency"),
    "villages:regency-settings-edit": form(ADMINS, pk="regency"),
    "villages:subdistrict-detail": page(ABOVE_VILLAGE, pk="subdistrict"),
    "villages:village-detail": page(IN_REGIONS, pk="village"),
    # --- the village's list (the fixture's nominee is already sent: editing it leads back to the list)
    "registrations:village": page(IN_REGIONS),
    "registrations:nominee-create": form(OFFICER),
    "registrations:village-submit": form(OFFICER),
    "registrations:nominee-update": form(OFFICER, pk="nominee", get_answer=REDIRECTED),
    "registrations:nominee-delete": form(OFFICER, pk="nominee", get_answer=REDIRECTED),
    "registrations:nominee-replace": form(OFFICER, pk="nominee", get_answer=REDIRECTED),
    # The village's confirmation of a continuing programme's members (the officer of the village only).
    "registrations:continuation-confirm": form(OFFICER),
    # --- a nominating body's list (lembaga pengusul; the fixture's body nominee is already sent) -------
    "registrations:body-home": page(BODY_OFFICER, scoped=False, answer=REDIRECTED),
    "registrations:body": page(BODY_OFFICER | REVIEW_PAGES, pk="body"),
    "registrations:body-nominee-create": form(BODY_OFFICER, pk="body"),
    "registrations:body-submit": form(BODY_OFFICER, pk="body"),
    "registrations:body-nominee-update": form(BODY_OFFICER, pk="body_nominee", get_answer=REDIRECTED),
    "registrations:body-nominee-delete": form(BODY_OFFICER, pk="body_nominee", get_answer=REDIRECTED),
    "registrations:regency-bodies": form(PROGRAMME_MANAGERS),
    "registrations:body-manage": form(PROGRAMME_MANAGERS, pk="body"),
    # --- programmes -----------------------------------------------------------------------------------
    "registrations:programme-list": page(ABOVE_VILLAGE),
    "registrations:programme-create": form(PROGRAMME_MANAGERS),
    "registrations:programme-detail": page(ABOVE_VILLAGE, pk="programme"),
    "registrations:programme-edit": form(PROGRAMME_MANAGERS, pk="programme"),
    # An empty quota form is a bad request (400) to those who may send it.
    "registrations:programme-village-quota": action(PROGRAMME_MANAGERS, pk="programme",
                                                    post_answer=frozenset({400})),
    # --- importing nominees (the village's own upload) ----------------------------------------------------
    "registrations:import-template": page(EVERYONE, scoped=False),
    "registrations:import-upload": form(OFFICER),
    "registrations:import-preview": form(OFFICER, get_answer=STALE, post_answer=STALE),
    "registrations:import-confirm": action(OFFICER, post_answer=STALE),
    "registrations:import-result": page(OFFICER, answer=STALE),
    "registrations:import-rejected": page(OFFICER, answer=STALE),
    # The office's list for the whole regency (registrations.permissions.can_import_nominees).
    "registrations:regency-import-upload": form(IMPORTERS, pk="programme"),
    "registrations:regency-import-preview": page(IMPORTERS, pk="programme", answer=STALE),
    "registrations:regency-import-confirm": action(IMPORTERS, pk="programme", post_answer=STALE),
    "registrations:regency-import-result": page(IMPORTERS, pk="programme", answer=STALE),
    "registrations:regency-import-rejected": page(IMPORTERS, pk="programme", answer=STALE),
    # --- review -----------------------------------------------------------------------------------------
    "registrations:review-queue": Access(get=REVIEW_PAGES, post=REVIEW_PAGES, scoped=False,
                                         post_answer=frozenset({303})),
    "registrations:review-village": page(REVIEW_PAGES),
    "registrations:review-village-search": read_only(REVIEW_PAGES),  # the queue's village box (htmx)
    "registrations:review-bulk": action(DECISION_ROLES, post_answer=REDIRECTED, data=_bulk_decision),
    "registrations:nominee-detail": page(IN_REGIONS, pk="nominee"),
    # A verification tried by a role that sees the nominee but may not decide: told so on its page
    # (302 back to it, nothing changed); out of its regions, the 404.
    "registrations:nominee-decide": action(DECISION_ROLES, pk="nominee", post_answer=REDIRECTED,
                                           refused_in_scope=REDIRECTED, data=_decision),
    "registrations:programme-submissions": page(REVIEW_PAGES, pk="programme"),
    "registrations:programme-submissions-export": page(REVIEW_PAGES, pk="programme"),
    # The office's read-only view of a continuing programme's villages (GET only).
    "registrations:programme-continuation": read_only(REVIEW_PAGES, pk="programme"),
    "registrations:audit-events": page(REVIEW_PAGES),
    "registrations:notices": page(EVERYONE, scoped=False),
    "registrations:notices-read": action(EVERYONE, scoped=False, post_answer=REDIRECTED),
    # --- BPJS -------------------------------------------------------------------------------------------
    "registrations:bpjs-regency": page(BPJS_PAGES),
    "registrations:export-batch-list": page(ABOVE_VILLAGE, pk="programme"),
    # GET: the confirmation with the nominees it would take; POST: makes the batch (or says there is nothing).
    "registrations:export-batch-create": form(OFFICE_ROLES, pk="programme", post_answer=REDIRECTED),
    "registrations:export-batch-download": page(EXPORT_BATCH_DOWNLOAD_ROLES),
    "registrations:export-batch-record": page(ABOVE_VILLAGE),
    "registrations:bpjs-layout": form(ADMINS),
    "registrations:bpjs-answer-upload": form(BPJS_ROLES),
    "registrations:bpjs-answer-preview": form(BPJS_ROLES, get_answer=STALE, post_answer=STALE),
    "registrations:bpjs-answer-confirm": action(BPJS_ROLES, post_answer=STALE),
    "registrations:bpjs-answer-result": page(BPJS_ROLES, answer=STALE),
    # --- membership: BPJS's participant file (the same people as the answer file) ------------------------
    "membership:participant-upload": form(BPJS_ROLES),
    "membership:participant-preview": page(BPJS_ROLES, answer=STALE),
    "membership:participant-confirm": action(BPJS_ROLES, post_answer=STALE),
    "membership:participant-result": page(BPJS_ROLES, answer=STALE),
    # --- coverage ---------------------------------------------------------------------------------------
    "reports:province-detail": read_only({Role.PROVINCE_VIEWER, Role.SYSTEM_ADMIN}, pk="province"),
    "reports:regency-detail": read_only(ABOVE_VILLAGE, pk="regency"),
    "reports:regency-summary": read_only(ABOVE_VILLAGE, pk="regency"),  # the dashboard on one page
    "reports:target-edit": form(COVERAGE_ENTRY, pk="regency"),
    "reports:figure-list": page(COVERAGE_ENTRY, pk="regency"),
    "reports:figure-template": read_only(COVERAGE_ENTRY, pk="regency"),
    "reports:figure-import": form(COVERAGE_ENTRY, pk="regency"),
    "reports:figure-import-preview": read_only(COVERAGE_ENTRY, pk="regency", get_answer=STALE),
    "reports:figure-import-confirm": action(COVERAGE_ENTRY, pk="regency", post_answer=STALE),
    "reports:subdistrict-detail": read_only(ABOVE_VILLAGE, pk="subdistrict"),
    "reports:denominator-edit": form(COVERAGE_ENTRY, pk="subdistrict"),
    # --- exports (the fixture's export: a masked file the regency admin asked for) ---------------------
    "reports:nominative-village": read_only(IN_REGIONS, pk="village"),
    "reports:nominative-subdistrict": read_only(ABOVE_VILLAGE, pk="subdistrict"),
    "reports:nominative-regency": read_only(ABOVE_VILLAGE, pk="regency"),
    "reports:coverage-recap": read_only(ABOVE_VILLAGE, pk="regency"),
    "reports:export-log": read_only(EXPORT_LOG, pk="regency"),
    # reports.permissions.can_open_export: the requester, or regency staff who see the same (masked) NIKs.
    "reports:export-status": read_only({Role.REGENCY_ADMIN, Role.REGENCY_VIEWER}, pk="export"),
    "reports:export-download": read_only({Role.REGENCY_ADMIN, Role.REGENCY_VIEWER}, pk="export"),
    # --- membership: benefit claims (membership.claims.permissions) -------------------------------------
    "membership:claim-list": read_only(ABOVE_VILLAGE),
    # GET: the member search; POST (nothing filled in): the search again, with its error.
    "membership:claim-create": form(BPJS_ROLES),
    "membership:claim-import-upload": form(BPJS_ROLES),
    "membership:claim-import-preview": read_only(BPJS_ROLES, get_answer=STALE),
    "membership:claim-import-confirm": action(BPJS_ROLES, post_answer=STALE),
    "membership:claim-import-result": read_only(BPJS_ROLES, get_answer=STALE),
    # The nominee page's claims part (htmx): empty for those who see the nominee but not claims.
    "membership:nominee-claims": read_only(EVERYONE, pk="nominee"),
    # --- the API (session or token; JSON; GET only) ------------------------------------------------------
    "api:region-list": read_only(EVERYONE, api=True, scoped=False),
    "api:coverage-detail": read_only(ABOVE_VILLAGE, api=True),
    "api:coverage-history": read_only(ABOVE_VILLAGE, api=True),
    "api:coverage-children": read_only(ABOVE_VILLAGE, api=True),
    "api:export-batch-list": read_only(EVERYONE, api=True, scoped=False),
    "api:export-batch-detail": read_only(ABOVE_VILLAGE, api=True),
    "api:schema": read_only(EVERYONE, api=True, scoped=False),
    "api:docs": read_only(EVERYONE, api=True, scoped=False),
    "api:redoc": read_only(EVERYONE, api=True, scoped=False),
    # --- the rest ---------------------------------------------------------------------------------------
    "job-status": read_only(ADMINS, pk="job", note="the requester's (the fixture's job: the regency admin's)"),
    "healthz": Access(public=True, get_answer=frozenset({200}), post_answer=frozenset({405}), scoped=False),
})

# --- membership: a programme's budget and premium bills (membership.permissions.can_manage_budget:
# the office that pays writes; everyone who reads the programme page reads the budget page) ---------
BUDGET_MANAGERS = OFFICE_ROLES | SYSADMIN
ACCESS.update({
    "membership:budget-detail": read_only(ABOVE_VILLAGE, pk="programme"),
    "membership:budget-recap": read_only(ABOVE_VILLAGE, pk="programme"),
    "membership:budget-entry-create": form(BUDGET_MANAGERS, pk="programme"),
    "membership:bill-record": form(BUDGET_MANAGERS, pk="programme"),
    "membership:bill-import": form(BUDGET_MANAGERS, pk="programme"),
    "membership:bill-import-template": read_only(BUDGET_MANAGERS, pk="programme"),
    "membership:bill-import-preview": read_only(BUDGET_MANAGERS, pk="programme", get_answer=STALE),
    "membership:bill-import-confirm": action(BUDGET_MANAGERS, pk="programme", post_answer=STALE),
})
