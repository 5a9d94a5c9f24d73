"""Keyset pagination: pages continue after the last row seen, by (sort columns..., id).

Cursors are opaque to the client (urlsafe base64 of JSON) and typed back by the model's fields
when read, so a cursor from one sort never decodes into a query on another.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import BooleanField, F, Func, Value


class RowComparison(Func):
    """``(a, b, id) > (x, y, z)``: the row-value form PostgreSQL serves from a (a, b, id) index."""

    output_field = BooleanField()

    def __init__(self, columns: list[str], values: list, operator: str):
        if operator not in (">", "<"):
            raise ValueError(operator)
        self.operator = operator
        self.width = len(columns)
        super().__init__(*[F(c) for c in columns], *[Value(v) for v in values])

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, p = compiler.compile(expression)
            parts.append(sql)
            params.extend(p)
        left, right = parts[: self.width], parts[self.width :]
        return f"({', '.join(left)}) {self.operator} ({', '.join(right)})", params


@dataclass(frozen=True)
class Ordering:
    """Columns to sort by, all ascending or all descending; ``id`` is always the tie-breaker."""

    columns: tuple[str, ...]
    descending: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.columns, "id") if "id" not in self.columns else self.columns

    def order_by(self) -> list[str]:
        return [f"-{c}" if self.descending else c for c in self.keys]


def encode_cursor(row, ordering: Ordering) -> str:
    values = [getattr(row, column) for column in ordering.keys]
    return base64.urlsafe_b64encode(json.dumps(values, cls=DjangoJSONEncoder).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: Ordering, model) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(raw, list) or len(raw) != len(ordering.keys):
            raise ValueError("wrong shape")
        fields = [model._meta.get_field(column) for column in ordering.keys]
        return [f.to_python(value) for f, value in zip(fields, raw, strict=True)]
    except (ValueError, TypeError, binascii.Error, ValidationError) as exc:
        raise InvalidCursor from exc


class InvalidCursor(ValueError):
    """The ``after`` parameter is not a cursor this list made."""


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def page(queryset, ordering: Ordering, *, after: str | None, size: int) -> Page:
    """One page of ``queryset`` in ``ordering``, starting after the cursor."""
    if after:
        values = decode_cursor(after, ordering, queryset.model)
        queryset = queryset.filter(RowComparison(list(ordering.keys), values, "<" if ordering.descending else ">"))
    rows = list(queryset.order_by(*ordering.order_by())[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows=rows, next_cursor=encode_cursor(rows[-1], ordering) if more and rows else None)
