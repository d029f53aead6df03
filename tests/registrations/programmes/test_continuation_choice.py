"""The regency admin chooses, on the programme form, to continue an earlier programme's members."""

import datetime as dt

import pytest
from django.urls import reverse

from registrations.models import Programme

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    today = dt.date.today()
    data = {
        "name": "Perlindungan Pekerja Rentan 2027", "year": "2027", "stage": "1", "legal_basis": "",
        "implementing_office": "", "funding_source": "apbd", "bpjs_funding_code": "SG", "income_tier": "1000000",
        "months_paid": "12", "coverage_start": "2027-01-01", "nomination_opens": today.isoformat(),
        "nomination_closes": (today + dt.timedelta(days=30)).isoformat(), "min_age": "18",
        "max_age_exclusive": "65", "quota_rule": "per_village", "quota_per_village": "10", "quota_total": "",
    }
    return {**data, **overrides}


def test_admin_creates_a_stage_that_continues_the_previous_one(login, regency_admin, seluma, programme):
    client = login(regency_admin)
    page = client.get(reverse("registrations:programme-create", args=[seluma.pk])).content.decode()
    assert "Lanjutkan peserta dari program" in page and str(programme) in page

    response = client.post(reverse("registrations:programme-create", args=[seluma.pk]),
                           form_data(continues_from=programme.pk), follow=True)

    created = Programme.objects.get(year=2027)
    assert created.continues_from == programme
    assert ("Melanjutkan peserta</dt><dd>Perlindungan Pekerja Rentan 2026 — Tahap 1: 0 dikonfirmasi lanjut, "
            "0 menunggu konfirmasi desa") in response.content.decode()


def test_a_later_programme_cannot_be_the_one_continued(login, regency_admin, seluma, programme):
    client = login(regency_admin)
    client.post(reverse("registrations:programme-create", args=[seluma.pk]), form_data())
    later = Programme.objects.get(year=2027)

    response = client.post(reverse("registrations:programme-edit", args=[programme.pk]), form_data(
        name=programme.name, year="2026", coverage_start="2026-03-01", continues_from=later.pk))

    assert response.status_code == 200
    assert "bukan program sebelumnya" in response.content.decode()
    assert Programme.objects.get(pk=programme.pk).continues_from is None


def test_a_programme_of_another_regency_is_not_offered(login, regency_admin, seluma, other_regency, other_admin):
    from registrations import services
    from registrations.enums import QuotaRule

    elsewhere = services.programme_create(
        regency=other_regency, created_by=other_admin, name="Program Bengkulu Selatan", year=2025, stage=1,
        implementing_office="Dinas", coverage_start=dt.date(2025, 3, 1), nomination_opens=dt.date(2025, 1, 5),
        nomination_closes=dt.date(2025, 2, 20), quota_rule=QuotaRule.NONE)
    client = login(regency_admin)

    response = client.post(reverse("registrations:programme-create", args=[seluma.pk]),
                           form_data(continues_from=elsewhere.pk))

    assert "Pilih program sebelumnya dari daftar." in response.content.decode()
    assert not Programme.objects.filter(year=2027).exists()
