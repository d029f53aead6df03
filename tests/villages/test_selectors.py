"""villages/selectors.py: which regions each persona sees. Missing and forbidden both raise 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.enums import Role
from accounts.models import User
from accounts.scope import (
    home_regency_for_user,
    province_get_for_user,
    provinces_for_user,
    regencies_for_user,
    regency_get_for_user,
    subdistrict_get_for_user,
    subdistricts_for_user,
    village_get_for_user,
    villages_for_user,
    villages_with_officer_counts,
)
from villages.loader import load_regions
from villages.models import Province, Subdistrict, Village
from villages.selectors import UnknownRegion, region_by_code, subdistricts_with_counts


def codes(queryset) -> list[str]:
    return list(queryset.order_by("code").values_list("code", flat=True))


def village_codes_of(*regency_codes: str) -> list[str]:
    return codes(Village.objects.filter(subdistrict__regency__code__in=regency_codes))


# --- villages_for_user -------------------------------------------------------------------------

def test_officer_sees_only_their_village(officer, niur):
    assert list(villages_for_user(officer)) == [niur]


def test_neighbour_officer_sees_only_theirs(neighbour_officer, lubuk_sahung):
    assert list(villages_for_user(neighbour_officer)) == [lubuk_sahung]


@pytest.mark.parametrize("persona", ["regency_admin", "reviewer", "approver", "viewer", "bpjs_officer"])
def test_regency_staff_see_all_202_villages_of_seluma_and_none_elsewhere(request, persona):
    user = request.getfixturevalue(persona)

    visible = codes(villages_for_user(user))

    assert len(visible) == 202
    assert visible == village_codes_of("17.05")


def test_other_reviewer_sees_bengkulu_selatan_only(other_reviewer):
    assert codes(villages_for_user(other_reviewer)) == village_codes_of("17.01")


def test_province_viewer_sees_both_regencies_of_the_province_but_not_other_provinces(province_viewer):
    load_regions(["51.71"])  # Kota Denpasar, Bali

    visible = codes(villages_for_user(province_viewer))

    assert len(visible) == 202 + 158
    assert visible == village_codes_of("17.01", "17.05")


def test_sysadmin_sees_every_village(sysadmin):
    load_regions(["51.71"])

    assert codes(villages_for_user(sysadmin)) == codes(Village.objects.all())
    assert villages_for_user(sysadmin).count() == 202 + 158 + 43


def test_user_without_regions_or_inactive_or_anonymous_sees_nothing(seluma, reviewer):
    unassigned = User.objects.create_user("tanpa-wilayah", role=Role.REGENCY_REVIEWER)
    reviewer.is_active = False

    assert list(villages_for_user(unassigned)) == []
    assert list(villages_for_user(reviewer)) == []
    assert list(villages_for_user(AnonymousUser())) == []


# --- the other levels ----------------------------------------------------------------------------

def test_regencies_for_each_persona(seluma, other_regency, officer, reviewer, other_reviewer, province_viewer,
                                    sysadmin):
    assert list(regencies_for_user(officer)) == []  # a village officer never sees the regency as a whole
    assert list(regencies_for_user(reviewer)) == [seluma]
    assert list(regencies_for_user(other_reviewer)) == [other_regency]
    assert list(regencies_for_user(province_viewer)) == [other_regency, seluma]
    assert list(regencies_for_user(sysadmin)) == [other_regency, seluma]


def test_subdistricts_for_each_persona(officer, reviewer, other_reviewer, province_viewer):
    assert list(subdistricts_for_user(officer)) == []
    assert codes(subdistricts_for_user(reviewer)) == codes(Subdistrict.objects.filter(regency__code="17.05"))
    assert subdistricts_for_user(reviewer).count() == 14
    assert codes(subdistricts_for_user(other_reviewer)) == codes(Subdistrict.objects.filter(regency__code="17.01"))
    assert subdistricts_for_user(province_viewer).count() == 14 + 11


def test_provinces_for_each_persona(officer, reviewer, province_viewer, sysadmin):
    load_regions(["51.71"])
    bengkulu, bali = Province.objects.get(code="17"), Province.objects.get(code="51")

    assert list(provinces_for_user(officer)) == []
    assert list(provinces_for_user(reviewer)) == []
    assert list(provinces_for_user(province_viewer)) == [bengkulu]
    assert list(provinces_for_user(sysadmin)) == [bengkulu, bali]


def test_get_for_user_returns_what_is_in_scope(officer, reviewer, province_viewer, niur, seluma, sukaraja, bengkulu):
    assert village_get_for_user(officer, niur.pk) == niur
    assert regency_get_for_user(reviewer, seluma.pk) == seluma
    assert subdistrict_get_for_user(reviewer, sukaraja.pk) == sukaraja
    assert province_get_for_user(province_viewer, bengkulu.pk) == bengkulu


@pytest.mark.parametrize("pk", ["forbidden", "missing", "not-a-number"])
def test_get_for_user_is_404_for_forbidden_missing_and_garbage_alike(officer, other_reviewer, reviewer,
                                                                     lubuk_sahung, seluma, sukaraja, bengkulu, pk):
    def key(obj):
        return {"forbidden": obj.pk, "missing": 999_999_999, "not-a-number": "abc"}[pk]

    with pytest.raises(Http404):
        village_get_for_user(officer, key(lubuk_sahung))
    with pytest.raises(Http404):
        regency_get_for_user(other_reviewer, key(seluma))
    with pytest.raises(Http404):
        subdistrict_get_for_user(other_reviewer, key(sukaraja))
    with pytest.raises(Http404):
        province_get_for_user(reviewer, key(bengkulu))


def test_home_regency_for_each_persona(seluma, officer, reviewer, other_admin, other_regency, province_viewer,
                                       sysadmin):
    assert home_regency_for_user(officer) == seluma
    assert home_regency_for_user(reviewer) == seluma
    assert home_regency_for_user(other_admin) == other_regency
    assert home_regency_for_user(province_viewer) is None
    assert home_regency_for_user(sysadmin) is None
    assert home_regency_for_user(AnonymousUser()) is None


# --- annotated lists -----------------------------------------------------------------------------

def test_subdistricts_with_counts_count_active_villages_by_kind(seluma):
    Village.objects.filter(code="17.05.01.2003").update(is_retired=True)  # Lubuk Sahung, Sukaraja

    rows = {s.code: (s.name, s.village_count, s.kelurahan_count) for s in subdistricts_with_counts(seluma)}

    assert len(rows) == 14
    assert rows["17.05.01"] == ("Sukaraja", 20, 2)
    assert rows["17.05.02"] == ("Seluma", 7, 7)
    assert sum(count for _, count, _ in rows.values()) == 201
    assert sum(kelurahan for _, _, kelurahan in rows.values()) == 20


def test_villages_with_officer_counts_count_active_officers(sukaraja, officer, neighbour_officer, niur, lubuk_sahung):
    neighbour_officer.is_active = False
    neighbour_officer.save()

    counts = {v.code: v.officer_count for v in villages_with_officer_counts(sukaraja)}

    assert len(counts) == 21
    assert counts[niur.code] == 1
    assert counts[lubuk_sahung.code] == 0
    assert sum(counts.values()) == 1


# --- region_by_code: the region a management command names ------------------------------------

@pytest.mark.parametrize("code", ["17.05", "1705", " 17.05 "])
def test_region_by_code_finds_a_regency(seluma, code):
    assert region_by_code(code) == seluma


def test_region_by_code_finds_a_province(seluma):
    assert region_by_code("17") == Province.objects.get(code="17")


@pytest.mark.parametrize(("code", "message"), [
    ("17.05.01", "Kode wilayah '17.05.01' tidak valid: gunakan kode provinsi (mis. 17) atau kabupaten/kota "
                 "(mis. 17.05 atau 1705)."),
    ("17.99", "Wilayah dengan kode 17.99 belum ada di basis data: periksa kodenya, atau muat wilayahnya dengan "
              "'manage.py load_regions 17'."),
])
def test_region_by_code_refuses_other_codes(seluma, code, message):
    with pytest.raises(UnknownRegion) as error:
        region_by_code(code)

    assert str(error.value) == message
