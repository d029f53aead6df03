"""The membership pages (DOMAIN.md §9), under /kepesertaan/."""

from django.urls import include, path

from . import views

app_name = "membership"

urlpatterns = [
    path("", include("membership.claims.urls")),  # benefit claims
    path("", include("membership.budget.urls")),  # the budget and premium bills
    # BPJS's participant file (status and paid-until of each member)
    path("kabupaten/<int:regency_pk>/daftar-peserta/", views.participant_upload, name="participant-upload"),
    path("kabupaten/<int:regency_pk>/daftar-peserta/<str:token>/", views.participant_preview,
         name="participant-preview"),
    path("kabupaten/<int:regency_pk>/daftar-peserta/<str:token>/simpan/", views.participant_confirm,
         name="participant-confirm"),
    path("kabupaten/<int:regency_pk>/daftar-peserta/<str:token>/hasil/", views.participant_result,
         name="participant-result"),
]
