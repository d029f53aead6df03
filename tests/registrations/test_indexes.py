"""The nominee table and its history carry the indexes their reads need, and no more: each index is
one more entry to write for every nominee added, moved or imported (100,000 in one regency-wide
import; ten at once for each village at the deadline)."""

import pytest
from django.db import connection

from registrations.models import Nominee

pytestmark = pytest.mark.django_db


def indexed_columns(model) -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"] or c["unique"]}


def test_the_history_is_indexed_only_by_what_reads_it():
    # The timeline reads a nominee's history by its id, in date order; a user's deletion nulls
    # history_user. Nothing reads the history by the programme, village or other foreign keys.
    assert indexed_columns(Nominee.history.model) == {("history_id",), ("id",), ("history_date",),
                                                        ("history_user_id",)}


def test_lookups_by_programme_or_nominating_body_are_served_by_the_composite_indexes():
    columns = indexed_columns(Nominee)

    assert ("programme_id",) not in columns and ("nominating_body_id",) not in columns
    assert ("programme_id", "village_id", "status", "registered_on", "paid_until") in columns
    assert any(index[0] == "nominating_body_id" for index in columns)
    assert ("village_id",) in columns  # the village's own lookups (no composite begins with it)
