"""demo/bodies.py: Kemenag Seluma nominates marbot beside the villages, with its own officer."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from demo.bodies import DEMO_BODY_NAME, DEMO_BODY_OFFICER, DEMO_MARBOTS
from demo.scenario import DEMO_PROGRAMME_NAME
from registrations import quotas
from registrations.models import NominatingBody, Nominee, Programme


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    return Programme.objects.get(name=DEMO_PROGRAMME_NAME)


def test_the_demo_body_has_its_marbot_and_quota(demo):
    body = NominatingBody.objects.get(name=DEMO_BODY_NAME)
    marbot = Nominee.objects.filter(programme=demo, nominating_body=body)

    assert sorted(marbot.values_list("full_name", "status")) == [
        ("Abdul Somad", "submitted"), ("Muhammad Yunus", "submitted"), ("Siti Khadijah", "draft")]
    assert quotas.body_standing(demo, body).taken == len(DEMO_MARBOTS)
    assert body.officers.get().user.username == DEMO_BODY_OFFICER


def test_the_demo_body_officer_lands_on_its_list_and_the_village_reads_it(demo, client):
    body = NominatingBody.objects.get(name=DEMO_BODY_NAME)
    client.force_login(User.objects.get(username=DEMO_BODY_OFFICER))
    landed = client.get(reverse("accounts:home"), follow=True)
    assert landed.redirect_chain[-1][0] == reverse("registrations:body", args=[body.pk])

    client.force_login(User.objects.get(username="op-1705012002"))
    niur_page = client.get(reverse("accounts:home"), follow=True).content.decode()
    assert "Abdul Somad" in niur_page and f"Diusulkan oleh {DEMO_BODY_NAME}" in niur_page


def test_loading_the_demo_twice_adds_no_marbot(demo):
    call_command("load_demo", stdout=StringIO())
    assert Nominee.objects.filter(programme=demo, nominating_body__isnull=False).count() == len(DEMO_MARBOTS)
