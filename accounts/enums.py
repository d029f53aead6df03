from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VILLAGE_OFFICER = "village_officer", _("Operator desa/kelurahan")
    REGENCY_ADMIN = "regency_admin", _("Admin kabupaten/kota")
    REGENCY_REVIEWER = "regency_reviewer", _("Verifikator dinas")
    REGENCY_APPROVER = "regency_approver", _("Penyetuju dinas")
    REGENCY_VIEWER = "regency_viewer", _("Pemantau (kantor bupati/wali kota)")
    BPJS_OFFICER = "bpjs_officer", _("Petugas BPJS Ketenagakerjaan")
    PROVINCE_VIEWER = "province_viewer", _("Pemantau provinsi")
    SYSTEM_ADMIN = "system_admin", _("Administrator sistem")
    INSTITUTION_OFFICER = "institution_officer", _("Operator lembaga pengusul")


# The level of region a role is assigned to; a role's scope is everything below its regions.
VILLAGE_ROLES = frozenset({Role.VILLAGE_OFFICER})
REGENCY_ROLES = frozenset({
    Role.REGENCY_ADMIN, Role.REGENCY_REVIEWER, Role.REGENCY_APPROVER, Role.REGENCY_VIEWER, Role.BPJS_OFFICER,
})
PROVINCE_ROLES = frozenset({Role.PROVINCE_VIEWER})
# An office or institution that nominates beside the villages (lembaga pengusul: the election
# commission's ad hoc officers, Kemenag's marbot, the health office's cadres). Its officer is
# assigned to the regency (its office name and time zone frame the pages) and bound to one body
# (registrations.BodyOfficer); it sees no region as such, only its body's nominees (accounts.scope).
INSTITUTION_ROLES = frozenset({Role.INSTITUTION_OFFICER})
# Role.SYSTEM_ADMIN has no region: it sees everything (User.is_system_admin, accounts.scope).

# --- Role groups: who does what, in one place (the predicates in each app's permissions.py and
# the workflow's transition table read these). ---------------------------------------------------

# The regency's reviewers and approvers: they decide on nominees (workflow.TRANSITIONS), work in
# the review queue and are told when a village sends its list. Every other group that holds both
# is built on this one.
DECISION_ROLES = frozenset({Role.REGENCY_REVIEWER, Role.REGENCY_APPROVER})

# Who approves (workflow.TRANSITIONS: verified → approved, reopen). With two approval steps a
# regency needs two of them, or an approver's own verifications wait for nobody
# (accounts.selectors.approval_shortfall).
APPROVE_ROLES = frozenset({Role.REGENCY_APPROVER})

# The office staff who chase villages and call people (submission tracking's WhatsApp links) and
# so see an account's phone number in full (accounts.permissions.can_see_phone_numbers); the
# others, the system administrator and the regent's office included, see it masked.
CONTACT_ROLES = DECISION_ROLES | {Role.REGENCY_ADMIN}

# Roles that work with the person, not the statistics, and so see NIK and KK in full.
FULL_IDENTIFIER_ROLES = DECISION_ROLES | {
    Role.VILLAGE_OFFICER, Role.INSTITUTION_OFFICER, Role.REGENCY_ADMIN, Role.BPJS_OFFICER,
}

# Regency staff who read the review pages (queue, village review, nominee page, submission
# tracking, the event export); deciding is workflow.TRANSITIONS' business.
REVIEW_PAGE_ROLES = DECISION_ROLES | {Role.REGENCY_ADMIN, Role.REGENCY_VIEWER}

# Regency staff who work the review: the header's "Antrean verifikasi", and the coverage pages lead
# them from a village into its review page. The regent's office viewer may read the review pages
# (REVIEW_PAGE_ROLES) but reviews nothing: like the province viewer and the BPJS officer, it is led
# to the village's own read-only list, under the coverage dashboard (registrations.permissions.
# works_in_review).
REVIEW_WORK_ROLES = DECISION_ROLES | {Role.REGENCY_ADMIN}

# Accounts whose password only the system administrator resets (accounts.permissions.can_reset_password):
# the decision roles and the regency admin. A regency admin who could reset both a reviewer's and an
# approver's password, and read both new passwords, could verify and approve as two people and defeat
# four eyes (workflow.four_eyes_refusal). Village officers, the regent's office viewer and the BPJS
# officer stay with the regency admin: their accounts give the admin no right the admin lacks.
RESET_BY_SYSTEM_ADMIN_ROLES = DECISION_ROLES | {Role.REGENCY_ADMIN}

# Who sets up programmes (create, edit, village quotas): the regency admin only (and the system
# administrator, registrations.permissions.can_manage_programmes). A programme's age limits,
# window and quotas are the rules the reviewers and approvers check nominees against: those who
# decide on nominees do not also set the rules of their own decisions (the same four-eyes reasoning
# as RESET_BY_SYSTEM_ADMIN_ROLES). Reviewers and approvers read the programmes.
PROGRAMME_MANAGER_ROLES = frozenset({Role.REGENCY_ADMIN})

# The office that pays hands nominees over to BPJS and ends memberships (workflow.TRANSITIONS).
OFFICE_ROLES = frozenset({Role.REGENCY_ADMIN, Role.REGENCY_APPROVER})

# A batch file holds NIKs in clear: the regency's staff who see full identifiers and the BPJS branch.
EXPORT_BATCH_DOWNLOAD_ROLES = DECISION_ROLES | {Role.REGENCY_ADMIN, Role.BPJS_OFFICER}

# BPJS's answers (registered, refused, active, lapsed): the branch, or the office importing its file.
BPJS_ROLES = frozenset({Role.BPJS_OFFICER, Role.REGENCY_ADMIN})
