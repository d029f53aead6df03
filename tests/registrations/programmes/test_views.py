"""registrations/programmes/views.py: the regency's programme pages."""

import datetime as dt

import pytest
from django.urls import reverse

from common.formatting import format_date, format_period
from registrations.models import Programme, VillageQuota

from ..conftest import TODAY


def programme_post(**overrides):
    data = {
        "name": "Perlindungan Pekerja Rentan 2027", "year": "2027", "stage": "1", "legal_basis": "Perbup 1/2027",
        "implementing_office": "", "funding_source": "apbd", "bpjs_funding_code": "SG", "income_tier": "1000000",
        "months_paid": "3", "coverage_start": (TODAY + dt.timedelta(days=30)).isoformat(),
        "nomination_opens": TODAY.isoformat(), "nomination_closes": (TODAY + dt.timedelta(days=14)).isoformat(),
        "min_age": "18", "max_age_exclusive": "65", "quota_rule": "per_village", "quota_per_village": "10",
        "quota_total": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- List -------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["regency_admin", "reviewer", "approver", "viewer"])
def test_list_shows_the_regencys_programmes(login, persona, request, seluma, open_programme):
    response = login(request.getfixturevalue(persona)).get(
        reverse("registrations:programme-list", args=[seluma.pk]))

    assert response.status_code == 200
    assert list(response.context["programmes"]) == [open_programme]
    assert "Rp16.800" in response.content.decode()


@pytest.mark.parametrize("persona", ["other_reviewer", "officer"])
def test_list_out_of_scope_is_404(login, persona, request, seluma, open_programme):
    response = login(request.getfixturevalue(persona)).get(
        reverse("registrations:programme-list", args=[seluma.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_does_not_grow(login, reviewer, seluma, regency_admin, django_assert_num_queries, count):
    from registrations import services

    for stage in range(1, count + 1):
        services.programme_create(regency=seluma, created_by=regency_admin, name="Program", year=2026, stage=stage,
                                  coverage_start=TODAY, nomination_opens=TODAY, nomination_closes=TODAY)
    client = login(reviewer)
    url = reverse("registrations:programme-list", args=[seluma.pk])
    # 1 user, 2 the user's region assignments (scope), 3 the regency,
    # 4 the programmes with their active-nominee counts, 5 the unread notices (header).
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["programmes"]) == count


def test_list_shows_the_quota_rule_and_the_window_as_written(login, reviewer, seluma, regency_admin):
    from registrations import services

    services.programme_create(regency=seluma, created_by=regency_admin, name="Program Desa", year=2027, stage=1,
                              coverage_start=dt.date(2027, 4, 1), nomination_opens=dt.date(2027, 1, 1),
                              nomination_closes=dt.date(2027, 3, 31), quota_per_village=10)
    services.programme_create(regency=seluma, created_by=regency_admin, name="Program Kabupaten", year=2027, stage=2,
                              coverage_start=dt.date(2027, 7, 1), nomination_opens=dt.date(2027, 5, 1),
                              nomination_closes=dt.date(2027, 5, 15), quota_rule="regency_total", quota_total=2_020)

    page = login(reviewer).get(reverse("registrations:programme-list", args=[seluma.pk])).content.decode()

    assert "Tahun 2027 · Tahap 1 · 10 orang per desa/kelurahan</span>" in page
    assert "Tahun 2027 · Tahap 2 · 2.020 orang untuk seluruh kabupaten/kota</span>" in page
    assert "N orang" not in page
    assert "<td>1 Januari – 31 Maret 2027" in page and "<td>1–15 Mei 2027" in page


@pytest.mark.parametrize(("persona", "shown"), [
    ("regency_admin", True), ("sysadmin", True), ("reviewer", False), ("approver", False), ("viewer", False),
])
def test_only_the_regency_admin_sees_the_create_button(login, request, persona, shown, seluma, open_programme):
    response = login(request.getfixturevalue(persona)).get(reverse("registrations:programme-list", args=[seluma.pk]))

    page = response.content.decode()
    assert response.context["can_manage"] is shown
    assert ("Buat program baru" in page) is shown
    told = "Program dan kuota desa dibuat dan diubah oleh admin kabupaten/kota" in page
    assert told is (persona in ("reviewer", "approver"))


# --- Detail -----------------------------------------------------------------------------------

def test_detail_shows_premium_budget_quota_and_window(login, regency_admin, open_programme):
    response = login(regency_admin).get(reverse("registrations:programme-detail", args=[open_programme.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert (response.context["premium_label"], response.context["budget_label"],
            response.context["quota_total_label"]) == ("Rp16.800", "Rp101.808.000", "2.020")
    assert "Rp101.808.000" in page and "Rp16.800" in page and "2.020" in page
    assert response.context["window_label"] == "dibuka"
    assert response.context["quota_form"] is not None
    assert "<dt>Aturan kuota</dt><dd>10 orang per desa/kelurahan</dd>" in page
    opens, closes = open_programme.nomination_opens, open_programme.nomination_closes
    assert f"<dd>{format_period(opens, closes)}</dd>" in page  # e.g. "27 November – 11 Desember 2026"
    assert f"<dt>Mulai kepesertaan</dt><dd>{format_date(open_programme.coverage_start)}</dd>" in page


@pytest.mark.parametrize("persona", ["other_reviewer", "officer", "neighbour_officer"])
def test_detail_out_of_scope_is_404(login, persona, request, open_programme):
    response = login(request.getfixturevalue(persona)).get(
        reverse("registrations:programme-detail", args=[open_programme.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "reviewer", "approver"])
def test_others_see_detail_without_edit_controls(login, request, persona, open_programme):
    response = login(request.getfixturevalue(persona)).get(
        reverse("registrations:programme-detail", args=[open_programme.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert (response.context["can_manage"], response.context["quota_form"]) == (False, None)
    assert "Ubah program" not in page and "Simpan kuota" not in page


def test_detail_of_a_missing_programme_is_404(login, reviewer, seluma):
    assert login(reviewer).get(reverse("registrations:programme-detail", args=[999999])).status_code == 404


# --- Create and edit --------------------------------------------------------------------------

def test_create_computes_the_premium(login, regency_admin, seluma):
    response = login(regency_admin).post(reverse("registrations:programme-create", args=[seluma.pk]),
                                         programme_post(includes_jht="on"))

    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:programme-detail", args=[programme.pk])
    assert (programme.regency, programme.created_by, programme.premium_per_month, programme.includes_jht) == (
        seluma, regency_admin, 36_800, True)
    assert programme.implementing_office == seluma.settings.office_name


def test_create_form_errors_are_in_indonesian(login, regency_admin, seluma):
    response = login(regency_admin).post(
        reverse("registrations:programme-create", args=[seluma.pk]),
        programme_post(nomination_opens=(TODAY + dt.timedelta(days=20)).isoformat(), quota_rule="regency_total"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["nomination_closes"] == ["Tanggal tutup harus sesudah tanggal buka."]
    assert response.context["form"].errors["quota_total"] == ["Isi kuota seluruh kabupaten untuk aturan kuota ini."]
    assert Programme.objects.count() == 0


# The bupati's viewer, the reviewer and the approver read the programmes but may not change them
# (the reviewers and approvers decide by the programme's rules, so they do not set them): refused
# with the same 404 as a missing regency or programme, like an outsider, never a 403 that says "it
# is there".
@pytest.mark.parametrize("persona", ["viewer", "reviewer", "approver", "other_reviewer", "officer"])
def test_create_is_refused_to_others_as_if_the_regency_were_missing(login, persona, request, seluma):
    client = login(request.getfixturevalue(persona))
    url = reverse("registrations:programme-create", args=[seluma.pk])
    missing = client.get(reverse("registrations:programme-create", args=[987654]))

    page, post = client.get(url), client.post(url, programme_post())

    assert (page.status_code, post.status_code, missing.status_code) == (404, 404, 404)
    assert page.content == post.content == missing.content
    assert Programme.objects.count() == 0


def test_edit_updates_and_recomputes(login, regency_admin, open_programme):
    response = login(regency_admin).post(reverse("registrations:programme-edit", args=[open_programme.pk]),
                                    programme_post(name="Tahap I (diperbaiki)", income_tier="2000000"))

    programme = Programme.objects.get()
    assert response.status_code == 302
    assert (programme.name, programme.premium_per_month) == ("Tahap I (diperbaiki)", 26_800)
    assert programme.history.first().history_user == regency_admin


@pytest.mark.parametrize("persona", ["viewer", "reviewer", "approver", "other_reviewer", "officer"])
def test_edit_is_refused_to_others_as_if_the_programme_were_missing(login, persona, request, open_programme):
    client = login(request.getfixturevalue(persona))
    url = reverse("registrations:programme-edit", args=[open_programme.pk])
    missing = client.get(reverse("registrations:programme-edit", args=[987654]))

    page, post = client.get(url), client.post(url, programme_post(name="Dirusak"))

    assert (page.status_code, post.status_code, missing.status_code) == (404, 404, 404)
    assert page.content == post.content == missing.content
    programme = Programme.objects.get()
    assert (programme.name, programme.history.count()) == ("Perlindungan Pekerja Rentan 2026", 1)


# --- Village quota ----------------------------------------------------------------------------

def test_set_a_village_quota(login, regency_admin, open_programme, niur):
    response = login(regency_admin).post(reverse("registrations:programme-village-quota", args=[open_programme.pk]),
                                         {"village": niur.pk, "quota": "15"})

    assert response.status_code == 302
    assert list(VillageQuota.objects.values_list("village", "quota")) == [(niur.pk, 15)]
    detail = login(regency_admin).get(reverse("registrations:programme-detail", args=[open_programme.pk]))
    assert detail.context["quota_total_label"] == "2.025"
    assert [(o.village, o.quota, o.taken) for o in detail.context["overrides"]] == [(niur, 15, 0)]


def test_village_quota_below_places_taken_shows_the_reason(login, regency_admin, open_programme, niur, officer,
                                                           make_nominee):
    make_nominee(open_programme, niur, officer)

    response = login(regency_admin).post(reverse("registrations:programme-village-quota", args=[open_programme.pk]),
                                         {"village": niur.pk, "quota": "0"})

    assert response.status_code == 400
    assert response.context["quota_form"].non_field_errors() == [
        "Niur sudah punya 1 calon aktif; kuota tidak bisa kurang dari 1."]
    assert VillageQuota.objects.count() == 0


def test_village_quota_of_another_regencys_village_is_not_a_choice(login, regency_admin, open_programme,
                                                                    other_regency):
    from villages.models import Village

    village = Village.objects.filter(subdistrict__regency=other_regency).first()

    response = login(regency_admin).post(reverse("registrations:programme-village-quota", args=[open_programme.pk]),
                                         {"village": village.pk, "quota": "3"})

    assert response.status_code == 400
    assert response.context["quota_form"].errors["village"] == ["Pilih desa/kelurahan dari daftar."]


@pytest.mark.parametrize("persona", ["viewer", "reviewer", "approver", "other_reviewer", "officer"])
def test_village_quota_is_refused_to_others_as_if_the_programme_were_missing(login, persona, request,
                                                                             open_programme, niur):
    client = login(request.getfixturevalue(persona))
    missing = client.post(reverse("registrations:programme-village-quota", args=[987654]),
                          {"village": niur.pk, "quota": "3"})

    response = client.post(reverse("registrations:programme-village-quota", args=[open_programme.pk]),
                           {"village": niur.pk, "quota": "3"})

    assert (response.status_code, missing.status_code) == (404, 404)
    assert response.content == missing.content
    assert VillageQuota.objects.count() == 0


def test_regency_page_links_to_programmes(login, viewer, seluma):
    response = login(viewer).get(reverse("villages:regency-detail", args=[seluma.pk]))

    assert reverse("registrations:programme-list", args=[seluma.pk]) in response.content.decode()


def test_edit_with_the_office_left_blank_keeps_the_regency_office(login, regency_admin, open_programme, seluma):
    # Regression: programme_update did not default a blank office as programme_create does, so the
    # edit form (where the field is optional) failed with "Field ini tidak boleh kosong."
    response = login(regency_admin).post(reverse("registrations:programme-edit", args=[open_programme.pk]),
                                         programme_post(implementing_office=""))

    assert response.status_code == 302
    assert Programme.objects.get().implementing_office == seluma.settings.office_name
