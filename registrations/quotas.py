"""The quota rule: N per village (overridable per village), one regency-wide total, or none.
Only nominees in ACTIVE_STATES take a place."""

from __future__ import annotations

from django.db.models import Sum

from villages.models import Village

from .enums import ACTIVE_STATES, QuotaRule
from .models import Nominee, Programme, VillageQuota


def village_quota(programme: Programme, village: Village) -> int | None:
    """The number of places the village has; None when the village has no limit of its own."""
    if programme.quota_rule != QuotaRule.PER_VILLAGE:
        return None
    override = VillageQuota.objects.filter(programme=programme, village=village).values_list("quota", flat=True).first()
    return programme.quota_per_village if override is None else override


def programme_quota_total(programme: Programme) -> int | None:
    """All places in the programme; None for a programme without quota."""
    if programme.quota_rule == QuotaRule.NONE:
        return None
    if programme.quota_rule == QuotaRule.REGENCY_TOTAL:
        return programme.quota_total
    villages = Village.objects.filter(subdistrict__regency_id=programme.regency_id, is_retired=False)
    overrides = VillageQuota.objects.filter(programme=programme, village__in=villages)
    override_sum = overrides.aggregate(total=Sum("quota"))["total"] or 0
    return (villages.count() - overrides.count()) * programme.quota_per_village + override_sum


def places_taken(programme: Programme, village: Village | None = None) -> int:
    nominees = Nominee.objects.filter(programme=programme, status__in=ACTIVE_STATES)
    if village is not None:
        nominees = nominees.filter(village=village)
    return nominees.count()


def quota_full_message(programme: Programme, village: Village) -> str | None:
    """Why one more nominee does not fit, or None when it does. Call it with the lock held
    (services._lock_quota), or two officers may both take the last place."""
    if programme.quota_rule == QuotaRule.PER_VILLAGE:
        quota = village_quota(programme, village)
        taken = places_taken(programme, village)
        if taken >= quota:
            return (f"Kuota desa sudah penuh ({taken} dari {quota}). Ganti calon yang ditolak atau berhenti, "
                    "atau minta dinas menambah kuota.")
    elif programme.quota_rule == QuotaRule.REGENCY_TOTAL:
        taken = places_taken(programme)
        if taken >= programme.quota_total:
            return f"Kuota kabupaten/kota sudah penuh ({taken} dari {programme.quota_total})."
    return None
