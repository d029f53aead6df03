"""The site's URLs: each app's pages under its prefix.

URL names are kept from before the apps were split by capability: the BPJS pages (bpjs.urls) share
the `registrations:` namespace with the nomination and review pages, and the region pages
(accounts.regions.urls) keep the `villages:` namespace, so `registrations:bpjs-regency`,
`villages:regency-detail` and the other names every template, test and bookmark uses keep working. The project is the top of
the flow (docs/architecture.md), so this module may import every app.
"""

from django.contrib import admin
from django.urls import include, path

from accounts.regions import urls as region_urls
from bpjs import urls as bpjs_urls
from common import views as common_views
from registrations import urls as registrations_urls

from . import views

urlpatterns = [
    path("", include("accounts.urls")),
    path("wilayah/", include((region_urls.urlpatterns, "villages"))),
    path("usulan/", include((registrations_urls.urlpatterns + bpjs_urls.urlpatterns, "registrations"))),
    path("kepesertaan/", include("membership.urls")),
    path("cakupan/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("tugas/<int:pk>/", common_views.job_status, name="job-status"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# Indonesian error pages that need no database; JSON under /api/ (views.ERRORS).
handler400 = "jamsostek_portal.views.bad_request"
handler403 = "jamsostek_portal.views.permission_denied"
handler404 = "jamsostek_portal.views.page_not_found"
handler500 = "jamsostek_portal.views.server_error"
