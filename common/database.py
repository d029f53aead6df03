"""Database helpers of the shared floor: errors worth another try, and the one UPDATE of many rows
with a value of their own per row."""

from collections.abc import Sequence

from django.db import InterfaceError, OperationalError, connections

# A lost connection, a failover, a lock or statement timeout: worth another try for a task (and an
# export job). Other errors are bugs or bad data, which a retry would only repeat.
RETRYABLE_DATABASE_ERRORS = (OperationalError, InterfaceError)


def update_rows(model, objects: Sequence, fields: Sequence[str], *, using: str = "default") -> None:
    """Writes `fields` of each of `objects` (instances of `model`, saved) in ONE statement: on
    PostgreSQL an `UPDATE … FROM (VALUES …)` joined on the primary key, each value cast to its
    column's type. Django's bulk_update compiles a `CASE WHEN id = … THEN …` per field with a branch
    per row, which PostgreSQL walks for every row: quadratic in the rows of one call (20,000 KPJ
    numbers of a BPJS answer took 38 s, the same rows by VALUES 1 s). Elsewhere (SQLite, the demo)
    it is bulk_update. No signals, no `auto_now`: the caller sets every field it writes."""
    if not objects:
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.using(using).bulk_update(objects, fields)
        return
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in [pk, *columns]) + ")"
    params = []
    for instance in objects:
        params.append(pk.get_db_prep_value(instance.pk, connection))
        params.extend(field.get_db_prep_save(getattr(instance, field.attname), connection) for field in columns)
    names = ", ".join(quote(f"v_{field.column}") for field in [pk, *columns])
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(f'v_{field.column}')}" for field in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {assignments} FROM (VALUES {', '.join([row] * len(objects))}) "
            f"AS v ({names}) WHERE {quote(meta.db_table)}.{quote(pk.column)} = v.{quote(f'v_{pk.column}')}",
            params)
