"""Bulk writes that stay fast at thousands of rows: the rows travel as one JSON parameter.

Django's ``bulk_create`` binds every value as its own parameter and ``bulk_update`` builds a
``CASE WHEN`` per field and row; both spend more time in Python than PostgreSQL spends writing.
Here the rows are serialised once (``json.dumps``) and expanded by ``jsonb_to_recordset`` on the
server, typed by the model's own column types. Row-level security, triggers (audit, outbox) and
constraints apply as for any INSERT or UPDATE.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import psycopg
from django.db import connection
from django.db.models import Model


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def _columns(model: type[Model], names: Iterable[str]) -> list[tuple[str, str]]:
    """(column, SQL type) for each field name."""
    columns = []
    for name in names:
        field = model._meta.get_field(name)
        columns.append((field.column, field.db_type(connection)))
    return columns


def _record(columns: list[tuple[str, str]]) -> str:
    return ", ".join(f'"{column}" {sql_type}' for column, sql_type in columns)


def _rows(model: type[Model], objects: Iterable[Model | dict], names: list[str]) -> str:
    """The rows as a JSON array; a row is a model instance or a dict of column name to plain value."""
    fields = [model._meta.get_field(name) for name in names]
    rows = []
    for obj in objects:
        if isinstance(obj, dict):
            rows.append(obj)
            continue
        rows.append({field.column: field.get_prep_value(getattr(obj, field.attname)) for field in fields})
    return json.dumps(rows, default=_default)


def _execute(statement: str, rows: str) -> int:
    connection.ensure_connection()
    # server-side binding for this one statement: the JSON goes as it is, not escaped into the SQL text
    # by Django's client-side binding (which costs more than the write for a few thousand rows)
    with psycopg.Cursor(connection.connection) as cur:
        cur.execute(statement, [rows])
        return cur.rowcount


def insert(model: type[Model], objects: list, fields: list[str], *, on_conflict: str = "") -> int:
    """INSERT these rows' ``fields`` in one statement (no primary keys are read back).

    ``on_conflict``: SQL after ``ON CONFLICT``, such as ``(lead_id) DO UPDATE SET ...``; see ``upsert``.
    """
    if not objects:
        return 0
    columns = _columns(model, fields)
    names = ", ".join(f'"{column}"' for column, _ in columns)
    return _execute(
        f'INSERT INTO "{model._meta.db_table}" ({names}) '
        f"SELECT {names} FROM jsonb_to_recordset(%s::jsonb) AS r({_record(columns)})"
        + (f" ON CONFLICT {on_conflict}" if on_conflict else ""),
        _rows(model, objects, fields),
    )


def upsert(model: type[Model], objects: list, fields: list[str], *, unique: list[str], update: list[str]) -> int:
    """INSERT, or UPDATE ``update`` where a row with the same ``unique`` fields exists."""
    unique_columns = ", ".join(f'"{c}"' for c, _ in _columns(model, unique))
    assignments = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c, _ in _columns(model, update))
    return insert(model, objects, fields, on_conflict=f"({unique_columns}) DO UPDATE SET {assignments}")


def update(model: type[Model], objects: list[Model], fields: list[str]) -> int:
    """UPDATE ``fields`` of these objects (matched by primary key) in one statement."""
    if not objects:
        return 0
    pk = model._meta.pk
    columns = _columns(model, [pk.name, *fields])
    assignments = ", ".join(f'"{column}" = r."{column}"' for column, _ in columns[1:])
    return _execute(
        f'UPDATE "{model._meta.db_table}" AS t SET {assignments} '
        f"FROM jsonb_to_recordset(%s::jsonb) AS r({_record(columns)}) "
        f'WHERE t."{pk.column}" = r."{pk.column}"',
        _rows(model, objects, [pk.name, *fields]),
    )
