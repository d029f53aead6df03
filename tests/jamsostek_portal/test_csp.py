"""The Content-Security-Policy (django-csp): no inline script anywhere, every asset from the app."""

import re

import pytest
from django.urls import reverse

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def inline_scripts(page: str) -> list[str]:
    return [body for attributes, body in SCRIPT_TAG.findall(page) if "src=" not in attributes or body.strip()]


def test_every_page_sends_a_policy_without_inline_script(client, db):
    response = client.get(reverse("accounts:login"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert inline_scripts(response.content.decode()) == []
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in response.content.decode()


def test_a_logged_in_page_has_no_inline_script(client, officer):
    client.force_login(officer)

    response = client.get(reverse("accounts:home"), follow=True)

    assert response.status_code == 200
    assert inline_scripts(response.content.decode()) == []


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_api_docs_load_their_scripts_as_files(client, viewer, path):
    client.force_login(viewer)

    response = client.get(path)

    assert response.status_code == 200
    assert inline_scripts(response.content.decode()) == []
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_swaggers_start_up_script_is_served_from_the_app(client, viewer):
    client.force_login(viewer)

    response = client.get("/api/v1/docs/?script")

    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.content.decode()
