"""A malformed parameter is the caller's mistake and gets 400 with a message; a well-formed one that
names nothing the caller may read gets the one 404 (api/pagination.py, api/readings.py)."""

import pytest

from api.pagination import PAGE_ERROR
from api.readings import CODE_ERROR


@pytest.mark.parametrize("page", ["", "abc", "0", "-1", "1.5", "١"])
def test_a_malformed_page_is_400(api, seluma_coverage, viewer, page):
    response = api(viewer).get("/api/v1/regions/", {"page": page})

    assert response.status_code == 400
    assert response.json() == {"detail": PAGE_ERROR}


def test_a_page_past_the_last_is_404_and_the_first_is_200(api, seluma_coverage, viewer):
    assert api(viewer).get("/api/v1/regions/", {"page": "1"}).status_code == 200
    assert api(viewer).get("/api/v1/regions/", {"page": "2"}).status_code == 404
    assert api(viewer).get("/api/v1/coverage/17.05/children/", {"page": "999999999"}).status_code == 404


@pytest.mark.parametrize("code", ["abc", "17.5", "17-05", "17.05.01.2002.1", "1705012002999", "17..05"])
def test_a_string_that_is_no_region_code_is_400(api, seluma_coverage, viewer, code):
    response = api(viewer).get(f"/api/v1/coverage/{code}/")

    assert response.status_code == 400
    assert response.json() == {"detail": CODE_ERROR}


@pytest.mark.parametrize("code", ["99.99", "17.01", "1705019999"])
def test_a_well_formed_code_outside_the_scope_or_missing_is_404(api, seluma_coverage, viewer, code):
    assert api(viewer).get(f"/api/v1/coverage/{code}/").status_code == 404


def test_the_regency_filter_of_batches_checks_its_code(api, seluma, viewer):
    assert api(viewer).get("/api/v1/export-batches/", {"regency": "Seluma"}).status_code == 400
    assert api(viewer).get("/api/v1/export-batches/", {"regency": "1705"}).status_code == 200
