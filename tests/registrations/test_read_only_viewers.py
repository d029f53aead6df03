"""Field fit 17: those who read a village's list without reviewing it (the regent's office viewer,
the province viewer, the BPJS officer) come to it from the coverage dashboard and read it as a
list: the breadcrumb leads back to the dashboard, a registration's KPJ is a remark (Keterangan), not
a warning's "Alasan", and the header offers no review queue to anyone who reviews nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from registrations.enums import NomineeStatus as S
from registrations.models import Nominee

KPJ_REMARK = "KPJ 27050100009 terdaftar 15-07-2026"


def _page(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.fixture
def niur_list(programme, niur, add_nominees):
    """Niur's list: one worker registered with BPJS (the branch's KPJ as the status remark), one
    returned for correction (a reason)."""
    [registered] = add_nominees(programme, niur, 1, S.REGISTERED, dt.date(2026, 7, 15))
    [returned] = add_nominees(programme, niur, 1, S.RETURNED)
    Nominee.objects.filter(pk=registered.pk).update(status_reason=KPJ_REMARK)
    Nominee.objects.filter(pk=returned.pk).update(status_reason="Nomor KK tidak sesuai kartu keluarga")
    return registered, returned


def _dashboard_crumbs(seluma, sukaraja) -> str:
    return (f'<nav class="crumbs" aria-label="Lokasi"><a href="{reverse("reports:regency-detail", args=[seluma.pk])}">'
            f'Cakupan UCJ {seluma.name}</a> › <a href="{reverse("reports:subdistrict-detail", args=[sukaraja.pk])}">'
            f"Kecamatan {sukaraja.name}</a> › ")


@pytest.mark.parametrize("persona", ["viewer", "province_viewer", "bpjs_officer"])
def test_a_read_only_viewer_reads_the_village_list_under_the_dashboard(request, login, persona, seluma, sukaraja,
                                                                       niur, niur_list):
    page = _page(login(request.getfixturevalue(persona)).get(reverse("registrations:village", args=[niur.pk])))

    assert _dashboard_crumbs(seluma, sukaraja) + "Desa Niur</nav>" in page
    assert f'<p class="remark"><strong>Keterangan:</strong> {KPJ_REMARK}</p>' in page
    assert ('<p class="reason"><strong>Alasan dikembalikan:</strong> Nomor KK tidak sesuai kartu keluarga</p>'
            in page)
    assert "Alasan:" not in page
    for review_wording in ("Verifikasi usulan", "Antrean verifikasi", "perbaiki datanya, lalu kirim lagi"):
        assert review_wording not in page
    assert "1 calon dikembalikan oleh dinas untuk diperbaiki. Operator desa memperbaiki dan mengirimnya lagi." in page


def test_the_village_officer_keeps_the_page_without_the_dashboard(login, officer, niur, niur_list):
    page = _page(login(officer).get(reverse("registrations:village", args=[niur.pk])))

    assert "Cakupan UCJ" not in page
    assert "Baca alasannya, perbaiki datanya, lalu kirim lagi ke kabupaten." in page
    assert f'<p class="remark"><strong>Keterangan:</strong> {KPJ_REMARK}</p>' in page


@pytest.mark.parametrize(("persona", "offered"), [
    ("reviewer", True), ("approver", True), ("regency_admin", True), ("sysadmin", True),
    ("viewer", False), ("province_viewer", False), ("bpjs_officer", False),
])
def test_the_header_offers_the_review_queue_only_to_who_works_the_review(request, login, seluma, persona, offered):
    page = _page(login(request.getfixturevalue(persona)).get(reverse("reports:regency-detail", args=[seluma.pk])))

    assert (f'<a href="{reverse("registrations:review-queue")}">Antrean verifikasi</a>' in page) is offered


def test_the_review_page_read_by_the_regents_office_is_the_village_list_under_the_dashboard(
        login, viewer, programme, seluma, sukaraja, niur, niur_list):
    page = _page(login(viewer).get(reverse("registrations:review-village", args=[programme.pk, niur.pk])))

    assert "<title>Usulan Desa Niur · Jamsostek Portal</title>" in page
    assert _dashboard_crumbs(seluma, sukaraja) + "Desa Niur</nav>" in page
    assert "Verifikasi usulan" not in page and "Alasan:" not in page
    assert f'<p class="remark"><strong>Keterangan:</strong> {KPJ_REMARK}</p>' in page


def test_the_reviewer_keeps_the_review_path_and_reads_a_registration_as_a_remark(login, reviewer, programme, niur,
                                                                                  niur_list):
    page = _page(login(reviewer).get(reverse("registrations:review-village", args=[programme.pk, niur.pk])))

    assert "<title>Verifikasi Desa Niur · Jamsostek Portal</title>" in page
    assert f'<a href="{reverse("registrations:review-queue")}?programme={programme.pk}">Verifikasi usulan</a>' in page
    assert f'<p class="remark"><strong>Keterangan:</strong> {KPJ_REMARK}</p>' in page
    assert "Alasan:" not in page


def test_a_nominee_read_from_the_dashboard_leads_back_to_it(login, viewer, seluma, sukaraja, niur, niur_list):
    registered, _ = niur_list

    page = _page(login(viewer).get(reverse("registrations:nominee-detail", args=[registered.pk])))

    assert (_dashboard_crumbs(seluma, sukaraja) + f'<a href="{reverse("registrations:village", args=[niur.pk])}">'
            f"Desa Niur</a> › {registered.full_name}</nav>") in page
    assert f'<p class="remark"><strong>Keterangan:</strong> {KPJ_REMARK}</p>' in page
