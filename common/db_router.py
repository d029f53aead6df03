"""Reads from a PostgreSQL read replica, installed only when REPLICA_DATABASE_URL is set
(settings.py adds DATABASES["replica"], this router and its middleware; without it nothing here
runs and every query goes to the primary).

The rule, in full:

1. Writes always go to the primary ("default"), and so does every read outside a web request (the
   Celery workers, beat, management commands): a worker reads what the request that queued it has
   just committed, which a replica may not have yet.
2. In a web request, reads go to the replica only in a view marked `@reads_from_replica` (the
   dashboards, the exports, the API: pages that read a lot and write little), and only for a GET
   or HEAD.
3. Once the request has written anything (a save, an update, a delete, a `select_for_update`,
   which all ask the router for the write database), the rest of that request reads from the
   primary: an export that writes its log row reads nothing stale afterwards.
4. A request that wrote, or used an unsafe method (POST, …), answers with a cookie that keeps the
   same browser's reads on the primary for settings.REPLICA_PIN_SECONDS (10 s): a person who has
   just approved a nominee and opens the dashboard sees the approval, whatever the replica's lag.
   The cookie only sends reads to the primary, so a forged or missing one costs nothing but load.

Reads of other people's recent writes may lag by the replica's delay (usually well under a
second); the figures on a dashboard or in an export are as of that moment either way.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings

PRIMARY, REPLICA = "default", "replica"
PIN_COOKIE = "primary_reads"
SAFE_METHODS = ("GET", "HEAD")


@dataclass
class _RequestReads:
    replica: bool = False  # this request's view may read from the replica
    wrote: bool = False  # this request has written to the primary


_request_reads: ContextVar[_RequestReads | None] = ContextVar("request_reads", default=None)


def reads_from_replica(view):
    """Marks a view (a function, or a class-based view's class) whose GET reads may go to the
    replica under the rule above. Put it outermost, above login_required and the like."""
    view.reads_from_replica = True
    return view


def _marked(view_func) -> bool:
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    return bool(getattr(view_func, "reads_from_replica", False) or getattr(view_class, "reads_from_replica", False))


class ReplicaRouter:
    """Django database router for the rule above."""

    def db_for_read(self, model, **hints) -> str:
        reads = _request_reads.get()
        return REPLICA if reads is not None and reads.replica and not reads.wrote else PRIMARY

    def db_for_write(self, model, **hints) -> str:
        reads = _request_reads.get()
        if reads is not None:
            reads.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by replication


class ReplicaReadsMiddleware:
    """Opens the rule's per-request state, lets marked GET views read from the replica, and sets
    the pinning cookie after a request that wrote. First in MIDDLEWARE, so it sees every write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = _RequestReads()
        token = _request_reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _request_reads.reset(token)
        if reads.wrote or request.method not in SAFE_METHODS:
            response.set_cookie(PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        reads = _request_reads.get()
        if (reads is not None and request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES
                and _marked(view_func)):
            reads.replica = True
