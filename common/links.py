"""Links to many rows of one list, made with one reverse() for the whole list."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

# Stands for the row's pk while the URL is reversed once: no real pk is this large.
_PK_MARK = 987_654_321_987


def url_for_each(viewname: str, *args) -> Callable[[int], str]:
    """`url_for_each(name, *args)(pk) == reverse(name, args=[*args, pk])` for an integer pk (the
    URL's last argument), without resolving the URL again for each row: a 50-row table with two
    links a row spent a fifth of its rendering in reverse()."""
    head, mark, tail = reverse(viewname, args=[*args, _PK_MARK]).rpartition(str(_PK_MARK))
    if not mark:
        raise ValueError(f"{viewname}: the pk is not in its URL")
    return lambda pk: f"{head}{int(pk)}{tail}"
