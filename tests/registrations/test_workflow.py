"""registrations/workflow.py: the only code that changes a nominee's status."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from registrations import workflow
from registrations.enums import NomineeStatus
from registrations.models import Nominee, NomineeEvent


@pytest.fixture
def draft(open_programme, niur, officer, make_nominee):
    return make_nominee(open_programme, niur, officer)


def events(nominee):
    return list(NomineeEvent.objects.filter(nominee=nominee).values_list("actor", "from_status", "to_status", "reason"))


def test_submit_draft(draft, officer):
    workflow.nominee_submit(nominee=draft, actor=officer)

    assert Nominee.objects.get(pk=draft.pk).status == NomineeStatus.SUBMITTED
    assert events(draft) == [(officer.pk, "", NomineeStatus.DRAFT, ""),
                             (officer.pk, NomineeStatus.DRAFT, NomineeStatus.SUBMITTED, "")]


def test_submit_returned(draft, officer):
    Nominee.objects.filter(pk=draft.pk).update(status=NomineeStatus.RETURNED, status_reason="KK salah")

    workflow.nominee_submit(nominee=draft, actor=officer)

    saved = Nominee.objects.get(pk=draft.pk)
    assert (saved.status, saved.status_reason) == (NomineeStatus.SUBMITTED, "")
    assert events(draft)[-1] == (officer.pk, NomineeStatus.RETURNED, NomineeStatus.SUBMITTED, "")


@pytest.mark.parametrize("status", [NomineeStatus.SUBMITTED, NomineeStatus.VERIFIED, NomineeStatus.APPROVED,
                                    NomineeStatus.REJECTED, NomineeStatus.ACTIVE])
def test_submit_from_a_later_state_is_forbidden(draft, officer, status):
    Nominee.objects.filter(pk=draft.pk).update(status=status)

    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_submit(nominee=draft, actor=officer)

    assert str(error.value) == (f"Budi Santoso: status '{status.label}' tidak bisa diubah menjadi "
                                "'dikirim ke kabupaten'.")
    assert Nominee.objects.get(pk=draft.pk).status == status
    assert len(events(draft)) == 1


@pytest.mark.parametrize("persona", ["neighbour_officer", "reviewer", "regency_admin"])
def test_submit_by_someone_else_is_refused(request, draft, persona):
    with pytest.raises(workflow.TransitionError) as error:
        workflow.nominee_submit(nominee=draft, actor=request.getfixturevalue(persona))

    assert str(error.value) == "Anda tidak berwenang mengubah status Budi Santoso."
    assert Nominee.objects.get(pk=draft.pk).status == NomineeStatus.DRAFT


def test_history_records_the_actor(draft, officer):
    workflow.nominee_submit(nominee=draft, actor=officer)

    assert [(h.status, h.history_user) for h in Nominee.objects.get(pk=draft.pk).history.order_by("history_id")] == [
        (NomineeStatus.DRAFT, officer), (NomineeStatus.SUBMITTED, officer)]


# --- demo_set_status (demo data only) --------------------------------------------------------

def test_demo_set_status_writes_status_and_event(draft, reviewer):
    workflow.demo_set_status(nominee=draft, to=NomineeStatus.RETURNED, actor=reviewer, reason="KK tidak terbaca")

    saved = Nominee.objects.get(pk=draft.pk)
    assert (saved.status, saved.status_reason) == (NomineeStatus.RETURNED, "KK tidak terbaca")
    assert events(draft)[-1] == (reviewer.pk, NomineeStatus.DRAFT, NomineeStatus.RETURNED, "KK tidak terbaca")


def test_demo_set_status_refuses_in_production(draft, reviewer, settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(ImproperlyConfigured):
        workflow.demo_set_status(nominee=draft, to=NomineeStatus.APPROVED, actor=reviewer)
    assert Nominee.objects.get(pk=draft.pk).status == NomineeStatus.DRAFT
    assert len(events(draft)) == 1
