"""demo/claims.py: the demo has a JKM claim for a member who died and a JKK claim."""

from io import StringIO

import pytest
from django.core.management import call_command

from membership.enums import Benefit
from membership.models import BenefitClaim
from registrations.enums import EndReason, NomineeStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_has_a_death_benefit_after_a_death_and_a_work_accident_benefit(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # a second run changes nothing

    claims = {claim.benefit: claim for claim in BenefitClaim.objects.select_related("nominee")}
    assert sorted(claims) == [Benefit.JKK, Benefit.JKM] and BenefitClaim.objects.count() == 2
    died = claims[Benefit.JKM].nominee
    assert (died.full_name, died.status) == ("Supriyadi", NomineeStatus.ENDED)
    assert died.events.last().reason_code == EndReason.DIED
    assert claims[Benefit.JKK].nominee.full_name == "Dewi Lestari"
