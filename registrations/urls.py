from django.urls import path

from . import import_urls, programme_urls, review_urls, views

# The village officer's pages (views.py); programme pages and the Excel import have their own modules.
urlpatterns = [
    path("desa/<int:village_pk>/", views.village, name="village"),
    path("desa/<int:village_pk>/tambah/", views.nominee_create, name="nominee-create"),
    path("desa/<int:village_pk>/kirim/", views.village_submit, name="village-submit"),
    path("calon/<int:pk>/ubah/", views.nominee_update, name="nominee-update"),
    path("calon/<int:pk>/hapus/", views.nominee_delete, name="nominee-delete"),
    path("calon/<int:pk>/ganti/", views.nominee_replace, name="nominee-replace"),
] + programme_urls.urlpatterns + import_urls.urlpatterns + review_urls.urlpatterns
