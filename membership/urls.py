"""The membership pages (DOMAIN.md §9), under /kepesertaan/."""

from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("kabupaten/<int:regency_pk>/daftar-peserta/", views.participant_upload, name="participant-upload"),
    path("kabupaten/<int:regency_pk>/daftar-peserta/<str:token>/", views.participant_preview,
         name="participant-preview"),
    path("kabupaten/<int:regency_pk>/daftar-peserta/<str:token>/simpan/", views.participant_confirm,
         name="participant-confirm"),
    path("kabupaten/<int:regency_pk>/daftar-peserta/<str:token>/hasil/", views.participant_result,
         name="participant-result"),
]
