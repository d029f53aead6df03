"""common/db_router.py: which reads go to the replica (the rule in its docstring), and the settings
that install it only when REPLICA_DATABASE_URL is set. The end-to-end case, two gunicorn instances
reading through a configured replica, is in tests/multihost/."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework import generics

from common import db_router
from common.db_router import PIN_COOKIE, ReplicaReadsMiddleware, ReplicaRouter, reads_from_replica
from common.models import Job

from ..jamsostek_portal.test_settings import SAMPLE_VALUES, django_setup

pytestmark = pytest.mark.django_db

router = ReplicaRouter()


def serve(view, method="get", cookies=None):
    """Runs `view` behind the middleware as Django's handler does (process_view, then the view);
    returns the response and the read database the view saw before and after writing."""
    request = getattr(RequestFactory(), method)("/")
    request.COOKIES.update(cookies or {})
    seen = {}

    def handler(request):
        middleware.process_view(request, view, (), {})
        return view(request)

    def recording(request):
        seen["before"] = router.db_for_read(Job)
        if request.GET.get("write", "yes") == "yes":
            router.db_for_write(Job)  # what Django asks before any save, update, delete or select_for_update
        seen["after"] = router.db_for_read(Job)
        return HttpResponse()

    view.body = recording
    middleware = ReplicaReadsMiddleware(handler)
    response = middleware(request)
    return response, seen


def make_view(marked: bool):
    def view(request):
        return view.body(request)
    return reads_from_replica(view) if marked else view


def test_a_marked_get_reads_from_the_replica_until_it_writes_then_pins_the_browser(settings):
    settings.REPLICA_PIN_SECONDS = 10
    response, seen = serve(make_view(marked=True))

    assert seen == {"before": "replica", "after": "default"}
    assert response.cookies[PIN_COOKIE]["max-age"] == 10
    assert response.cookies[PIN_COOKIE]["httponly"]


def test_a_marked_get_that_writes_nothing_sets_no_cookie():
    view = make_view(marked=True)
    request = RequestFactory().get("/", {"write": "no"})
    seen = {}

    def body(request):
        seen["read"] = router.db_for_read(Job)
        return HttpResponse()

    view.body = body
    middleware = ReplicaReadsMiddleware(lambda request: (middleware.process_view(request, view, (), {}),
                                                         view(request))[1])
    response = middleware(request)

    assert seen == {"read": "replica"}
    assert PIN_COOKIE not in response.cookies


def test_a_browser_that_wrote_recently_reads_from_the_primary():
    _, seen = serve(make_view(marked=True), cookies={PIN_COOKIE: "1"})

    assert seen["before"] == "default"


def test_a_post_reads_from_the_primary_and_pins_the_browser():
    response, seen = serve(make_view(marked=True), method="post")

    assert seen["before"] == "default"
    assert PIN_COOKIE in response.cookies


def test_an_unmarked_view_reads_from_the_primary():
    _, seen = serve(make_view(marked=False))

    assert seen["before"] == "default"


def test_outside_a_request_everything_reads_from_the_primary():
    # The workers, beat and commands: they read what the request that queued them committed.
    assert db_router._request_reads.get() is None
    assert router.db_for_read(Job) == "default"
    assert router.db_for_write(Job) == "default"
    assert router.allow_migrate("replica", "common") is False and router.allow_migrate("default", "common") is True


def test_a_marked_api_view_class_is_recognised_through_as_view():
    @reads_from_replica
    class Listing(generics.ListAPIView):
        pass

    assert db_router._marked(Listing.as_view())
    assert not db_router._marked(generics.ListAPIView.as_view())


def test_the_dashboards_exports_and_api_are_marked():
    from django.urls import resolve

    from api import views as api_views
    from reports import export_views, views

    for view in (views.regency_detail, views.subdistrict_detail, export_views.nominative_village,
                 export_views.nominative_subdistrict, export_views.nominative_regency, export_views.coverage_recap,
                 export_views.export_log):
        assert db_router._marked(view), view.__name__
    assert db_router._marked(resolve("/api/v1/regions/").func)
    assert db_router._marked(api_views.CoverageDetail.as_view())
    # Job pages follow a worker: the primary.
    assert not db_router._marked(export_views.export_status)


SHOW = ("from django.conf import settings as s; import json; print(json.dumps({'aliases': sorted(s.DATABASES), "
        "'routers': s.DATABASE_ROUTERS, 'middleware': s.MIDDLEWARE[0], "
        "'no_cursors': s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'], "
        "'replica': s.DATABASES.get('replica', {}).get('HOST')}))")


def test_without_a_replica_nothing_is_routed():
    result = django_setup({"DATABASE_URL": SAMPLE_VALUES["DATABASE_URL"]}, SHOW)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"aliases": ["default"], "routers": [],
                                         "middleware": "django.middleware.security.SecurityMiddleware",
                                         "no_cursors": False, "replica": None}


def test_a_replica_and_pgbouncer_are_configured_from_the_environment():
    result = django_setup({"DATABASE_URL": SAMPLE_VALUES["DATABASE_URL"], "PGBOUNCER_TRANSACTION_MODE": "true",
                           "REPLICA_DATABASE_URL": "postgres://jamsostek@replica.internal:6432/jamsostek"}, SHOW)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"aliases": ["default", "replica"], "routers": ["common.db_router.ReplicaRouter"],
                                         "middleware": "common.db_router.ReplicaReadsMiddleware",
                                         "no_cursors": True, "replica": "replica.internal"}
