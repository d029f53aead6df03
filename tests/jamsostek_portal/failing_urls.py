"""The site's URLs plus one view that fails, for the 500 page (test_views.py)."""

from django.urls import path

from jamsostek_portal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def failing(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("gagal/", failing), path("api/v1/gagal/", failing)]
