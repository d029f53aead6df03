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


# The level of region a role is assigned to; a role's scope is everything below its regions.
VILLAGE_ROLES = frozenset({Role.VILLAGE_OFFICER})
REGENCY_ROLES = frozenset({
    Role.REGENCY_ADMIN, Role.REGENCY_REVIEWER, Role.REGENCY_APPROVER, Role.REGENCY_VIEWER, Role.BPJS_OFFICER,
})
PROVINCE_ROLES = frozenset({Role.PROVINCE_VIEWER})
UNSCOPED_ROLES = frozenset({Role.SYSTEM_ADMIN})
