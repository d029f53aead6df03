"""accounts/client_ip.py: lockouts behind nginx key on the visitor, and a forged header moves nothing."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.client_ip import client_ip

from .test_views import PASSWORD


def request(remote="127.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/masuk/", **meta)


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("127.0.0.1", "36.71.2.9", "36.71.2.9"),                    # nginx on this host names the visitor
    ("127.0.0.1", "6.6.6.6, 36.71.2.9", "36.71.2.9"),           # a forged first hop is not believed
    ("127.0.0.1", "36.71.2.9, 127.0.0.1", "36.71.2.9"),         # two trusted proxies in a row
    ("127.0.0.1", "bukan-alamat", "127.0.0.1"),                 # a malformed header: the proxy
    ("127.0.0.1", None, "127.0.0.1"),
    ("36.71.2.9", "10.0.0.7", "36.71.2.9"),                     # not from a trusted proxy: header ignored
    ("2001:db8::1", None, "2001:db8::1"),
])
def test_the_visitor_is_the_last_hop_a_trusted_proxy_saw(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    assert client_ip(request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_never_believed(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request("127.0.0.1", "36.71.2.9")) == "127.0.0.1"


def via_nginx(visitor: str) -> Client:
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=visitor)


def test_someone_else_cannot_lock_a_village_officer_out_behind_the_proxy(settings, officer):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    attacker, real_officer = via_nginx("6.6.6.6"), via_nginx("36.71.2.9")

    statuses = [attacker.post(reverse("accounts:login"), {"username": officer.username, "password": "salah"})
                .status_code for _ in range(5)]
    response = real_officer.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD})

    assert statuses == [200, 200, 200, 200, 429]  # the attacker's address is locked for this username
    assert response.status_code == 302               # the officer, from their own address, gets in
    assert attacker.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD}
                         ).status_code == 429
