from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("accounts.urls")),
    path("wilayah/", include("villages.urls")),
    path("usulan/", include("registrations.urls")),
    path("cakupan/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
