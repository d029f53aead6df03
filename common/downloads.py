"""A form that answers with a file download tells its page when the file came, so the page can
show what the request did ("202 akun operator desa dibuat").

A download leaves the page where it was: the browser saves the file and shows nothing else, so a
message the view adds (django.contrib.messages) waits for the next page. A form marked
`data-download` (static/js/app.js) sends a random nonce in the field `download_nonce`; the view
answers the file with the cookie `download_done` set to that nonce (`mark_done`); the page, which
polls for the cookie, then reloads itself and shows the message. Without script the message shows
on the next page the person opens. The cookie holds only the nonce the page made, for a minute.
"""

from __future__ import annotations

import re

FIELD = "download_nonce"
COOKIE = "download_done"
_NONCE = re.compile(r"[A-Za-z0-9]{8,64}")
MAX_AGE_SECONDS = 60


def mark_done(request, response):
    """Sets the cookie that tells the page of the form sent with `request` that `response` (the
    file) arrived; a request without a well-formed nonce gets no cookie. Returns the response."""
    nonce = request.POST.get(FIELD, "")
    if _NONCE.fullmatch(nonce):
        # Read by the page's script, so not HttpOnly; it is a random value the page itself made.
        response.set_cookie(COOKIE, nonce, max_age=MAX_AGE_SECONDS, samesite="Strict", secure=request.is_secure(),
                            httponly=False)
    return response
