"""The OpenAPI document (drf-spectacular) and its docs pages, served with the app's own assets."""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

PATHS = {
    "/api/v1/regions/", "/api/v1/coverage/{region_code}/", "/api/v1/coverage/{region_code}/history/",
    "/api/v1/coverage/{region_code}/children/", "/api/v1/export-batches/", "/api/v1/export-batches/{number}/",
}


def test_schema_is_a_valid_openapi_document_listing_every_endpoint(api, seluma, viewer):
    response = api(viewer).get("/api/v1/schema/", {"format": "json"})

    schema = response.json()
    assert response.status_code == 200
    assert (schema["openapi"], schema["info"]["title"]) == ("3.0.3", "Jamsostek Portal API")
    assert set(schema["paths"]) == PATHS
    assert {method for path in schema["paths"].values() for method in path} == {"get"}
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    coverage = schema["components"]["schemas"]["Coverage"]["properties"]
    assert coverage["ucj_percent"]["description"] == "UCJ: covered ÷ working population × 100."
    validate_schema(schema)  # raises on an invalid document


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn: an endpoint the generator cannot describe fails the suite.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/coverage/{region_code}/children/:" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.parametrize(("path", "asset"), [
    ("/api/v1/docs/", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
    ("/api/v1/redoc/", "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
])
def test_docs_pages_use_the_apps_own_assets(api, seluma, viewer, path, asset):
    response = api(viewer).get(path)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"/static/{asset}" in page
    assert "cdn" not in page.lower()
    assert finders.find(asset) is not None
