"""Benefits paid on the regent's dashboard and on the province dashboard (reports), beside the premium."""

import datetime as dt

from django.urls import reverse

from membership.enums import BeneficiaryRelation, Benefit
from membership.models import BenefitClaim
from registrations.models import Nominee


def claim(nominee, regency, actor, reference, benefit=Benefit.JKK, amount=3_250_000):
    relation = BeneficiaryRelation.MEMBER if benefit == Benefit.JKK else BeneficiaryRelation.CHILD
    return BenefitClaim.objects.create(nominee=nominee, regency=regency, benefit=benefit, paid_on=dt.date(2026, 8, 1),
                                       amount=amount, relation=relation, bpjs_reference=reference, recorded_by=actor)


def totals(response):
    return {line.benefit: (line.count, line.amount) for line in response.context["benefits"].lines}


def test_the_regents_dashboard_shows_the_benefits_paid_to_the_regencys_people(login, members, bpjs_officer, viewer,
                                                                              seluma):
    claim(members[1], seluma, bpjs_officer, "KLM-1", Benefit.JKM, 42_000_000)
    claim(members[2], seluma, bpjs_officer, "KLM-2")

    response = login(viewer).get(reverse("reports:regency-detail", args=[seluma.pk]))

    assert totals(response) == {Benefit.JKM: (1, 42_000_000), Benefit.JKK: (1, 3_250_000)}
    page = response.content.decode()
    assert "Manfaat yang sudah dibayarkan" in page and "Rp45.250.000" in page
    assert reverse("membership:claim-list", args=[seluma.pk]) in page


def test_the_province_dashboard_sums_its_regencies(login, members, bpjs_officer, province_viewer, seluma,
                                                   other_regency, add_nominees, open_programme):
    claim(members[1], seluma, bpjs_officer, "KLM-1")
    # A member of Bengkulu Selatan, the same province.
    other_village = other_regency.subdistricts.order_by("code").first().villages.order_by("code").first()
    other_member = add_nominees(open_programme, other_village, 1, "active", dt.date(2026, 3, 1))[0]
    claim(Nominee.objects.get(pk=other_member.pk), other_regency, bpjs_officer, "KLM-2", amount=1_000_000)

    response = login(province_viewer).get(reverse("reports:province-detail", args=[seluma.province_id]))

    assert totals(response) == {Benefit.JKM: (0, 0), Benefit.JKK: (2, 4_250_000)}
    assert "Rp4.250.000" in response.content.decode()
