"""A form's draft kept in the browser, so that what an officer typed survives a send that never
arrived (no signal, a timeout, the browser's error page) or a session that expired meanwhile (the
send lands on the login page). static/js/drafts.js does the work in the browser; this module is the
server's half: the draft's name, and the word that the server saved what the form sent.

Where the draft lives, and for how long (it holds NIK, KK and other personal data of someone who is
not the officer, UU 27/2022):
- in the tab's sessionStorage, not localStorage: it survives the error page, the back button, a
  reload and the login page in that tab, and is gone when the tab or the browser is closed, so a
  village office's shared phone does not keep it for the next person;
- only from the moment the form is sent (not while typing), under a name that carries the user and
  the village (and the nominee), so it comes back only on that person's same form;
- deleted by the browser when the server says it saved the form (`draft_done`, carried in a
  signed cookie to the next page, which reads it), when the officer discards it or presses
  *Batal*, at *Keluar*, on any page of another user (someone else logged in on that tab), and
  once older than a login session (`SESSION_COOKIE_AGE`).
"""

from __future__ import annotations

from django.conf import settings

PREFIX = "draft"
COOKIE = "drafts_done"
_SALT = "common.drafts.done"
KEPT = 20  # keys waiting in the cookie at most: a name is about 40 characters


def draft_key(user, *parts) -> str:
    """The draft's name in the browser: the user first (a page of another user deletes it), then
    what identifies the form, e.g. ("nominee", village_pk, "tambah")."""
    return ":".join([PREFIX, str(user.pk), *(str(part) for part in parts)])


def draft_done(request, key: str) -> None:
    """The server saved what the form named `key` sent (or it can no longer be saved): the next page
    rendered tells the browser to delete that draft."""
    done = _waiting(request)
    if key not in done:
        done.append(key)
        request._drafts_done_changed = True


def drafts_done_pop(request) -> list[str]:
    """The drafts to delete, once: the keys `draft_done` stored for this user, then forgotten."""
    done = _waiting(request)
    if not done:
        return []
    request._drafts_done, request._drafts_done_changed = [], True
    own = f"{PREFIX}:{request.user.pk}:"
    return [key for key in done if key.startswith(own)]


def _waiting(request) -> list[str]:
    """The keys waiting for a page: those the browser brought back in its cookie, and this request's.

    A cookie rather than the session: a saved nominee would otherwise cost two writes of the
    session row (the save that stores the key, the page that reads it), each with its own commit,
    on the village officer's busiest path. The cookie is signed, so a page lists only names this
    server wrote; `DraftsDoneMiddleware` writes it back when a request changed it."""
    if not hasattr(request, "_drafts_done"):
        stored = request.get_signed_cookie(COOKIE, default="", salt=_SALT)
        request._drafts_done, request._drafts_done_changed = stored.split(), False
    return request._drafts_done


class DraftsDoneMiddleware:
    """Writes the waiting keys back to their cookie (or deletes it) when the request changed them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_drafts_done_changed", False):
            keys = request._drafts_done[-KEPT:]
            if keys:
                # Sent like the session cookie: over HTTPS only in production, never to another site.
                response.set_signed_cookie(COOKIE, " ".join(keys), salt=_SALT, httponly=True,
                                           samesite=settings.SESSION_COOKIE_SAMESITE,
                                           secure=settings.SESSION_COOKIE_SECURE)
            else:
                response.delete_cookie(COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE)
        return response


def drafts(request) -> dict:
    """Context processor for base.html's drafts meta tag. The keys are read (and popped) only when
    the page renders the tag, so a fragment without it (htmx) does not swallow them."""
    return {"drafts_done": lambda: drafts_done_pop(request), "draft_max_age": settings.SESSION_COOKIE_AGE}
