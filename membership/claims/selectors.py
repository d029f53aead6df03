"""Reads of benefit claims: a regency's list, a member's claims, the dashboards' sums, and the member
a claim is for (found by KPJ number or NIK within one regency)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from membership.enums import Benefit
from membership.models import BenefitClaim
from registrations import enums
from registrations.enums import EndReason, NomineeStatus
from registrations.models import Nominee, NomineeEvent
from registrations.nik import nik_search_hash, strip_separators

# A claim is for a member: a nominee BPJS registered (with a KPJ number), whatever became of the
# membership since (a death ends it; the claim comes after).
MEMBER_STATES = frozenset(enums.MEMBER_STATES | {NomineeStatus.ENDED})


def members_of_regency(regency) -> QuerySet[Nominee]:
    return Nominee.objects.filter(village__subdistrict__regency=regency, status__in=sorted(MEMBER_STATES)).exclude(
        kpj_number="")


def member_find(regency, text: str) -> Nominee | None:
    """The regency's member whose KPJ number or NIK is `text` (typed with or without separators),
    newest nomination first; None when there is none. A NIK is searched by its keyed hash only."""
    typed = strip_separators((text or "").strip())
    if not typed.isdigit():
        return None
    members = members_of_regency(regency).select_related("village__subdistrict__regency__settings")
    nik_hash = nik_search_hash(typed)
    query = Q(kpj_number=typed) | Q(nik_hash=nik_hash) if nik_hash else Q(kpj_number=typed)
    return members.filter(query).order_by("-pk").first()


def claims_for_regency(regency, *, benefit: str = "") -> QuerySet[BenefitClaim]:
    """The regency's claims, newest payment first (one query with the member and its village)."""
    claims = BenefitClaim.objects.filter(regency=regency)
    if benefit in Benefit.values:
        claims = claims.filter(benefit=benefit)
    return claims.select_related("nominee__village").order_by("-paid_on", "-pk")


def claims_of_member(nominee: Nominee) -> list[BenefitClaim]:
    return list(BenefitClaim.objects.filter(nominee=nominee).order_by("-paid_on", "-pk"))


def ended_by_death(nominee: Nominee) -> bool:
    """Was the membership ended with the reason "meninggal dunia" (the END action's latest event)?"""
    if nominee.status != NomineeStatus.ENDED:
        return False
    event = (NomineeEvent.objects.filter(nominee=nominee, to_status=NomineeStatus.ENDED)
             .order_by("-created_at", "-pk").values_list("reason_code", flat=True).first())
    return event == EndReason.DIED


@dataclass(frozen=True)
class BenefitLine:
    benefit: str
    label: str
    count: int
    amount: int


@dataclass(frozen=True)
class BenefitTotals:
    """Benefits paid to a regency's (or a province's) people, per benefit and in all."""

    lines: list[BenefitLine]

    @property
    def count(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)


def benefit_totals(*, regency_ids) -> BenefitTotals:
    """The claims paid to the people of these regencies, counted and summed per benefit: one query
    (COUNT/SUM … FILTER), served by the index benefit_claim_regency, whatever the number of claims."""
    sums = {}
    for benefit in Benefit.values:
        only = Q(benefit=benefit)
        sums[f"{benefit}_count"] = Count("pk", filter=only)
        sums[f"{benefit}_amount"] = Sum("amount", filter=only)
    row = BenefitClaim.objects.filter(regency_id__in=list(regency_ids)).aggregate(**sums)
    return BenefitTotals(lines=[
        BenefitLine(benefit=benefit, label=str(Benefit(benefit).label), count=row[f"{benefit}_count"] or 0,
                    amount=row[f"{benefit}_amount"] or 0)
        for benefit in Benefit.values
    ])
