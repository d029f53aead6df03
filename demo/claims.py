"""The demo's benefit claims (DOMAIN.md §9): Supriyadi of Kelurahan Pasar Tais died, the office
ended his membership with the reason "meninggal dunia" and BPJS paid his wife the JKM benefit; Dewi
Lestari had a work accident and BPJS paid her JKK benefit. Recorded through the same services as the
pages (membership.claims.services, registrations.workflow), once: a second run changes nothing."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from membership.claims import services
from membership.enums import BeneficiaryRelation, Benefit
from membership.models import BenefitClaim
from registrations import workflow
from registrations.enums import Action, EndReason, NomineeStatus
from registrations.models import Nominee
from villages.models import Regency

JKM_REFERENCE = "JKM-1705-0001"
JKK_REFERENCE = "JKK-1705-0001"


def demo_claims_load(seluma: Regency) -> None:
    if BenefitClaim.objects.filter(bpjs_reference__in=[JKM_REFERENCE, JKK_REFERENCE]).exists():
        return
    bpjs, admin = User.objects.get(username="bpjs.seluma"), User.objects.get(username="admin.seluma")
    members = {nominee.full_name: nominee for nominee in Nominee.objects.filter(
        village__subdistrict__regency=seluma, full_name__in=["Supriyadi", "Dewi Lestari"],
        status=NomineeStatus.ACTIVE).select_related("village__subdistrict__regency__settings")}
    if len(members) < 2:
        return
    today = dt.date.today()
    died = members["Supriyadi"]
    services.claim_record(nominee=died, actor=bpjs, benefit=Benefit.JKM, paid_on=today, amount=42_000_000,
                          relation=BeneficiaryRelation.SPOUSE, beneficiary_name="Suryani",
                          bpjs_reference=JKM_REFERENCE)
    workflow.nominee_decide(nominee=died, action=Action.END, actor=admin, reason_code=EndReason.DIED,
                            reason=f"Klaim JKM {JKM_REFERENCE}")
    services.claim_record(nominee=members["Dewi Lestari"], actor=bpjs, benefit=Benefit.JKK, paid_on=today,
                          amount=3_750_000, relation=BeneficiaryRelation.MEMBER, bpjs_reference=JKK_REFERENCE)
