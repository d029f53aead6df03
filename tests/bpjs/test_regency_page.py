"""The regency's BPJS page (bpjs/views.regency_batches): every batch with where its nominees stand,
the BPJS officer's start page (issue 6)."""

import datetime as dt

import pytest
from django.urls import reverse

from bpjs import services as bpjs_services
from registrations.enums import NomineeStatus
from registrations.models import Nominee

from .conftest import nik_for

S = NomineeStatus
BORN = dt.date(1990, 5, 15)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def batch_of(programme, make_nominee, village, officer, regency_admin, serials):
    """A batch of nominees with these serials (approved, then sent in one batch)."""
    made = []
    for serial in serials:
        nominee = make_nominee(programme, village, officer, nik=nik_for(BORN, serial=serial),
                               full_name=f"Calon {serial}")
        Nominee.objects.filter(pk=nominee.pk).update(status=S.APPROVED)
        made.append(nominee)
    return bpjs_services.export_batch_create(programme=programme, created_by=regency_admin), made


def page_url(regency):
    return reverse("registrations:bpjs-regency", args=[regency.pk])


def test_bpjs_officer_sees_each_batch_with_its_answers_counted(login, open_programme, make_nominee, niur, officer,
                                                                regency_admin, bpjs_officer, seluma):
    first, nominees = batch_of(open_programme, make_nominee, niur, officer, regency_admin, [1, 2, 3])
    Nominee.objects.filter(pk=nominees[0].pk).update(status=S.REGISTERED)
    Nominee.objects.filter(pk=nominees[1].pk).update(status=S.REFUSED_BY_BPJS)
    second, _ = batch_of(open_programme, make_nominee, niur, officer, regency_admin, [4])

    response = login(bpjs_officer).get(page_url(seluma))

    assert response.status_code == 200
    rows = [(batch.number, batch.row_count, batch.waiting, batch.registered, batch.refused)
            for batch in response.context["page"].object_list]
    assert rows == [(second.number, 1, 1, 0, 0), (first.number, 3, 1, 1, 1)]
    content = response.content.decode()
    assert f"Unduh Excel {first.number}" in content
    assert reverse("registrations:bpjs-answer-upload", args=[seluma.pk]) in content


def test_regency_admin_sees_the_page_and_an_empty_state(login, regency_admin, seluma):
    response = login(regency_admin).get(page_url(seluma))

    assert response.status_code == 200
    assert "Dinas belum mengirim batch ke BPJS untuk Kabupaten Seluma" in response.content.decode()


@pytest.mark.parametrize("persona", ["viewer", "officer", "other_reviewer", "province_viewer"])
def test_anyone_else_gets_a_404(request, login, seluma, persona):
    response = login(request.getfixturevalue(persona)).get(page_url(seluma))

    assert response.status_code == 404


@pytest.mark.parametrize("batches", [1, 3])
def test_query_count_does_not_grow_with_the_batches(login, open_programme, make_nominee, niur, officer, regency_admin,
                                                     bpjs_officer, seluma, django_assert_num_queries, batches):
    for serial in range(1, batches + 1):
        batch_of(open_programme, make_nominee, niur, officer, regency_admin, [serial])
    client = login(bpjs_officer)

    # The user, regency, the user's regions (scope), the batch count, the batches with their
    # counts, the unread notices of the header. The session is read from Redis.
    with django_assert_num_queries(6):
        response = client.get(page_url(seluma))

    assert len(response.context["page"].object_list) == batches


def test_regency_page_links_to_the_bpjs_page_for_the_branch(login, bpjs_officer, viewer, seluma):
    link = page_url(seluma)

    assert link in login(bpjs_officer).get(reverse("villages:regency-detail", args=[seluma.pk])).content.decode()
    assert link not in login(viewer).get(reverse("villages:regency-detail", args=[seluma.pk])).content.decode()
