"""accounts/middleware.py: the first password change comes first; times show in the regency's zone."""

import pytest
from django.urls import reverse

from villages.enums import TimeZone
from villages.models import RegencySettings
from villages.services import regency_settings_ensure

from .conftest import INITIAL_PASSWORD


@pytest.fixture
def new_officer_client(client, new_officer):
    client.post(reverse("accounts:login"), {"username": new_officer.username, "password": INITIAL_PASSWORD})
    return client


@pytest.mark.parametrize(("url_name", "region_fixture"), [
    ("accounts:home", None),
    ("villages:index", None),
    ("villages:village-detail", "niur"),
    ("villages:regency-detail", "seluma"),
    ("accounts:login", None),
])
def test_new_officer_is_sent_to_the_password_change_from_any_page(request, new_officer_client, url_name,
                                                                   region_fixture):
    args = [request.getfixturevalue(region_fixture).pk] if region_fixture else []

    response = new_officer_client.get(reverse(url_name, args=args))

    assert (response.status_code, response["Location"]) == (302, reverse("accounts:password-change"))


def test_new_officer_may_still_open_the_password_page_log_out_and_the_health_check(new_officer_client):
    assert new_officer_client.get(reverse("accounts:password-change")).status_code == 200
    assert new_officer_client.get("/healthz").status_code == 200

    response = new_officer_client.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("accounts:login")


def test_officer_who_changed_the_password_is_not_redirected(login, officer, niur):
    response = login(officer).get(reverse("villages:village-detail", args=[niur.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize(("zone", "shown"), [
    (TimeZone.WIB, "WIB"),
    (TimeZone.WITA, "WITA"),
    (TimeZone.WIT, "WIT"),
])
def test_pages_show_time_in_the_regency_zone(client, reviewer, seluma, zone, shown):
    regency_settings_ensure(regency=seluma)
    RegencySettings.objects.filter(regency=seluma).update(time_zone=zone)
    client.post(reverse("accounts:login"), {"username": reviewer.username, "password": "rahasia-uji-123"})

    response = client.get(reverse("villages:regency-detail", args=[seluma.pk]))

    assert f"waktu ditampilkan dalam {shown}\n" in response.content.decode()


def test_strangers_see_the_default_zone(client):
    response = client.get(reverse("accounts:login"))

    assert "waktu ditampilkan dalam WIB\n" in response.content.decode()
