from django.urls import include, path

from . import views

app_name = "reports"
urlpatterns = [
    path("provinsi/<int:pk>/", views.province_detail, name="province-detail"),
    path("kabupaten/<int:pk>/", views.regency_detail, name="regency-detail"),
    path("kabupaten/<int:pk>/ringkasan/", views.regency_summary, name="regency-summary"),
    path("kabupaten/<int:pk>/target/", views.target_edit, name="target-edit"),
    path("kabupaten/<int:pk>/angka-resmi/", views.figure_list, name="figure-list"),
    path("kabupaten/<int:pk>/angka-resmi/template/", views.figure_template, name="figure-template"),
    path("kabupaten/<int:pk>/angka-resmi/impor/", views.figure_import, name="figure-import"),
    path("kabupaten/<int:pk>/angka-resmi/impor/<str:token>/", views.figure_import_preview,
         name="figure-import-preview"),
    path("kabupaten/<int:pk>/angka-resmi/impor/<str:token>/simpan/", views.figure_import_confirm,
         name="figure-import-confirm"),
    path("kecamatan/<int:pk>/", views.subdistrict_detail, name="subdistrict-detail"),
    path("kecamatan/<int:pk>/penduduk-bekerja/", views.denominator_edit, name="denominator-edit"),
    path("", include("reports.export_urls")),  # the exports: reports/export_views.py
]
