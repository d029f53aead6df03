"""registrations/admin.py: nominees and their events are read-only in the Django admin; a status
changes through workflow.py only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from registrations import workflow
from registrations.enums import Action, NomineeStatus
from registrations.models import Nominee, NomineeEvent

from .conftest import KK, NIK_MAN

S = NomineeStatus
STATUS_FIELDS = {"status", "status_reason", "status_changed_at"}


@pytest.fixture
def returned(open_programme, niur, officer, reviewer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer)
    workflow.nominee_submit(nominee=nominee, actor=officer)
    return workflow.nominee_decide(nominee=nominee, action=Action.RETURN, actor=reviewer, reason_code="kk_mismatch",
                                   reason="KK buram")


@pytest.fixture
def admin_client(login, sysadmin):
    return login(sysadmin)


def as_saved(nominee):
    saved = Nominee.objects.get(pk=nominee.pk)
    return saved.status, saved.status_reason, saved.status_changed_at, saved.nik, saved.kk, saved.events.count()


def test_nominee_changelist_shows_masked_niks(admin_client, returned):
    response = admin_client.get(reverse("admin:registrations_nominee_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [returned]
    assert b"************0001" in response.content and NIK_MAN.encode() not in response.content


def test_nominee_changelist_finds_a_full_nik_without_keeping_it_in_the_url(admin_client, returned):
    typed = admin_client.get(reverse("admin:registrations_nominee_changelist"), {"q": "1705 0115 0590 0001"})

    assert typed.status_code == 302
    assert "1705" not in typed["Location"] and returned.nik_hash in typed["Location"]
    response = admin_client.get(typed["Location"])
    assert list(response.context["cl"].result_list) == [returned]
    assert "1705011505900001" not in response.content.decode()


def test_nominee_change_page_shows_the_status_read_only(admin_client, returned):
    response = admin_client.get(reverse("admin:registrations_nominee_change", args=[returned.pk]))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert STATUS_FIELDS.isdisjoint(form.fields)
    assert STATUS_FIELDS <= set(response.context["adminform"].readonly_fields)
    assert b'name="status"' not in response.content
    assert "Nomor KK tidak sesuai kartu keluarga: KK buram".encode() in response.content
    assert NIK_MAN.encode() not in response.content and KK.encode() not in response.content


@pytest.mark.parametrize("persona", ["sysadmin", "reviewer", "approver"])
def test_nominee_status_cannot_be_changed_in_the_admin(request, login, returned, persona):
    client = login(request.getfixturevalue(persona))
    before = as_saved(returned)

    response = client.post(reverse("admin:registrations_nominee_change", args=[returned.pk]),
                           {"status": S.APPROVED, "status_reason": "", "_save": "Simpan"})

    assert response.status_code in (302, 403)
    assert as_saved(returned) == before


def test_nominee_history_cannot_be_reverted(admin_client, returned):
    """simple_history saves a POST to a past version with only the view permission: that would put
    back an old status (here: draft) without an event."""
    first_version = returned.history.earliest()
    before = as_saved(returned)

    page = admin_client.get(reverse("admin:registrations_nominee_simple_history",
                                    args=[returned.pk, first_version.history_id]))
    response = admin_client.post(reverse("admin:registrations_nominee_simple_history",
                                         args=[returned.pk, first_version.history_id]), {"_save": "Simpan"})

    assert page.status_code == 200
    assert response.status_code == 403
    assert as_saved(returned) == before == (S.RETURNED, "Nomor KK tidak sesuai kartu keluarga: KK buram",
                                            before[2], NIK_MAN, KK, 3)


def test_nominee_cannot_be_added_or_deleted(admin_client, returned):
    assert admin_client.get(reverse("admin:registrations_nominee_add")).status_code == 403
    assert admin_client.post(reverse("admin:registrations_nominee_delete", args=[returned.pk]),
                             {"post": "yes"}).status_code == 403
    assert Nominee.objects.filter(pk=returned.pk).exists()


def test_event_changelist_and_page_are_read_only(admin_client, returned, reviewer):
    event = returned.events.last()

    listing = admin_client.get(reverse("admin:registrations_nomineeevent_changelist"))
    page = admin_client.get(reverse("admin:registrations_nomineeevent_change", args=[event.pk]))
    post = admin_client.post(reverse("admin:registrations_nomineeevent_change", args=[event.pk]),
                             {"reason": "diubah", "to_status": S.APPROVED})

    assert listing.status_code == 200
    assert [e.pk for e in listing.context["cl"].result_list] == list(
        NomineeEvent.objects.order_by("created_at", "pk").values_list("pk", flat=True))
    assert page.status_code == 200 and page.context["adminform"].form.fields == {}
    assert post.status_code == 403
    assert NomineeEvent.objects.values_list("actor", "to_status", "reason_code", "reason").get(pk=event.pk) == (
        reviewer.pk, S.RETURNED, "kk_mismatch", "Nomor KK tidak sesuai kartu keluarga: KK buram")


def test_events_cannot_be_added_or_deleted(admin_client, returned):
    event = returned.events.last()

    assert admin_client.get(reverse("admin:registrations_nomineeevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:registrations_nomineeevent_delete", args=[event.pk]),
                             {"post": "yes"}).status_code == 403
    assert returned.events.count() == 3


def test_admin_permissions_for_a_superuser(rf, sysadmin):
    request = rf.get("/")
    request.user = sysadmin
    nominee_admin, event_admin = admin.site._registry[Nominee], admin.site._registry[NomineeEvent]

    assert [model_admin.has_add_permission(request) for model_admin in (nominee_admin, event_admin)] == [False] * 2
    assert [model_admin.has_change_permission(request) for model_admin in (nominee_admin, event_admin)] == [False] * 2
    assert [model_admin.has_delete_permission(request) for model_admin in (nominee_admin, event_admin)] == [False] * 2
    assert STATUS_FIELDS <= set(nominee_admin.get_readonly_fields(request))
    assert nominee_admin.get_actions(request) == {}
