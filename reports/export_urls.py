"""URLs of the exports (reports/export_views.py), included from reports/urls.py under /cakupan/."""

from django.urls import path

from . import export_views

urlpatterns = [
    path("desa/<int:pk>/daftar-nominatif/", export_views.nominative_village, name="nominative-village"),
    path("kecamatan/<int:pk>/daftar-nominatif/", export_views.nominative_subdistrict,
         name="nominative-subdistrict"),
    path("kabupaten/<int:pk>/daftar-nominatif/", export_views.nominative_regency, name="nominative-regency"),
    path("kabupaten/<int:pk>/rekap-cakupan/", export_views.coverage_recap, name="coverage-recap"),
    path("kabupaten/<int:pk>/ekspor/", export_views.export_log, name="export-log"),
    path("ekspor/<int:pk>/", export_views.export_status, name="export-status"),
    path("ekspor/<int:pk>/unduh/", export_views.export_download, name="export-download"),
]
