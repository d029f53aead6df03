"""accounts/regions/views.py: region pages, each tried by the persona in scope (200) and the one outside (404)."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.services import user_create
from villages.enums import ApprovalSteps, TimeZone
from villages.loader import load_regions
from villages.models import Province, Regency, RegencySettings, Subdistrict, Village
from villages.services import regency_settings_ensure

# url name, the region fixture it shows, the persona, the expected status. Out of scope is 404,
# never 403 or a redirect: a page must not tell who is asking that the region exists.
SCOPE_CASES = [
    ("villages:province-detail", "bengkulu", "province_viewer", 200),
    ("villages:province-detail", "bengkulu", "sysadmin", 200),
    ("villages:province-detail", "bengkulu", "reviewer", 404),
    ("villages:province-detail", "bengkulu", "officer", 404),
    ("villages:regency-detail", "seluma", "reviewer", 200),
    ("villages:regency-detail", "seluma", "viewer", 200),
    ("villages:regency-detail", "seluma", "bpjs_officer", 200),
    ("villages:regency-detail", "seluma", "province_viewer", 200),
    ("villages:regency-detail", "seluma", "officer", 404),
    ("villages:regency-detail", "seluma", "other_reviewer", 404),
    ("villages:regency-detail", "seluma", "other_admin", 404),
    ("villages:regency-settings-edit", "seluma", "regency_admin", 200),
    ("villages:regency-settings-edit", "seluma", "sysadmin", 200),
    ("villages:regency-settings-edit", "seluma", "viewer", 404),
    ("villages:regency-settings-edit", "seluma", "reviewer", 404),
    ("villages:regency-settings-edit", "seluma", "officer", 404),
    ("villages:regency-settings-edit", "seluma", "other_admin", 404),
    ("villages:subdistrict-detail", "sukaraja", "reviewer", 200),
    ("villages:subdistrict-detail", "sukaraja", "province_viewer", 200),
    ("villages:subdistrict-detail", "sukaraja", "officer", 404),
    ("villages:subdistrict-detail", "sukaraja", "other_reviewer", 404),
    ("villages:village-detail", "lubuk_sahung", "neighbour_officer", 200),
    ("villages:village-detail", "lubuk_sahung", "reviewer", 200),
    ("villages:village-detail", "lubuk_sahung", "sysadmin", 200),
    ("villages:village-detail", "lubuk_sahung", "officer", 404),
    ("villages:village-detail", "lubuk_sahung", "other_reviewer", 404),
]
CONTEXT_NAME = {
    "villages:province-detail": "province",
    "villages:regency-detail": "regency",
    "villages:regency-settings-edit": "regency",
    "villages:subdistrict-detail": "subdistrict",
    "villages:village-detail": "village",
}


@pytest.mark.parametrize(("url_name", "region_fixture", "persona", "status"), SCOPE_CASES)
def test_region_pages_are_scoped(request, login, url_name, region_fixture, persona, status):
    region = request.getfixturevalue(region_fixture)
    client = login(request.getfixturevalue(persona))

    response = client.get(reverse(url_name, args=[region.pk]))

    assert response.status_code == status
    if status == 200:
        assert response.context[CONTEXT_NAME[url_name]] == region


@pytest.mark.parametrize(("url_name", "region_fixture"), [
    ("villages:index", None),
    ("villages:province-detail", "bengkulu"),
    ("villages:regency-detail", "seluma"),
    ("villages:regency-settings-edit", "seluma"),
    ("villages:subdistrict-detail", "sukaraja"),
    ("villages:village-detail", "niur"),
])
def test_region_pages_send_strangers_to_the_login_page(request, client, url_name, region_fixture):
    args = [request.getfixturevalue(region_fixture).pk] if region_fixture else []
    url = reverse(url_name, args=args)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_missing_region_is_404_even_for_the_sysadmin(login, sysadmin):
    response = login(sysadmin).get(reverse("villages:village-detail", args=[999_999_999]))

    assert response.status_code == 404


# --- index and province ---------------------------------------------------------------------

def test_index_lists_the_provinces_with_loaded_regencies(login, sysadmin, bengkulu):
    load_regions(["51.71"])  # Kota Denpasar, Bali
    Province.objects.create(code="52", name="Nusa Tenggara Barat")  # no regency loaded: not listed

    response = login(sysadmin).get(reverse("villages:index"))

    assert [(p.name, p.regency_count) for p in response.context["provinces"]] == [("Bengkulu", 2), ("Bali", 1)]
    assert "2 kabupaten/kota" in response.content.decode()


def test_index_shows_the_province_viewer_only_their_province(login, province_viewer, bengkulu):
    load_regions(["51.71"])

    response = login(province_viewer).get(reverse("villages:index"))

    assert list(response.context["provinces"]) == [bengkulu]


@pytest.mark.parametrize("persona", ["officer", "reviewer"])
def test_index_shows_no_province_to_people_below_the_province(request, login, persona):
    response = login(request.getfixturevalue(persona)).get(reverse("villages:index"))

    assert response.status_code == 200
    assert list(response.context["provinces"]) == []


def test_province_page_lists_its_loaded_regencies(login, province_viewer, bengkulu):
    response = login(province_viewer).get(reverse("villages:province-detail", args=[bengkulu.pk]))

    assert [(r.code, r.name, r.subdistrict_count) for r in response.context["regencies"]] == [
        ("17.01", "Kabupaten Bengkulu Selatan", 11),
        ("17.05", "Kabupaten Seluma", 14),
    ]


# --- regency -------------------------------------------------------------------------------------

def test_regency_page_shows_the_subdistricts_and_totals(login, reviewer, seluma):
    response = login(reviewer).get(reverse("villages:regency-detail", args=[seluma.pk]))

    subdistricts = response.context["subdistricts"]
    assert len(subdistricts) == 14
    assert (subdistricts[0].name, subdistricts[0].village_count, subdistricts[0].kelurahan_count) == ("Sukaraja", 21, 2)
    assert (response.context["village_total"], response.context["kelurahan_total"]) == (202, 20)
    assert response.context["can_manage"] is False
    assert "Dinas Tenaga Kerja dan Transmigrasi" in response.content.decode()
    assert reverse("villages:regency-settings-edit", args=[seluma.pk]) not in response.content.decode()


def test_regency_admin_sees_the_management_links(login, regency_admin, seluma):
    response = login(regency_admin).get(reverse("villages:regency-detail", args=[seluma.pk]))

    page = response.content.decode()
    assert response.context["can_manage"] is True
    assert reverse("villages:regency-settings-edit", args=[seluma.pk]) in page
    assert reverse("accounts:regency-accounts", args=[seluma.pk]) in page


@pytest.mark.parametrize("regency_code", ["17.01", "17.05"])  # 11 and 14 subdistricts
def test_regency_page_query_count_does_not_grow_with_subdistricts(login, province_viewer, django_assert_num_queries,
                                                                  regency_code):
    regency = Regency.objects.get(code=regency_code)
    regency_settings_ensure(regency=regency)  # the first view would create it: not what is measured
    client = login(province_viewer)

    # 1 user, 2 the user's region assignments (scope), 3 the regency with its province,
    # 4 the subdistricts with village counts, 5 the regency settings, 6 the unread notices (header).
    with django_assert_num_queries(6):
        response = client.get(reverse("villages:regency-detail", args=[regency.pk]))

    assert response.status_code == 200


# --- subdistrict and village -----------------------------------------------------------------------

def test_subdistrict_page_lists_its_villages_with_officer_counts(login, reviewer, officer, sukaraja, niur):
    response = login(reviewer).get(reverse("villages:subdistrict-detail", args=[sukaraja.pk]))

    villages = list(response.context["page"].object_list)
    assert len(villages) == 21
    assert [v.officer_count for v in villages if v.officer_count] == [1]
    assert next(v for v in villages if v.officer_count) == niur


@pytest.mark.parametrize("subdistrict_code", ["17.05.02", "17.05.05"])  # 7 and 26 villages
def test_subdistrict_page_query_count_does_not_grow_with_villages(login, reviewer, django_assert_num_queries,
                                                                  subdistrict_code):
    subdistrict = Subdistrict.objects.get(code=subdistrict_code)
    client = login(reviewer)

    # 1 user, 2 the user's region assignments (scope), 3 the subdistrict with its regency,
    # 4 the paginator's count, 5 the page of villages with officer counts, 6 the unread notices (header).
    with django_assert_num_queries(6):
        response = client.get(reverse("villages:subdistrict-detail", args=[subdistrict.pk]))

    assert len(response.context["page"].object_list) == subdistrict.villages.count()


def test_village_page_shows_the_village_and_its_active_officers(login, reviewer, officer, niur):
    response = login(reviewer).get(reverse("villages:village-detail", args=[niur.pk]))

    page = response.content.decode()
    assert response.context["officers"] == [officer]
    assert "<h1>Desa Niur</h1>" in page
    assert "Siti Aminah (op-niur)" in page


@pytest.mark.parametrize("officers", [1, 3])
def test_village_page_query_count_does_not_grow_with_officers(login, reviewer, niur, officers,
                                                              django_assert_num_queries):
    for number in range(officers):
        user_create(username=f"op-niur-{number}", role=Role.VILLAGE_OFFICER, regions=[niur])
    client = login(reviewer)

    # 1 user, 2 the user's region assignments (scope), 3 the village with its subdistrict
    # and regency, 4 the officers with their users, 5 the unread notices (header).
    with django_assert_num_queries(5):
        response = client.get(reverse("villages:village-detail", args=[niur.pk]))

    assert len(response.context["officers"]) == officers


def test_retired_village_page_says_so(login, reviewer, niur):
    Village.objects.filter(pk=niur.pk).update(is_retired=True)

    response = login(reviewer).get(reverse("villages:village-detail", args=[niur.pk]))

    assert "sudah tidak ada di data Kemendagri terbaru" in response.content.decode()


# --- regency settings ----------------------------------------------------------------------------

def settings_form(**changes) -> dict:
    form = {
        "office_name": "Dinas Tenaga Kerja dan Transmigrasi",
        "office_short_name": "Disnakertrans",
        "head_name": "",
        "head_title": "Kepala Dinas",
        "head_nip": "",
        "time_zone": TimeZone.WIB,
        "approval_steps": ApprovalSteps.TWO,
    }
    return {**form, **changes}


def test_regency_admin_renames_the_office_and_every_page_follows(login, regency_admin, seluma):
    client = login(regency_admin)
    assert '<span class="office">Disnakertrans Kabupaten Seluma</span>' in client.get(
        reverse("villages:regency-detail", args=[seluma.pk])).content.decode()

    response = client.post(
        reverse("villages:regency-settings-edit", args=[seluma.pk]),
        settings_form(office_name="Dinas Sosial", office_short_name="Dinsos"),
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain == [(reverse("villages:regency-detail", args=[seluma.pk]), 302)]
    assert "Pengaturan kabupaten/kota disimpan." in page
    assert "Dinas Sosial · Provinsi Bengkulu" in page
    assert '<span class="office">Dinsos Kabupaten Seluma</span>' in page
    latest = RegencySettings.objects.get(regency=seluma).history.latest()
    assert (latest.office_name, latest.office_short_name, latest.history_user) == (
        "Dinas Sosial", "Dinsos", regency_admin,
    )


def test_invalid_nip_is_refused_in_indonesian(login, regency_admin, seluma):
    response = login(regency_admin).post(
        reverse("villages:regency-settings-edit", args=[seluma.pk]),
        settings_form(office_name="Dinas Sosial", head_nip="19700101 1990"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"head_nip": ["NIP terdiri dari 18 digit angka."]}
    assert "NIP terdiri dari 18 digit angka." in response.content.decode()
    assert RegencySettings.objects.get(regency=seluma).office_name == "Dinas Tenaga Kerja dan Transmigrasi"


def test_nip_typed_with_spaces_is_stored_as_18_digits(login, regency_admin, seluma):
    login(regency_admin).post(
        reverse("villages:regency-settings-edit", args=[seluma.pk]),
        settings_form(head_name="Drs. Hendra", head_nip="19700101 199003 1 002"),
    )

    assert RegencySettings.objects.get(regency=seluma).head_nip == "197001011990031002"


@pytest.mark.parametrize("persona", ["viewer", "other_admin"])
def test_settings_post_out_of_scope_is_404_and_changes_nothing(request, login, seluma, persona):
    response = login(request.getfixturevalue(persona)).post(
        reverse("villages:regency-settings-edit", args=[seluma.pk]),
        settings_form(office_name="Dinas Sosial"),
    )

    assert response.status_code == 404
    assert not RegencySettings.objects.filter(regency=seluma, office_name="Dinas Sosial").exists()


def test_time_zone_change_shows_at_once_in_the_admins_pages(login, regency_admin, seluma):
    client = login(regency_admin)

    response = client.post(
        reverse("villages:regency-settings-edit", args=[seluma.pk]),
        settings_form(time_zone=TimeZone.WITA),
        follow=True,
    )

    assert "waktu ditampilkan dalam WITA" in response.content.decode()


def test_settings_page_offers_the_approval_steps_as_radio_buttons(login, regency_admin, seluma):
    page = login(regency_admin).get(reverse("villages:regency-settings-edit", args=[seluma.pk])).content.decode()

    assert '<legend>Alur persetujuan</legend>' in page
    assert '<input type="radio" name="approval_steps" id="id_approval_steps_0" value="2" checked>' in page
    assert '<label for="id_approval_steps_0">Dua tahap: verifikator memverifikasi, penyetuju menyetujui</label>' in page
    assert '<input type="radio" name="approval_steps" id="id_approval_steps_1" value="1">' in page
    assert "prinsip empat mata" in page


def test_regency_admin_switches_to_one_step_approval(login, regency_admin, seluma):
    response = login(regency_admin).post(
        reverse("villages:regency-settings-edit", args=[seluma.pk]),
        settings_form(approval_steps=ApprovalSteps.ONE),
    )

    assert response.status_code == 302
    saved = RegencySettings.objects.get(regency=seluma)
    assert saved.approval_steps == ApprovalSteps.ONE
    assert saved.history.latest().history_user == regency_admin


def test_approval_steps_must_be_chosen(login, regency_admin, seluma):
    form = settings_form()
    del form["approval_steps"]

    response = login(regency_admin).post(reverse("villages:regency-settings-edit", args=[seluma.pk]), form)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["approval_steps"]
    assert RegencySettings.objects.get(regency=seluma).approval_steps == ApprovalSteps.TWO
