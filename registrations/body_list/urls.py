"""The nominating bodies' pages (lembaga pengusul): the body officer's list, and the regency admin's
bodies, quotas and accounts."""

from django.urls import path

from . import views

urlpatterns = [
    path("lembaga/", views.body_home, name="body-home"),
    path("lembaga/<int:pk>/", views.body, name="body"),
    path("lembaga/<int:pk>/tambah/", views.body_nominee_create, name="body-nominee-create"),
    path("lembaga/<int:pk>/kirim/", views.body_submit, name="body-submit"),
    path("lembaga/calon/<int:pk>/ubah/", views.body_nominee_update, name="body-nominee-update"),
    path("lembaga/calon/<int:pk>/hapus/", views.body_nominee_delete, name="body-nominee-delete"),
    path("kabupaten/<int:regency_pk>/lembaga/", views.regency_bodies, name="regency-bodies"),
    path("lembaga/<int:pk>/atur/", views.body_manage, name="body-manage"),
]
