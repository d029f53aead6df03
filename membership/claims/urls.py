"""The benefit claims room of the membership pages (included by membership/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("kabupaten/<int:regency_pk>/klaim/", views.claim_list, name="claim-list"),
    path("kabupaten/<int:regency_pk>/klaim/catat/", views.claim_create, name="claim-create"),
    path("kabupaten/<int:regency_pk>/klaim/impor/", views.claim_import_upload, name="claim-import-upload"),
    path("kabupaten/<int:regency_pk>/klaim/impor/<str:token>/", views.claim_import_preview,
         name="claim-import-preview"),
    path("kabupaten/<int:regency_pk>/klaim/impor/<str:token>/simpan/", views.claim_import_confirm,
         name="claim-import-confirm"),
    path("kabupaten/<int:regency_pk>/klaim/impor/<str:token>/hasil/", views.claim_import_result,
         name="claim-import-result"),
    path("calon/<int:pk>/klaim/", views.nominee_claims, name="nominee-claims"),
]
