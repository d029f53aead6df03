"""api/views.py export batch endpoints (/api/v1/export-batches/…): the batches of the regencies the
user sees as a whole (the rule of the programme's batch list, bpjs/views.py), where
their nominees stand with BPJS, the regency filter, pagination and queries."""

import datetime as dt

import pytest

from registrations.enums import NomineeStatus

from .conftest import make_batch

S = NomineeStatus
IN_SCOPE = ["regency_admin", "reviewer", "approver", "viewer", "bpjs_officer", "province_viewer", "sysadmin"]


@pytest.fixture
def batches(programme, other_programme, regency_admin, other_admin, add_nominees, niur, other_regency):
    """Seluma's batches 001 (3 registered, 1 refused, 2 still waiting) and 002 (empty, newer), and
    one of Bengkulu Selatan."""
    registered_on = dt.date(2026, 8, 10)
    first = make_batch(programme, regency_admin, "BPJS-1705-2026-001", add_nominees=add_nominees, nominees=[
        (niur, 2, S.SENT_TO_BPJS, None), (niur, 2, S.REGISTERED, registered_on), (niur, 1, S.ACTIVE, registered_on),
        (niur, 1, S.REFUSED_BY_BPJS, None),
    ], created_at=dt.datetime(2026, 8, 1, 3, 0, tzinfo=dt.UTC))
    add_nominees(programme, niur, 4, S.APPROVED)  # not in any batch: counted nowhere
    second = make_batch(programme, regency_admin, "BPJS-1705-2026-002",
                        created_at=dt.datetime(2026, 9, 1, 3, 0, tzinfo=dt.UTC))
    other_village = other_regency.subdistricts.first().villages.first()
    other = make_batch(other_programme, other_admin, "BPJS-1701-2026-001", add_nominees=add_nominees,
                       nominees=[(other_village, 1, S.SENT_TO_BPJS, None)],
                       created_at=dt.datetime(2026, 8, 15, 3, 0, tzinfo=dt.UTC))
    return first, second, other


@pytest.mark.parametrize("persona", IN_SCOPE)
def test_batch_detail_for_everyone_who_sees_the_regency(request, api, batches, programme, persona):
    response = api(request.getfixturevalue(persona)).get("/api/v1/export-batches/BPJS-1705-2026-001/")

    assert response.status_code == 200
    assert response.json() == {
        "url": "http://testserver/api/v1/export-batches/BPJS-1705-2026-001/",
        "number": "BPJS-1705-2026-001", "regency_code": "17.05", "regency_name": "Kabupaten Seluma",
        "programme": {"id": programme.pk, "name": "Perlindungan Pekerja Rentan 2026", "year": 2026, "stage": 1},
        "created_at": "2026-08-01T10:00:00+07:00", "created_by": "admin-seluma", "row_count": 6,
        "status_counts": {"waiting": 2, "registered": 3, "refused": 1},
    }


@pytest.mark.parametrize("persona", ["other_reviewer", "other_admin", "officer"])
def test_batch_out_of_scope_gets_the_404_of_a_missing_batch(request, api, batches, persona):
    client = api(request.getfixturevalue(persona))

    out_of_scope = client.get("/api/v1/export-batches/BPJS-1705-2026-001/")
    missing = client.get("/api/v1/export-batches/BPJS-1705-2026-999/")

    assert (out_of_scope.status_code, missing.status_code) == (404, 404)
    assert out_of_scope.content == missing.content


@pytest.mark.parametrize(("persona", "numbers"), [
    ("viewer", ["BPJS-1705-2026-002", "BPJS-1705-2026-001"]),
    ("bpjs_officer", ["BPJS-1705-2026-002", "BPJS-1705-2026-001"]),
    ("regency_admin", ["BPJS-1705-2026-002", "BPJS-1705-2026-001"]),
    ("other_reviewer", ["BPJS-1701-2026-001"]),
    ("province_viewer", ["BPJS-1705-2026-002", "BPJS-1701-2026-001", "BPJS-1705-2026-001"]),
    ("sysadmin", ["BPJS-1705-2026-002", "BPJS-1701-2026-001", "BPJS-1705-2026-001"]),
    ("officer", []),
])
def test_batch_list_is_the_users_regencies_newest_first(request, api, batches, persona, numbers):
    data = api(request.getfixturevalue(persona)).get("/api/v1/export-batches/").json()

    assert [row["number"] for row in data["results"]] == numbers
    assert data["count"] == len(numbers)


@pytest.mark.parametrize(("regency", "numbers"), [
    ("17.05", ["BPJS-1705-2026-002", "BPJS-1705-2026-001"]),
    ("1701", ["BPJS-1701-2026-001"]),
    ("17.99", []),
])
def test_batch_list_filters_by_regency_code(api, batches, sysadmin, regency, numbers):
    data = api(sysadmin).get("/api/v1/export-batches/", {"regency": regency}).json()

    assert [row["number"] for row in data["results"]] == numbers


def test_filtering_on_a_regency_out_of_scope_shows_nothing(api, batches, other_reviewer):
    data = api(other_reviewer).get("/api/v1/export-batches/", {"regency": "17.05"}).json()

    assert (data["count"], data["results"]) == (0, [])


def test_batch_list_carries_each_batchs_status_counts(api, batches, viewer):
    data = api(viewer).get("/api/v1/export-batches/").json()

    assert [(row["number"], row["row_count"], row["status_counts"]) for row in data["results"]] == [
        ("BPJS-1705-2026-002", 0, {"waiting": 0, "registered": 0, "refused": 0}),
        ("BPJS-1705-2026-001", 6, {"waiting": 2, "registered": 3, "refused": 1}),
    ]


def test_batch_list_is_paginated(api, programme, regency_admin):
    for number in range(1, 53):
        make_batch(programme, regency_admin, f"BPJS-1705-2026-{number:03d}",
                   created_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC) + dt.timedelta(hours=number))
    client = api(regency_admin)

    first = client.get("/api/v1/export-batches/", {"regency": "17.05"}).json()
    second = client.get(first["next"]).json()

    assert (first["count"], len(first["results"]), first["results"][0]["number"]) == (52, 50, "BPJS-1705-2026-052")
    assert first["next"] == "http://testserver/api/v1/export-batches/?page=2&regency=17.05"
    assert [row["number"] for row in second["results"]] == ["BPJS-1705-2026-002", "BPJS-1705-2026-001"]
    assert second["next"] is None


@pytest.mark.parametrize("count", [1, 3])
def test_batch_list_queries_do_not_grow_with_the_batches(api, programme, regency_admin, add_nominees, niur,
                                                         django_assert_num_queries, count):
    for number in range(1, count + 1):
        make_batch(programme, regency_admin, f"BPJS-1705-2026-{number:03d}", add_nominees=add_nominees,
                   nominees=[(niur, 2, S.REGISTERED, dt.date(2026, 8, 10))])
    client = api(regency_admin)

    # The user, the user's region assignments (scope), the count, the page of batches with
    # their regency, programme, creator and status counts. The session is read from Redis.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/export-batches/")

    assert [(row["row_count"], row["status_counts"]["registered"]) for row in response.json()["results"]] == [
        (2, 2)] * count
