# The read-only JSON API, mounted at /api/v1/ (views.py), with its OpenAPI schema and docs.
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import views

app_name = "api"
urlpatterns = [
    path("regions/", views.RegionList.as_view(), name="region-list"),
    path("coverage/<str:region_code>/", views.CoverageDetail.as_view(), name="coverage-detail"),
    path("coverage/<str:region_code>/history/", views.CoverageHistory.as_view(), name="coverage-history"),
    path("coverage/<str:region_code>/children/", views.CoverageChildren.as_view(), name="coverage-children"),
    path("export-batches/", views.ExportBatchList.as_view(), name="export-batch-list"),
    path("export-batches/<str:number>/", views.ExportBatchDetail.as_view(), name="export-batch-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The Swagger and Redoc pages style themselves inline: allowed on these two pages only; their
    # scripts are files (the split view serves Swagger's start-up script as one).
    path("docs/", csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(
        url_name="api:schema")), name="docs"),
    path("redoc/", csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
        SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
]
