import pytest
from django.urls import reverse


@pytest.mark.parametrize("persona", ["regency_admin", "reviewer", "viewer", "bpjs_officer"])
def test_regency_staff_land_on_their_regency(request, persona, login, seluma):
    client = login(request.getfixturevalue(persona))

    response = client.get(reverse("accounts:home"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("villages:regency-detail", args=[seluma.pk])
    assert response.context["village_total"] == 202
    assert len(response.context["subdistricts"]) == 14
