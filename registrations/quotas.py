"""The quota rule, and the one home of quota standing: N per village (overridable per village,
VillageQuota), one regency-wide total, or none. Only nominees in ACTIVE_STATES take a place.

- `per_village_quota(programme, override)` is the rule for a village's own places; everything
  below applies it, so the pages, the import, the tracking page and the coverage figures agree
  (`per_village_quota_expression` is its SQL twin, for the set-based coverage recompute).
- `quota_standing(programme, village)` → `QuotaStanding`: one village's quota, places taken and
  left, full or not, and the message when full (the village page, the nominee form, the Excel
  import's preview, and `services.nominee_create` under its quota lock).
- Many villages at once, set-based, inside the caller's own queries: `quota_override_subquery`
  (an annotation over villages: submission tracking) and `quota_overrides` + `villages_quota` +
  `regency_wide_quota` (one query for a regency's or a province's overrides: the coverage figures,
  which sum the quotas of the year's programmes). `places_taken_by_village` counts places of many
  villages in one query (the programme page).
- `QuotaLedger`: the standing of many villages at once while a file's rows take places one after
  the other (the Excel import, services.nominees_import): two queries, then arithmetic.
- `programme_quota_total`: all places of a programme (its budget, the programme page).
- `quota_rule_label`: the rule as the programme list and page write it ("10 orang per desa/kelurahan").
- `VILLAGE_PLACES` and `body_standing`: the rule for nominating bodies (lembaga pengusul), below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce

from common.formatting import format_number
from villages.models import Village

from .enums import ACTIVE_STATES, QuotaRule
from .models import NominatingBody, Nominee, Programme, ProgrammeBody, VillageQuota

# --- The rule for nominating bodies (lembaga pengusul) ----------------------------------------------
# A nominee put forward by a nominating body takes a place in that body's quota for the programme
# (ProgrammeBody.quota) and in no other: not in the quota of the village where the person lives, nor
# in a regency-wide total (both are the villages' places). A body the programme does not accept has
# no place at all. The person still counts in the village's coverage (they live there) and in the
# programme's budget (`programme_quota_total` adds the bodies' quotas).
# Every count of the villages' places below reads VILLAGE_PLACES; the bodies' read `body_standing`.
VILLAGE_PLACES = Q(nominating_body__isnull=True)


@dataclass(frozen=True)
class BodyStanding:
    """Where one nominating body stands with a programme: accepted or not, its quota, places taken."""

    accepted: bool
    quota: int
    taken: int

    @property
    def left(self) -> int:
        return max(self.quota - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return not self.accepted or is_full(quota=self.quota, taken=self.taken)

    @property
    def full_message(self) -> str | None:
        """Why one more nominee of the body does not fit, or None when it does."""
        if not self.accepted:
            return "Program ini tidak menerima usulan dari lembaga ini. Hubungi dinas."
        if self.is_full:
            return (f"Kuota lembaga sudah penuh ({self.taken} dari {self.quota}). Hapus calon draf yang batal "
                    "diusulkan, atau minta dinas menambah kuota lembaga.")
        return None


def body_standing(programme: Programme, body: NominatingBody) -> BodyStanding:
    """The body's standing in `programme`: two queries. Call it with the body's quota row locked
    (services._lock_body_quota) before taking a place."""
    quota = ProgrammeBody.objects.filter(programme=programme, body=body).values_list("quota", flat=True).first()
    taken = Nominee.objects.filter(programme=programme, nominating_body=body, status__in=ACTIVE_STATES).count()
    return BodyStanding(accepted=quota is not None, quota=quota or 0, taken=taken)


def per_village_quota(programme: Programme, override: int | None) -> int | None:
    """A village's own places in `programme` under the per-village rule: its override (VillageQuota)
    when it has one, else the programme's number; None under the other rules."""
    if programme.quota_rule != QuotaRule.PER_VILLAGE:
        return None
    return programme.quota_per_village if override is None else override


def per_village_quota_expression(override):
    """`per_village_quota` as an SQL expression over a Programme row, for set-based readers (the
    coverage recompute): `override` is the village's VillageQuota.quota as an expression (NULL when
    it has none); NULL under the other rules."""
    return Case(When(quota_rule=QuotaRule.PER_VILLAGE, then=Coalesce(override, F("quota_per_village"))),
                default=None, output_field=IntegerField())


def is_full(*, quota: int | None, taken: int) -> bool:
    """No place left in a quota; a programme without quota (None) is never full."""
    return quota is not None and taken >= quota


@dataclass(frozen=True)
class QuotaStanding:
    """Where one village stands with a programme's quota."""

    rule: str  # QuotaRule
    village_taken: int  # places the village's nominees hold, whatever the rule
    village_quota: int | None = None  # per village: the village's own places
    regency_quota: int | None = None  # regency-wide: the programme's total
    regency_taken: int | None = None  # regency-wide: places held in the whole regency

    @property
    def quota(self) -> int | None:
        """The quota the village's next nominee must fit in; None for a programme without quota."""
        return self.regency_quota if self.rule == QuotaRule.REGENCY_TOTAL else self.village_quota

    @property
    def taken(self) -> int:
        """Places taken in that quota: the regency's for a regency-wide total, else the village's."""
        return self.regency_taken if self.rule == QuotaRule.REGENCY_TOTAL else self.village_taken

    @property
    def left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return is_full(quota=self.quota, taken=self.taken)

    @property
    def full_message(self) -> str | None:
        """Why one more nominee does not fit, or None when it does."""
        if not self.is_full:
            return None
        if self.rule == QuotaRule.REGENCY_TOTAL:
            return f"Kuota kabupaten/kota sudah penuh ({self.taken} dari {self.quota})."
        # Not "replace a rejected one": a rejected or ended nominee already gave its place back, and
        # its replacement needs a place like anyone else (services.replacement_blocker).
        return (f"Kuota desa sudah penuh ({self.taken} dari {self.quota}). Hapus calon draf yang batal diusulkan, "
                "atau minta dinas menambah kuota.")


def quota_standing(programme: Programme, village: Village) -> QuotaStanding:
    """The village's standing in `programme`'s quota: two queries for a per-village quota (the
    override, the village's places), one otherwise. Before taking a place, call it with the lock held
    (services._lock_quota), or two officers may both take the last place."""
    if programme.quota_rule == QuotaRule.REGENCY_TOTAL:
        counts = Nominee.objects.filter(VILLAGE_PLACES, programme=programme, status__in=ACTIVE_STATES).aggregate(
            regency=Count("pk"), village=Count("pk", filter=Q(village=village)))
        return QuotaStanding(rule=programme.quota_rule, village_taken=counts["village"],
                             regency_quota=programme.quota_total, regency_taken=counts["regency"])
    village_quota = None
    if programme.quota_rule == QuotaRule.PER_VILLAGE:
        override = (VillageQuota.objects.filter(programme=programme, village=village)
                    .values_list("quota", flat=True).first())
        village_quota = per_village_quota(programme, override)
    return QuotaStanding(rule=programme.quota_rule, village_taken=places_taken(programme, village),
                         village_quota=village_quota)


class QuotaLedger:
    """Places taken in `programme` by the villages `village_ids`, read at once (the overrides and a
    grouped count: two queries at most) and then counted up as rows take places, so each row is
    refused with exactly the message `quota_standing(...).full_message` would give at that moment.
    Read it with the quota lock held (services._lock_quotas)."""

    def __init__(self, programme: Programme, village_ids: Iterable[int]):
        self.programme = programme
        village_ids = sorted(set(village_ids))
        self.overrides: dict[int, int] = {}
        if programme.quota_rule == QuotaRule.PER_VILLAGE:
            self.overrides = dict(VillageQuota.objects.filter(programme=programme, village__in=village_ids)
                                  .values_list("village_id", "quota"))
        self.village_taken = places_taken_by_village(programme, village_ids)
        self.regency_taken = (places_taken(programme) if programme.quota_rule == QuotaRule.REGENCY_TOTAL else None)

    def standing(self, village_id: int) -> QuotaStanding:
        rule = self.programme.quota_rule
        taken = self.village_taken.get(village_id, 0)
        if rule == QuotaRule.REGENCY_TOTAL:
            return QuotaStanding(rule=rule, village_taken=taken, regency_quota=self.programme.quota_total,
                                 regency_taken=self.regency_taken)
        return QuotaStanding(rule=rule, village_taken=taken,
                             village_quota=per_village_quota(self.programme, self.overrides.get(village_id)))

    def take(self, village_id: int) -> str | None:
        """Takes a place for one nominee of the village; the full-quota message when there is none."""
        refusal = self.standing(village_id).full_message
        if refusal is None:
            self.village_taken[village_id] = self.village_taken.get(village_id, 0) + 1
            if self.regency_taken is not None:
                self.regency_taken += 1
        return refusal


def places_taken(programme: Programme, village: Village | None = None) -> int:
    """The villages' places held in `programme`, in one village or (None) in the whole regency
    (a nominating body's nominees hold the body's places, not these: VILLAGE_PLACES)."""
    nominees = Nominee.objects.filter(VILLAGE_PLACES, programme=programme, status__in=ACTIVE_STATES)
    if village is not None:
        nominees = nominees.filter(village=village)
    return nominees.count()


def places_taken_by_village(programme: Programme, village_ids: Iterable[int]) -> dict[int, int]:
    """village id → places held in `programme` (villages holding none are left out); one query."""
    village_ids = list(village_ids)
    if not village_ids:
        return {}
    return dict(
        programme.nominees.filter(VILLAGE_PLACES, status__in=ACTIVE_STATES, village__in=village_ids)
        .values("village").annotate(n=Count("pk")).values_list("village", "n")
    )


def quota_rule_label(programme: Programme) -> str:
    """The programme's quota rule with its number: "10 orang per desa/kelurahan" (villages with their
    own quota are listed on the programme page), "2.020 orang untuk seluruh kabupaten/kota", or
    "Tanpa kuota". No query."""
    if programme.quota_rule == QuotaRule.PER_VILLAGE:
        return f"{format_number(programme.quota_per_village)} orang per desa/kelurahan"
    if programme.quota_rule == QuotaRule.REGENCY_TOTAL:
        return f"{format_number(programme.quota_total)} orang untuk seluruh kabupaten/kota"
    return str(QuotaRule.NONE.label)


def programme_quota_total(programme: Programme) -> int | None:
    """All places in the programme, the nominating bodies' included; None for a programme without
    quota."""
    if programme.quota_rule == QuotaRule.NONE:
        return None
    bodies = programme.body_places.aggregate(total=Sum("quota"))["total"] or 0
    return _villages_quota_total(programme) + bodies


def _villages_quota_total(programme: Programme) -> int:
    if programme.quota_rule == QuotaRule.REGENCY_TOTAL:
        return programme.quota_total
    villages = Village.objects.filter(subdistrict__regency_id=programme.regency_id, is_retired=False)
    overrides = VillageQuota.objects.filter(programme=programme, village__in=villages)
    override_sum = overrides.aggregate(total=Sum("quota"))["total"] or 0
    return (villages.count() - overrides.count()) * programme.quota_per_village + override_sum


# --- Many villages at once ----------------------------------------------------------------------

def quota_override_subquery(programme: Programme, village: str = "pk") -> Subquery:
    """The override of the village at OuterRef(`village`) in `programme` (NULL when it has none),
    to annotate a Village query with; `per_village_quota` turns each row's value into its quota."""
    return Subquery(VillageQuota.objects.filter(programme=programme, village=OuterRef(village)).values("quota")[:1])


def quota_overrides(programmes: Sequence[Programme]) -> dict[tuple[int, int], int]:
    """(programme id, village id) → override, for the per-village programmes among `programmes`;
    one query, none when there is no such programme."""
    per_village_ids = [programme.pk for programme in programmes if programme.quota_rule == QuotaRule.PER_VILLAGE]
    if not per_village_ids:
        return {}
    return {
        (programme_id, village_id): quota
        for programme_id, village_id, quota in VillageQuota.objects.filter(programme_id__in=per_village_ids)
        .values_list("programme_id", "village_id", "quota")
    }


def villages_quota(programmes: Sequence[Programme], *, village_id: int, regency_id: int, is_retired: bool,
                   overrides: dict[tuple[int, int], int]) -> int | None:
    """A village's places over several programmes (the coverage figures: a year's stages, from
    `quota_overrides`): the sum of `per_village_quota` over its regency's per-village programmes;
    None when none gives villages a quota. A retired village has none, as in programme_quota_total."""
    quotas = [per_village_quota(programme, overrides.get((programme.pk, village_id)))
              for programme in programmes if programme.regency_id == regency_id]
    quotas = [quota for quota in quotas if quota is not None]
    if not quotas or is_retired:
        return None
    return sum(quotas)


def regency_wide_quota(programmes: Sequence[Programme]) -> int | None:
    """The places of the programmes with one regency-wide total; they count only at regency level
    (and above), never split over subdistricts or villages. None when there is no such programme."""
    totals = [programme.quota_total for programme in programmes if programme.quota_rule == QuotaRule.REGENCY_TOTAL]
    return sum(totals) if totals else None
