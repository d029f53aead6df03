"""jamsostek_portal/views.py: the health check, and the error pages (Indonesian, no database, JSON under
/api/)."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from jamsostek_portal import views


def test_healthz_answers_ok_without_a_login(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_healthz_is_read_only(client, db):
    assert client.post("/healthz").status_code == 405


# --- Error pages: Indonesian, no database, JSON under /api/ ------------------------------------

@pytest.mark.parametrize(("handler", "status", "title"), [
    (views.bad_request, 400, "Permintaan tidak dapat diproses"),
    (views.permission_denied, 403, "Akses ditolak"),
    (views.page_not_found, 404, "Halaman tidak ditemukan"),
    (views.server_error, 500, "Terjadi gangguan"),
])
def test_error_pages_are_indonesian_need_no_database_and_lead_home(handler, status, title, db,
                                                                 django_assert_num_queries):
    request = RequestFactory().get("/usulan/calon/99999/")

    with django_assert_num_queries(0):
        response = handler(request) if status == 500 else handler(request, None)

    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in page
    assert '<a class="button primary" href="/">Kembali ke beranda</a>' in page
    assert '<html lang="id">' in page


def test_the_500_page_says_the_change_was_not_saved(db):
    page = views.server_error(RequestFactory().post("/usulan/desa/1/tambah/")).content.decode()

    assert "Perubahan terakhir Anda belum tersimpan." in page
    assert "coba lagi" in page


def test_an_out_of_scope_page_shows_the_indonesian_404(client, db, other_regency, officer):
    client.force_login(officer)  # a village officer of Seluma asks for another regency's page

    response = client.get(reverse("villages:regency-detail", args=[other_regency.pk]))

    assert response.status_code == 404
    assert "<h1>Halaman tidak ditemukan</h1>" in response.content.decode()


def test_an_unknown_api_address_answers_json(client, db):
    response = client.get("/api/v1/tidak-ada/")

    assert (response.status_code, response["Content-Type"], response.json()) == (
        404, "application/json", {"detail": "Tidak ditemukan."})


@override_settings(ROOT_URLCONF="tests.jamsostek_portal.failing_urls")
@pytest.mark.parametrize(("path", "expected"), [
    ("/gagal/", "Perubahan terakhir Anda belum tersimpan."),
    ("/api/v1/gagal/", '{"detail": "Terjadi gangguan di server; perubahan belum tersimpan. Coba lagi."}'),
])
def test_a_failing_view_answers_the_500_page(client, db, path, expected):
    client.raise_request_exception = False

    response = client.get(path)

    assert response.status_code == 500
    assert expected in response.content.decode()


def test_a_form_without_a_csrf_token_gets_the_indonesian_403(db):
    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "<h1>Akses ditolak</h1>" in response.content.decode()
