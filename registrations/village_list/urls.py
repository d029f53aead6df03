"""The village officer's pages: "Desa saya", add / edit / remove / replace a nominee, "kirim ke kabupaten"."""

from django.urls import path

from . import views

urlpatterns = [
    path("desa/<int:village_pk>/", views.village, name="village"),
    path("desa/<int:village_pk>/tambah/", views.nominee_create, name="nominee-create"),
    path("desa/<int:village_pk>/kirim/", views.village_submit, name="village-submit"),
    path("calon/<int:pk>/ubah/", views.nominee_update, name="nominee-update"),
    path("calon/<int:pk>/hapus/", views.nominee_delete, name="nominee-delete"),
    path("calon/<int:pk>/ganti/", views.nominee_replace, name="nominee-replace"),
]
