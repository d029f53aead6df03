# The nominee Excel template and import (views.py).
from django.urls import path

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
