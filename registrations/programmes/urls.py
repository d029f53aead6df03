# Programme pages for regency staff (views.py).
from django.urls import path

from . import views as programme_views

urlpatterns = [
    path("kabupaten/<int:regency_pk>/program/", programme_views.programme_list, name="programme-list"),
    path("kabupaten/<int:regency_pk>/program/baru/", programme_views.programme_create, name="programme-create"),
    path("program/<int:pk>/", programme_views.programme_detail, name="programme-detail"),
    path("program/<int:pk>/ubah/", programme_views.programme_edit, name="programme-edit"),
    path("program/<int:pk>/kuota-desa/", programme_views.programme_village_quota, name="programme-village-quota"),
]
