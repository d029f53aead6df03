"""api/views.py coverage endpoints (/api/v1/regions/, /api/v1/coverage/<code>/…): the figures, who
may read them (reports.permissions.can_view_coverage, as on the pages), pagination and queries.
The Seluma scenario's numbers are worked out in conftest.py's docstring."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from accounts.enums import Role
from accounts.services import user_create
from registrations.enums import NomineeStatus
from reports import services as coverage_services
from reports.models import CoverageSnapshot
from villages.models import Province

from .conftest import ON, make_regency, recompute

IN_SCOPE = ["regency_admin", "reviewer", "approver", "viewer", "bpjs_officer", "province_viewer", "sysadmin"]
OUT_OF_SCOPE = ["other_reviewer", "other_admin", "officer", "neighbour_officer"]


# --- Current coverage ------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", IN_SCOPE)
def test_regency_coverage_is_the_latest_snapshot_for_everyone_in_scope(request, api, seluma_coverage, persona):
    user = request.getfixturevalue(persona)

    response = api(user).get("/api/v1/coverage/17.05/")

    assert response.status_code == 200
    assert response.json() == {
        "region_code": "17.05", "region_name": "Kabupaten Seluma", "level": "regency", "year": 2026,
        "source": "snapshot", "data_as_of": "2026-09-30", "computed_at": "2026-09-30T08:15:00+07:00",
        "ucj_percent": 38.65, "target_percent": 46.8, "target_achievement_percent": 82.59,
        "contribution_points": 0.2, "denominator": 100_000, "official_numerator": 38_450,
        "official_as_of": "2026-06-30", "programme_addition": 202, "covered": 38_652,
        "workers_needed_for_target": 8_148, "premium_per_month_rp": 16_800,
        "programme": {"quota": 2_020, "nominated": 202, "submitted": 202, "approved": 202, "registered": 202,
                      "active": 202, "premium_committed_rp": 10_180_800},
    }


def test_undotted_code_names_the_same_region(api, seluma_coverage, viewer):
    undotted = api(viewer).get("/api/v1/coverage/1705/").json()

    assert (undotted["region_code"], undotted["ucj_percent"]) == ("17.05", 38.65)  # the answer names it dotted
    assert undotted == api(viewer).get("/api/v1/coverage/17.05/").json()


def test_subdistrict_and_village_coverage_carry_programme_figures_without_ucj(api, seluma_coverage, viewer):
    client = api(viewer)

    subdistrict = client.get("/api/v1/coverage/17.05.01/").json()
    village = client.get("/api/v1/coverage/17.05.01.2002/").json()

    assert (subdistrict["region_name"], subdistrict["level"], subdistrict["source"]) == (
        "Sukaraja", "subdistrict", "snapshot")
    assert subdistrict["programme"] == {"quota": 210, "nominated": 202, "submitted": 202, "approved": 202,
                                        "registered": 202, "active": 202, "premium_committed_rp": 10_180_800}
    assert (village["region_name"], village["level"]) == ("Niur", "village")
    assert village["programme"]["quota"] == 10 and village["programme"]["active"] == 202
    # No official figure for the kecamatan, no working residents for the desa: no UCJ below the regency.
    for region in (subdistrict, village):
        assert [region[name] for name in ("ucj_percent", "denominator", "target_percent", "covered")] == [None] * 4


def test_regency_never_computed_answers_live_figures(api, seluma, programme, add_nominees, niur, viewer):
    add_nominees(programme, niur, 3, NomineeStatus.SUBMITTED)

    data = api(viewer).get("/api/v1/coverage/17.05/").json()

    assert (data["source"], data["computed_at"]) == ("live", None)
    assert data["programme"]["submitted"] == 3
    assert data["ucj_percent"] is None  # neither a target nor an official figure yet


def test_village_of_a_regency_never_computed_answers_live_figures(api, seluma, programme, add_nominees, niur,
                                                                  viewer):
    add_nominees(programme, niur, 2, NomineeStatus.APPROVED)

    data = api(viewer).get("/api/v1/coverage/17.05.01.2002/").json()

    assert (data["source"], data["level"], data["programme"]["approved"]) == ("live", "village", 2)


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
@pytest.mark.parametrize("code", ["17.05", "17.05.01", "17.05.01.2002"])
def test_out_of_scope_gets_the_404_of_a_missing_region(request, api, seluma_coverage, persona, code):
    client = api(request.getfixturevalue(persona))

    out_of_scope = client.get(f"/api/v1/coverage/{code}/")
    missing = client.get("/api/v1/coverage/17.05.99/")

    assert (out_of_scope.status_code, missing.status_code) == (404, 404)
    assert out_of_scope.content == missing.content
    assert json.loads(out_of_scope.content) == {"detail": "Data tidak ditemukan."}


@pytest.fixture
def bengkulu_coverage(seluma_coverage, sysadmin):
    """Bengkulu's own target (50 % of 1,000,000) and BPJS figure (400,000 as of 30 June), then
    Seluma recomputed ON, which writes the province's row: covered 400,000 + Seluma's 202 workers
    registered after 30 June → UCJ 40.02 %, 80.04 % of target."""
    bengkulu = Province.objects.get(code="17")
    coverage_services.coverage_target_set(region=bengkulu, year=2026, target_percent=Decimal("50"),
                                          working_population=1_000_000, population_source="BPS", entered_by=sysadmin)
    coverage_services.official_figure_record(region=bengkulu, as_of=dt.date(2026, 6, 30), active_pu=400_000,
                                             denominator=1_000_000, entered_by=sysadmin)
    recompute(seluma_coverage)
    return bengkulu


@pytest.mark.parametrize("persona", ["province_viewer", "sysadmin"])
def test_province_coverage_is_its_own_row_for_its_viewers(request, api, bengkulu_coverage, persona):
    data = api(request.getfixturevalue(persona)).get("/api/v1/coverage/17/").json()

    assert {key: data[key] for key in ("region_code", "region_name", "level", "source", "data_as_of", "ucj_percent",
                                       "target_percent", "target_achievement_percent", "covered", "denominator",
                                       "programme_addition")} == {
        "region_code": "17", "region_name": "Bengkulu", "level": "province", "source": "snapshot",
        "data_as_of": "2026-09-30", "ucj_percent": 40.02, "target_percent": 50.0, "target_achievement_percent": 80.04,
        "covered": 400_202, "denominator": 1_000_000, "programme_addition": 202}
    assert data["programme"] == {"quota": 2_020, "nominated": 202, "submitted": 202, "approved": 202,
                                 "registered": 202, "active": 202, "premium_committed_rp": 10_180_800}


@pytest.mark.parametrize("persona", ["regency_admin", "reviewer", "viewer", "bpjs_officer", *OUT_OF_SCOPE])
def test_province_coverage_is_404_to_everyone_else(request, api, bengkulu_coverage, persona):
    client = api(request.getfixturevalue(persona))

    for path in ("/api/v1/coverage/17/", "/api/v1/coverage/17/children/", "/api/v1/coverage/17/history/"):
        assert client.get(path).status_code == 404, path


def test_a_province_never_computed_answers_live_figures(api, seluma, province_viewer):
    data = api(province_viewer).get("/api/v1/coverage/17/").json()

    assert (data["level"], data["source"], data["computed_at"], data["ucj_percent"]) == ("province", "live", None, None)


def test_province_children_are_its_regencies_stored_or_live(api, bengkulu_coverage, province_viewer):
    data = api(province_viewer).get("/api/v1/coverage/17/children/").json()

    assert [(row["region_code"], row["level"], row["source"]) for row in data["results"]] == [
        ("17.01", "regency", "live"), ("17.05", "regency", "snapshot")]  # Bengkulu Selatan has nothing stored
    assert data["results"][1]["ucj_percent"] == 38.65


def test_province_history_is_one_row_a_day(api, bengkulu_coverage, province_viewer, seluma_coverage):
    recompute(seluma_coverage, on=dt.date(2026, 10, 1))

    data = api(province_viewer).get("/api/v1/coverage/17/history/").json()

    assert [(row["data_as_of"], row["level"]) for row in data["results"]] == [
        ("2026-09-30", "province"), ("2026-10-01", "province")]


@pytest.mark.parametrize("count", [1, 3])
def test_province_children_queries_do_not_grow_with_the_regencies(api, test_province, sysadmin,
                                                                 django_assert_num_queries, count):
    for number in range(1, count + 1):
        recompute(make_regency(test_province, number, subdistricts=1))
    client = api(sysadmin)

    # The user, the province by code, its latest row, its regencies, their latest rows.
    # The session is read from Redis.
    with django_assert_num_queries(5):
        response = client.get("/api/v1/coverage/99/children/")

    assert [row["source"] for row in response.json()["results"]] == ["snapshot"] * count


def test_other_regency_staff_read_their_own_regency(api, seluma_coverage, other_reviewer):
    data = api(other_reviewer).get("/api/v1/coverage/17.01/").json()

    assert (data["region_name"], data["source"]) == ("Kabupaten Bengkulu Selatan", "live")


# --- Regions ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "codes"), [
    ("viewer", ["17.05"]), ("bpjs_officer", ["17.05"]), ("regency_admin", ["17.05"]),
    ("other_reviewer", ["17.01"]), ("province_viewer", ["17.01", "17.05"]), ("sysadmin", ["17.01", "17.05"]),
    ("officer", []),
])
def test_regions_lists_the_regencies_whose_coverage_the_user_may_read(request, api, seluma, persona, codes):
    data = api(request.getfixturevalue(persona)).get("/api/v1/regions/").json()

    assert [row["code"] for row in data["results"]] == codes
    assert data["count"] == len(codes)


def test_region_row_links_to_its_coverage(api, seluma, viewer):
    (row,) = api(viewer).get("/api/v1/regions/").json()["results"]

    assert row == {
        "code": "17.05", "name": "Kabupaten Seluma", "kind": "kabupaten", "province_code": "17",
        "province_name": "Bengkulu", "is_retired": False, "coverage_url": "http://testserver/api/v1/coverage/17.05/",
        "history_url": "http://testserver/api/v1/coverage/17.05/history/",
        "children_url": "http://testserver/api/v1/coverage/17.05/children/",
    }


def test_regions_are_paginated_by_50(api, test_province, sysadmin, seluma):
    for number in range(1, 52):
        make_regency(test_province, number)
    client = api(sysadmin)

    first = client.get("/api/v1/regions/").json()
    second = client.get(first["next"]).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (53, 50, None)
    assert first["next"] == "http://testserver/api/v1/regions/?page=2"
    assert [row["code"] for row in second["results"]] == ["99.49", "99.50", "99.51"]
    assert second["next"] is None


@pytest.mark.parametrize("count", [1, 3])
def test_regions_queries_do_not_grow_with_the_regencies(api, test_province, django_assert_num_queries, count):
    for number in range(1, count + 1):
        make_regency(test_province, number)
    user = user_create(username="provinsi-uji", role=Role.PROVINCE_VIEWER, regions=[test_province],
                       password="rahasia-uji-123", must_change_password=False)
    client = api(user)

    # The user, the user's region assignments (scope), the regencies with their province.
    # The session is read from Redis.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/regions/")

    assert response.json()["count"] == count


# --- Children ---------------------------------------------------------------------------------------

def test_regency_children_are_its_subdistricts_by_code(api, seluma_coverage, province_viewer):
    data = api(province_viewer).get("/api/v1/coverage/17.05/children/").json()

    assert data["count"] == 14
    assert data["results"][0]["region_code"] == "17.05.01"
    assert data["results"][0]["programme"]["active"] == 202
    assert [row["region_code"] for row in data["results"]] == sorted(row["region_code"] for row in data["results"])
    assert {row["level"] for row in data["results"]} == {"subdistrict"}


def test_subdistrict_children_are_its_villages(api, seluma_coverage, viewer):
    data = api(viewer).get("/api/v1/coverage/17.05.01/children/").json()

    assert data["count"] == 21
    niur = next(row for row in data["results"] if row["region_code"] == "17.05.01.2002")
    assert (niur["region_name"], niur["programme"]["registered"]) == ("Niur", 202)
    assert all(row["region_code"].startswith("17.05.01.") for row in data["results"])


def test_a_village_has_no_children(api, seluma_coverage, viewer):
    data = api(viewer).get("/api/v1/coverage/17.05.01.2002/children/").json()

    assert (data["count"], data["results"]) == (0, [])


def test_children_of_a_regency_never_computed_are_live(api, seluma, viewer):
    data = api(viewer).get("/api/v1/coverage/17.05/children/").json()

    assert data["count"] == 14
    assert {row["source"] for row in data["results"]} == {"live"}


def test_children_out_of_scope_are_404(api, seluma_coverage, other_reviewer, officer):
    assert api(other_reviewer).get("/api/v1/coverage/17.05/children/").status_code == 404
    assert api(officer).get("/api/v1/coverage/17.05.01/children/").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_children_queries_do_not_grow_with_the_subdistricts(api, test_province, sysadmin,
                                                           django_assert_num_queries, count):
    regency = make_regency(test_province, 1, subdistricts=count)
    recompute(regency)
    client = api(sysadmin)

    # The user, the regency by code, its latest snapshots (regency row + subdistricts).
    # The session is read from Redis.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/coverage/99.01/children/")

    assert [row["region_code"] for row in response.json()["results"]] == [
        f"99.01.{index:02d}" for index in range(1, count + 1)]


@pytest.mark.parametrize("count", [1, 3])
def test_live_children_queries_do_not_grow_with_the_subdistricts(api, test_province, sysadmin,
                                                                django_assert_num_queries, count):
    make_regency(test_province, 1, subdistricts=count)
    client = api(sysadmin)

    # The user, the regency by code, its latest snapshots (none), then reports.coverage's live
    # figures: programmes, targets, the premium rate (no programme yet), the regency's official
    # figure, the subdistricts' official figures, the subdistricts, the grouped village query.
    # The session is read from Redis.
    with django_assert_num_queries(10):
        response = client.get("/api/v1/coverage/99.01/children/")

    assert {row["source"] for row in response.json()["results"]} == {"live"}
    assert response.json()["count"] == count


# --- History ----------------------------------------------------------------------------------------

def test_history_is_one_snapshot_a_day_oldest_first(api, seluma_coverage, province_viewer):
    recompute(seluma_coverage, on=ON - dt.timedelta(days=2))
    recompute(seluma_coverage, on=ON - dt.timedelta(days=1))

    data = api(province_viewer).get("/api/v1/coverage/17.05/history/").json()

    assert data["count"] == 3
    assert [row["data_as_of"] for row in data["results"]] == ["2026-09-28", "2026-09-29", "2026-09-30"]
    assert {row["source"] for row in data["results"]} == {"snapshot"}
    assert data["results"][-1]["ucj_percent"] == 38.65
    assert data["results"][-1]["computed_at"] == "2026-09-30T08:15:00+07:00"


def test_history_of_a_village(api, seluma_coverage, regency_admin):
    data = api(regency_admin).get("/api/v1/coverage/17.05.01.2002/history/").json()

    assert [(row["region_code"], row["programme"]["active"]) for row in data["results"]] == [("17.05.01.2002", 202)]


def test_history_is_paginated(api, seluma_coverage, viewer):
    latest = CoverageSnapshot.objects.get(region_code="17.05", computed_on=ON)
    earlier = []
    for days in range(1, 55):
        row = CoverageSnapshot.objects.get(pk=latest.pk)
        row.pk, row.computed_on = None, ON - dt.timedelta(days=days)
        earlier.append(row)
    CoverageSnapshot.objects.bulk_create(earlier)
    client = api(viewer)

    first = client.get("/api/v1/coverage/17.05/history/").json()
    second = client.get(first["next"]).json()

    assert (first["count"], len(first["results"])) == (55, 50)
    assert first["results"][0]["data_as_of"] == "2026-08-07"
    assert first["next"] == "http://testserver/api/v1/coverage/17.05/history/?page=2"
    assert [row["data_as_of"] for row in second["results"]] == [
        "2026-09-26", "2026-09-27", "2026-09-28", "2026-09-29", "2026-09-30"]
    assert second["next"] is None


def test_history_of_a_region_never_computed_is_empty(api, seluma, viewer):
    data = api(viewer).get("/api/v1/coverage/17.05/history/").json()

    assert (data["count"], data["results"]) == (0, [])


def test_history_out_of_scope_is_404(api, seluma_coverage, other_admin, officer):
    assert api(other_admin).get("/api/v1/coverage/17.05/history/").status_code == 404
    assert api(officer).get("/api/v1/coverage/17.05.01.2002/history/").status_code == 404
