"""Benefit claims recorded by hand: membership.claims.services, its pages, the nominee page's claims
part and the way a JKM claim leads to the end of the membership (through registrations.workflow)."""

import datetime as dt

import pytest
from django.urls import reverse

from membership.claims import services
from membership.enums import BeneficiaryRelation, Benefit
from membership.models import BenefitClaim
from registrations.enums import EndReason, NomineeStatus
from registrations.models import NomineeEvent

from .conftest import kpj, member_nik

PAID_ON = dt.date(2026, 8, 14)


def record(nominee, actor, **overrides):
    fields = {"benefit": Benefit.JKK, "paid_on": PAID_ON, "amount": 3_250_000,
              "relation": BeneficiaryRelation.MEMBER, "bpjs_reference": "KLM-0001", **overrides}
    return services.claim_record(nominee=nominee, actor=actor, **fields)


# --- The rules ------------------------------------------------------------------------------------

def test_the_bpjs_officer_records_a_work_accident_claim(members, bpjs_officer, seluma):
    claim = record(members[1], bpjs_officer)

    assert list(BenefitClaim.objects.values_list("nominee_id", "regency_id", "benefit", "amount",
                                                 "bpjs_reference")) == [
        (members[1].pk, seluma.pk, Benefit.JKK, 3_250_000, "KLM-0001")]
    assert claim.recorded_by == bpjs_officer


@pytest.mark.parametrize(("overrides", "message"), [
    ({"benefit": Benefit.JKM, "relation": BeneficiaryRelation.MEMBER},
     "Manfaat JKM dibayarkan kepada ahli waris, bukan kepada peserta sendiri."),
    ({"paid_on": dt.date(2099, 1, 1)}, "Tanggal klaim dibayar 1 Januari 2099 belum terjadi."),
    ({"paid_on": dt.date(2026, 2, 1)}, "Tanggal klaim dibayar 1 Februari 2026 sebelum tanggal kepesertaan 1 Maret 2026."),
    ({"amount": 0}, "Jumlah klaim harus lebih dari Rp0."),
    ({"bpjs_reference": " "}, "Nomor referensi BPJS kosong."),
])
def test_a_claim_the_rules_refuse_is_not_recorded(members, bpjs_officer, overrides, message):
    with pytest.raises(services.ClaimError) as refused:
        record(members[1], bpjs_officer, **overrides)

    assert message in str(refused.value)
    assert BenefitClaim.objects.count() == 0


def test_a_member_receives_one_death_benefit_and_a_reference_is_recorded_once(members, bpjs_officer):
    record(members[1], bpjs_officer, benefit=Benefit.JKM, relation=BeneficiaryRelation.SPOUSE, amount=42_000_000)

    with pytest.raises(services.ClaimError, match="sudah tercatat menerima klaim JKM"):
        record(members[1], bpjs_officer, benefit=Benefit.JKM, relation=BeneficiaryRelation.CHILD,
               bpjs_reference="KLM-0002")
    with pytest.raises(services.ClaimError, match="Nomor referensi KLM-0001 sudah tercatat"):
        record(members[2], bpjs_officer)
    assert BenefitClaim.objects.count() == 1


def test_a_claim_is_for_a_registered_member_only(members, bpjs_officer):
    with pytest.raises(services.ClaimError, match="belum terdaftar sebagai peserta BPJS"):
        record(members[4], bpjs_officer)


@pytest.mark.parametrize("persona", ["viewer", "reviewer", "other_admin"])
def test_only_the_bpjs_officer_and_the_regency_admin_of_the_regency_record_claims(members, persona, request):
    with pytest.raises(services.ClaimError, match="tidak berwenang"):
        record(members[1], request.getfixturevalue(persona))
    assert BenefitClaim.objects.count() == 0


# --- Recording by hand: find the member, then the form ----------------------------------------------

def create_url(regency):
    return reverse("membership:claim-create", args=[regency.pk])


@pytest.mark.parametrize("typed", [kpj(2), member_nik(2), f"{member_nik(2)[:4]} {member_nik(2)[4:]}"])
def test_the_member_is_found_by_kpj_number_or_nik(login, members, bpjs_officer, seluma, typed):
    response = login(bpjs_officer).post(create_url(seluma), {"cari": typed})

    assert response.status_code == 200
    assert response.context["member"] == members[2]
    assert response.context["nik"] == member_nik(2)  # the BPJS officer works with the person


def test_someone_not_a_member_of_the_regency_is_not_found(login, members, regency_admin, seluma):
    response = login(regency_admin).post(create_url(seluma), {"cari": member_nik(4)})

    assert response.context["member"] is None
    assert "Tidak ada peserta BPJS dengan nomor KPJ atau NIK itu" in response.context["search"].errors["cari"][0]


def test_a_recorded_claim_leads_to_the_members_page(login, members, bpjs_officer, seluma):
    client = login(bpjs_officer)

    response = client.post(create_url(seluma), {
        "member": members[1].pk, "benefit": Benefit.JKK, "paid_on": "2026-08-14", "amount": "3.250.000",
        "relation": BeneficiaryRelation.MEMBER, "beneficiary_name": "", "bpjs_reference": "KLM-7",
    })

    assert response.url == reverse("registrations:nominee-detail", args=[members[1].pk]) + "#klaim"
    assert list(BenefitClaim.objects.values_list("nominee_id", "amount", "paid_on")) == [
        (members[1].pk, 3_250_000, PAID_ON)]


def test_a_refused_claim_is_shown_again_with_the_reason(login, members, bpjs_officer, seluma):
    response = login(bpjs_officer).post(create_url(seluma), {
        "member": members[1].pk, "benefit": Benefit.JKM, "paid_on": "14-08-2026", "amount": "42000000",
        "relation": BeneficiaryRelation.MEMBER, "bpjs_reference": "KLM-7",
    })

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Manfaat JKM dibayarkan kepada ahli waris, bukan kepada peserta sendiri."]
    assert BenefitClaim.objects.count() == 0


def test_another_regencys_member_cannot_be_posted(login, members, other_admin, other_regency):
    response = login(other_admin).post(create_url(other_regency), {"member": members[1].pk, "benefit": Benefit.JKK})

    assert response.status_code == 404


# --- The nominee page's claims part, and a death ----------------------------------------------------

def claims_part(client, nominee):
    return client.get(reverse("membership:nominee-claims", args=[nominee.pk]))


def test_a_jkm_claim_for_a_running_membership_offers_the_office_to_end_it(login, members, bpjs_officer,
                                                                          regency_admin, approver):
    record(members[1], bpjs_officer, benefit=Benefit.JKM, relation=BeneficiaryRelation.SPOUSE, amount=42_000_000,
           beneficiary_name="Siti Aminah")
    nominee_page = login(approver).get(reverse("registrations:nominee-detail", args=[members[1].pk])).content.decode()
    assert reverse("membership:nominee-claims", args=[members[1].pk]) in nominee_page

    offered = claims_part(login(approver), members[1])

    assert offered.context["may_end"] is True
    assert "Hentikan kepesertaan: meninggal dunia" in offered.content.decode()
    told = claims_part(login(bpjs_officer), members[1]).content.decode()
    assert "Minta admin atau penyetuju dinas menghentikannya" in told

    # The button posts the nominee page's own END form: the workflow ends it and writes the event.
    response = login(approver).post(reverse("registrations:nominee-decide", args=[members[1].pk]), {
        "action": "end", "reason_code": EndReason.DIED, "reason": "Klaim JKM KLM-0001", "seen_status": "active"})

    assert response.status_code == 302
    members[1].refresh_from_db()
    assert members[1].status == NomineeStatus.ENDED
    event = NomineeEvent.objects.filter(nominee=members[1]).latest("pk")
    assert (event.actor, event.from_status, event.to_status, event.reason_code) == (
        approver, NomineeStatus.ACTIVE, NomineeStatus.ENDED, EndReason.DIED)
    after = claims_part(login(approver), members[1])
    assert after.context["jkm_running"] is False and after.context["claims"][0].beneficiary_name == "Siti Aminah"


def test_a_death_recorded_without_its_jkm_claim_is_pointed_out(login, members, approver, bpjs_officer, seluma):
    from registrations import workflow

    workflow.nominee_decide(nominee=members[2], action="end", actor=approver, reason_code=EndReason.DIED)

    part = claims_part(login(bpjs_officer), members[2]).content.decode()

    assert "klaim JKM untuk ahli warisnya belum tercatat" in part
    assert create_url(seluma) in part
    # Found again by the BPJS officer, the form starts on JKM.
    found = login(bpjs_officer).post(create_url(seluma), {"cari": kpj(2)})
    assert found.context["form"].initial["benefit"] == Benefit.JKM


def test_the_claims_part_is_empty_for_a_village_officer(login, members, bpjs_officer, officer):
    record(members[1], bpjs_officer)

    response = claims_part(login(officer), members[1])

    assert response.status_code == 200 and response.content == b""


def test_the_claims_part_of_someone_elses_member_is_a_404(login, members, other_admin):
    assert claims_part(login(other_admin), members[1]).status_code == 404


# --- The regency's list -------------------------------------------------------------------------------

def list_url(regency, **query):
    return reverse("membership:claim-list", args=[regency.pk]) + (f"?{'&'.join(f'{k}={v}' for k, v in query.items())}"
                                                                    if query else "")


def test_the_list_filters_by_benefit_and_masks_the_nik_for_the_regents_office(login, members, bpjs_officer, viewer,
                                                                             seluma):
    record(members[1], bpjs_officer, bpjs_reference="KLM-1")
    record(members[2], bpjs_officer, benefit=Benefit.JKM, relation=BeneficiaryRelation.CHILD, amount=42_000_000,
           bpjs_reference="KLM-2")

    response = login(viewer).get(list_url(seluma, jenis="jkm"))

    assert [row["claim"].bpjs_reference for row in response.context["rows"]] == ["KLM-2"]
    assert [row["nik"] for row in response.context["rows"]] == ["************0002"]
    assert member_nik(2) not in response.content.decode()
    totals = {line.benefit: (line.count, line.amount) for line in response.context["totals"].lines}
    assert totals == {Benefit.JKM: (1, 42_000_000), Benefit.JKK: (1, 3_250_000)}


def test_the_bpjs_officer_sees_the_nik_in_full(login, members, bpjs_officer, seluma):
    record(members[1], bpjs_officer)

    response = login(bpjs_officer).get(list_url(seluma))

    assert [row["nik"] for row in response.context["rows"]] == [member_nik(1)]


def test_an_empty_list_says_so(login, members, viewer, seluma):
    assert "Belum ada klaim manfaat yang dicatat" in login(viewer).get(list_url(seluma)).content.decode()


@pytest.mark.parametrize("persona", ["officer", "other_admin"])
def test_the_list_is_a_404_outside_its_readers(login, members, seluma, persona, request):
    assert login(request.getfixturevalue(persona)).get(list_url(seluma)).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_costs_the_same_queries_whatever_the_number_of_claims(login, members, bpjs_officer, viewer, seluma,
                                                                      count, django_assert_num_queries):
    for serial in range(1, count + 1):
        record(members[serial], bpjs_officer, bpjs_reference=f"KLM-{serial}")
    client = login(viewer)

    # 1 user, 2 the user's region assignments (scope), 3 the regency, 4 the claims'
    # count, 5 the page's claims with their members and villages, 6 the totals per benefit, 7 the
    # unread notices (header).
    with django_assert_num_queries(7):
        response = client.get(list_url(seluma))

    assert len(response.context["rows"]) == count
