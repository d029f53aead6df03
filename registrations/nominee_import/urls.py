# The nominee Excel template and import (views.py).
from django.urls import path

from . import regency_views
from . import views as import_views

urlpatterns = [
    path("impor/template.xlsx", import_views.template_download, name="import-template"),
    path("desa/<int:village_pk>/impor/", import_views.upload, name="import-upload"),
    path("desa/<int:village_pk>/impor/<str:token>/", import_views.preview, name="import-preview"),
    path("desa/<int:village_pk>/impor/<str:token>/simpan/", import_views.confirm, name="import-confirm"),
    path("desa/<int:village_pk>/impor/<str:token>/hasil/", import_views.result, name="import-result"),
    path("desa/<int:village_pk>/impor/<str:token>/ditolak.xlsx", import_views.rejected_download,
         name="import-rejected"),
]

# The office's list for a whole regency (regency_views.py): for the programme's regency staff.
urlpatterns += [
    path("program/<int:pk>/impor-kabupaten/", regency_views.upload, name="regency-import-upload"),
    path("program/<int:pk>/impor-kabupaten/<str:token>/", regency_views.preview, name="regency-import-preview"),
    path("program/<int:pk>/impor-kabupaten/<str:token>/simpan/", regency_views.confirm,
         name="regency-import-confirm"),
    path("program/<int:pk>/impor-kabupaten/<str:token>/hasil/", regency_views.result, name="regency-import-result"),
    path("program/<int:pk>/impor-kabupaten/<str:token>/ditolak.xlsx", regency_views.rejected_download,
         name="regency-import-rejected"),
]
