from django.urls import path

from . import views

app_name = "villages"
urlpatterns = [
    path("", views.index, name="index"),
    path("provinsi/<int:pk>/", views.province_detail, name="province-detail"),
    path("kabupaten/<int:pk>/", views.regency_detail, name="regency-detail"),
    path("kabupaten/<int:pk>/pengaturan/", views.regency_settings_edit, name="regency-settings-edit"),
    path("kecamatan/<int:pk>/", views.subdistrict_detail, name="subdistrict-detail"),
    path("desa/<int:pk>/", views.village_detail, name="village-detail"),
]
