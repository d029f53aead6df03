"""Opening one nominee's page or edit form with NIK and KK in full is logged like an export (who,
when, which nominee, common.access_log.reveal_record); a masked role's opening reveals nothing."""

import pytest
from django.urls import reverse

from common.models import ExportKind, ExportRecord
from registrations import workflow

from .conftest import NIK_MAN

pytestmark = pytest.mark.django_db

MASKED = "************0001"


@pytest.fixture
def submitted(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer)
    workflow.nominee_submit(nominee=nominee, actor=officer)
    return nominee


def _reveals():
    return list(ExportRecord.objects.filter(kind=ExportKind.NOMINEE_REVEAL)
                .values_list("requested_by__username", "nominee_ref", "village__code", "regency__code"))


def test_the_reviewer_opening_a_nominee_page_is_logged(login, reviewer, submitted):
    page = login(reviewer).get(reverse("registrations:nominee-detail", args=[submitted.pk])).content.decode()

    assert NIK_MAN in page
    assert _reveals() == [(reviewer.username, submitted.pk, submitted.village.code, "17.05")]
    record = ExportRecord.objects.get(kind=ExportKind.NOMINEE_REVEAL)
    assert record.full_identifiers and record.row_count == 1 and record.filename == ""


def test_a_masked_role_opening_the_page_reveals_nothing_and_logs_nothing(login, viewer, submitted):
    page = login(viewer).get(reverse("registrations:nominee-detail", args=[submitted.pk])).content.decode()

    assert NIK_MAN not in page and MASKED in page
    assert _reveals() == []


def test_the_officer_opening_the_edit_form_is_logged(login, officer, open_programme, niur, make_nominee):
    draft = make_nominee(open_programme, niur, officer)

    page = login(officer).get(reverse("registrations:nominee-update", args=[draft.pk])).content.decode()

    assert NIK_MAN in page
    assert _reveals() == [(officer.username, draft.pk, niur.code, "17.05")]
