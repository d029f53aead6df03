from django.urls import path

from . import views

# Mounted as the `villages:` namespace (jamsostek_portal/urls.py): the URL names of the region pages
# are kept from before the pages left the villages app.
urlpatterns = [
    path("", views.index, name="index"),
    path("provinsi/<int:pk>/", views.province_detail, name="province-detail"),
    path("kabupaten/<int:pk>/", views.regency_detail, name="regency-detail"),
    path("kabupaten/<int:pk>/pengaturan/", views.regency_settings_edit, name="regency-settings-edit"),
    path("kecamatan/<int:pk>/", views.subdistrict_detail, name="subdistrict-detail"),
    path("desa/<int:pk>/", views.village_detail, name="village-detail"),
]
