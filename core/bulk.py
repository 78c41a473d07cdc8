"""Inserting many rows fast: PostgreSQL's COPY, with the primary keys drawn from the table's
sequence first so the caller can refer to the new rows (history rows, audit ids).

``bulk_create`` spends most of its time preparing each value in Python (about 1.5 s for
10,000 cadres here); COPY hands the values to psycopg's C adapters (docs/PERFORMANCE.md).
Other databases fall back to ``bulk_create``. Like ``bulk_create``: no ``save()``, no signals;
``auto_now``/``auto_now_add`` fields are set here.
"""

from django.db import connections, models, router
from django.utils import timezone


def _value(field, obj):
    value = getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return getattr(value, "name", value) or ""
    return value


def bulk_insert(model, objects: list, *, batch_size: int = 1000) -> list:
    """Insert ``objects`` (new, unsaved instances of ``model``); sets their primary keys."""
    if not objects:
        return objects
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model._default_manager.using(using).bulk_create(objects, batch_size=batch_size)
    now = timezone.now()
    fields = list(model._meta.concrete_fields)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
    pk = model._meta.pk
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # wrap_database_errors: a unique violation during COPY is Django's IntegrityError, as it
    # would be from bulk_create.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objects)],
        )
        for obj, (value,) in zip(objects, cursor.fetchall()):
            setattr(obj, pk.attname, value)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([_value(field, obj) for field in fields])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using
    return objects
