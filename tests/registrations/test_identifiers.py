"""registrations/identifiers.py: which identifiers a person sees, and the one mask, as every page
shows them."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.enums import Role
from registrations import body_services, workflow
from registrations.enums import BodyKind
from registrations.identifiers import identifiers_visible, mask_identifier, masked_typed_nik, shown_kk, shown_nik

from .conftest import KK, NIK_MAN

MASKED = "************0001"  # NIK_MAN and KK alike: the serial only

# Every persona, one per role: True where NIK and KK are shown in full.
PERSONAS = [
    ("officer", True),
    ("regency_admin", True),
    ("reviewer", True),
    ("approver", True),
    ("bpjs_officer", True),
    ("institution_officer", True),  # a nominating body's officer works with its people, like a village's
    ("viewer", False),
    ("province_viewer", False),
    ("sysadmin", False),
]


@pytest.fixture
def institution_officer(seluma, regency_admin):
    body = body_services.nominating_body_create(regency=seluma, name="Kantor Kementerian Agama Kabupaten Seluma",
                                                kind=BodyKind.RELIGIOUS_AFFAIRS, created_by=regency_admin)
    return body_services.body_officer_create(body=body, created_by=regency_admin, full_name="Ahmad Fauzi")[0]


@pytest.mark.parametrize(("persona", "full"), PERSONAS)
def test_who_sees_identifiers_in_full(request, persona, full):
    assert identifiers_visible(request.getfixturevalue(persona)) is full


def test_every_role_is_decided(request):
    """A new role must be added to PERSONAS, so that someone decides what it sees."""
    assert {request.getfixturevalue(persona).role for persona, _ in PERSONAS} == set(Role)


def test_anonymous_sees_nothing_in_full():
    assert identifiers_visible(AnonymousUser()) is False


@pytest.mark.parametrize(("value", "masked"), [
    ("1705011505900001", MASKED),  # a NIK: never the birth date (digits 7-12)
    ("1705011503200001", MASKED),  # a KK number
    ("3171234567890123", "************0123"),
    ("", ""),  # no KK recorded
    ("12345", "*****"),
])
def test_the_mask(value, masked):
    assert mask_identifier(value) == masked


def test_shown_values_are_full_or_the_stored_masked_forms():
    nominee = SimpleNamespace(nik=NIK_MAN, nik_masked="stored NIK", kk=KK, kk_masked="stored KK")

    assert (shown_nik(nominee, full=True), shown_kk(nominee, full=True)) == (NIK_MAN, KK)
    assert (shown_nik(nominee, full=False), shown_kk(nominee, full=False)) == ("stored NIK", "stored KK")


def test_the_stored_masked_forms_come_from_the_mask(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer, nik=NIK_MAN, kk="1705011503209876")

    assert (nominee.nik_masked, nominee.kk_masked) == (mask_identifier(NIK_MAN), mask_identifier("1705011503209876"))
    assert (nominee.nik_masked, nominee.kk_masked) == (MASKED, "************9876")


@pytest.mark.parametrize(("text", "masked"), [
    ("1705011505900001", MASKED),
    ("1705 0115.0590-0001", MASKED),
    ("170501150590001", ""),  # 15 digits: the row's error says why, no half-masked value
    ("17050115O5900001", ""),
    ("", ""),
])
def test_a_typed_nik_in_an_import_preview(text, masked):
    assert masked_typed_nik(text) == masked


# --- The pages: each shows what identifiers_visible decides ------------------------------------

@pytest.fixture
def submitted(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer, nik=NIK_MAN, kk=KK)
    return workflow.nominee_submit(nominee=nominee, actor=officer)


# A village's nominee: the body's officer does not see it at all (its own nominees' pages:
# tests/registrations/body_list).
@pytest.mark.parametrize(("persona", "full"), [p for p in PERSONAS if p[0] != "institution_officer"])
def test_nominee_page(request, login, submitted, persona, full):
    response = login(request.getfixturevalue(persona)).get(
        reverse("registrations:nominee-detail", args=[submitted.pk]))

    page = response.content.decode()
    assert response.context["nik"] == (NIK_MAN if full else MASKED)
    assert (NIK_MAN in page, KK in page, MASKED in page) == (full, full, not full)


@pytest.mark.parametrize(("persona", "full"), [("officer", True), ("reviewer", True), ("viewer", False)])
def test_village_list(request, login, submitted, niur, persona, full):
    response = login(request.getfixturevalue(persona)).get(reverse("registrations:village", args=[niur.pk]))

    assert [row["nik"] for row in response.context["rows"]] == [NIK_MAN if full else MASKED]
    assert (NIK_MAN in response.content.decode()) is full


@pytest.mark.parametrize(("persona", "full"), [("reviewer", True), ("approver", True), ("viewer", False),
                                               ("sysadmin", False)])
def test_review_queue_and_village_review(request, login, submitted, open_programme, niur, persona, full):
    client = login(request.getfixturevalue(persona))

    queue = client.get(reverse("registrations:review-queue"), {"programme": open_programme.pk, "status": "all"})
    village = client.get(reverse("registrations:review-village", args=[open_programme.pk, niur.pk]))

    shown = NIK_MAN if full else MASKED
    assert [row["nik"] for row in queue.context["rows"]] == [shown]
    assert [row["nik"] for row in village.context["rows"]] == [shown]
    assert village.context["full_identifiers"] is full
    assert (NIK_MAN in queue.content.decode(), NIK_MAN in village.content.decode()) == (full, full)
