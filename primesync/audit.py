"""The audit trail: database triggers (django-pghistory) write one event row per change.

Context (who, from where, which request) travels in two transaction-local settings that the
pghistory trigger copies into each event row as JSON (``pgh_context``). We set them once per
transaction, at the edge (request middleware, task, command), rather than through
``pghistory.context`` which re-sends them before every statement.

A change made outside the app (psql, a migration script) carries no context: its events have
``pgh_context`` NULL and are reported with source ``sql``.
"""

from __future__ import annotations

import contextvars
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

import pghistory
import pgtrigger
from django.db import connection

SOURCES = ("web", "api", "admin", "import", "worker", "sql", "command")
SQL_SOURCE = "sql"

_current = contextvars.ContextVar("audit_context", default=None)


class _StatementEventTrigger(pghistory.trigger.Event):
    """pghistory's statement-level event trigger, minus the shared context table.

    pghistory's statement-level SQL always upserts ``pghistory_context`` (a table with no team,
    which would leak user ids and paths across tenants) even when context is stored as JSON in
    the event row, as ours is. We drop that part; the event rows are otherwise pghistory's.
    """

    CONTEXT_CTE = "WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) "
    # The context's JSON and id, which pghistory reads and parses again for every row of the statement;
    # as a subquery they are read once (an InitPlan): a tenth of the audit's cost for a 10,000-row insert.
    CONTEXT_VALUES = (
        "COALESCE(NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), ''), NULL)::JSONB",
        "COALESCE(NULLIF(CURRENT_SETTING('pghistory.context_id', TRUE), ''), NULL)::UUID",
    )

    def get_func(self, model):
        sql = str(super().get_func(model).func)
        sql = sql.replace(self.CONTEXT_CTE, "").replace(", _pgh_attached_context;", ";")
        if "_pgh_attach" in sql or not all(value in sql for value in self.CONTEXT_VALUES):
            raise RuntimeError("pghistory's trigger SQL changed: review _StatementEventTrigger")
        for value in self.CONTEXT_VALUES:
            sql = sql.replace(value, f"(SELECT {value})")
        return pgtrigger.Func(sql)


class _StatementTracker:
    """Mixin for pghistory trackers: one statement-level trigger per write, reading transition tables."""

    level = pgtrigger.Statement

    def add_event_trigger(self, event_model):
        pgtrigger.register(
            _StatementEventTrigger(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=pgtrigger.Statement,
            )
        )(event_model.pgh_tracked_model)


class InsertEvent(_StatementTracker, pghistory.InsertEvent):
    pass


class UpdateEvent(_StatementTracker, pghistory.UpdateEvent):
    pass


class DeleteEvent(_StatementTracker, pghistory.DeleteEvent):
    pass


def tracked(*, exclude: tuple[str, ...] = (), skip_unchanged: bool = False):
    """Class decorator: audit every insert, update and delete of a model, append-only.

    Statement-level triggers: a bulk write of N rows runs one INSERT ... SELECT into the event
    table instead of N trigger calls (see docs/BENCHMARKS.md for what each costs).

    Every updated row is recorded, even when no tracked value changed: comparing old and new
    rows costs a join of the transition tables (about a third of the trigger's time on a bulk
    update), and ORM saves change ``updated_at`` anyway. The history view skips such rows.
    ``skip_unchanged`` pays for the comparison where no-op updates are frequent (a user's
    ``last_login``, which is not tracked, changes on every login).
    """

    def decorate(model):
        return pghistory.track(
            InsertEvent(),
            UpdateEvent() if skip_unchanged else UpdateEvent(condition=None),
            DeleteEvent(),
            exclude=list(exclude) or None,
            obj_field=pghistory.ObjForeignKey(related_name="events", db_index=False),
            meta={"indexes": [_obj_index(model)]},
        )(model)

    return decorate


def _obj_index(model):
    from django.db import models

    # History of one object, in order: the only way event tables are read.
    return models.Index(fields=["pgh_obj", "pgh_id"], name=f"{model._meta.model_name[:20]}_ev_obj")


def append_only_trigger() -> pgtrigger.Protect:
    """The trigger that makes a log table append-only (also picked up by db_setup for REVOKEs)."""
    return pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


@dataclass(frozen=True)
class AuditContext:
    source: str
    user_id: int | None = None
    path: str | None = None
    correlation_id: str = ""
    ip: str | None = None

    def as_metadata(self) -> dict:
        data = {"source": self.source, "user": self.user_id, "url": self.path, "correlation_id": self.correlation_id}
        if self.ip:
            data["ip"] = self.ip
        return data


SET_CONTEXT_SQL = "set_config('pghistory.context_id', %s, true), set_config('pghistory.context_metadata', %s, true)"


def new_context(
    *,
    source: str,
    user_id: int | None = None,
    path: str | None = None,
    correlation_id: str | None = None,
    ip: str | None = None,
) -> AuditContext:
    if source not in SOURCES:
        raise ValueError(f"unknown audit source {source!r}")
    return AuditContext(
        source=source, user_id=user_id, path=path, correlation_id=correlation_id or uuid.uuid4().hex, ip=ip
    )


def context_params(ctx: AuditContext) -> list[str]:
    """Parameters for SET_CONTEXT_SQL (callers may fold it into a statement of their own)."""
    return [str(uuid.uuid4()), json.dumps(ctx.as_metadata())]


def remember(ctx: AuditContext) -> None:
    _current.set(ctx)


def set_context(*, using=None, **fields) -> AuditContext:
    """Attach who/where/why to every change for the rest of the current transaction."""
    ctx = new_context(**fields)
    with (using or connection).cursor() as cur:
        cur.execute(f"SELECT {SET_CONTEXT_SQL}", context_params(ctx))
    remember(ctx)
    return ctx


def current_context() -> AuditContext | None:
    return _current.get()


def clear_context() -> None:
    _current.set(None)


# --- reading the trail -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field changed by one event: what the timeline and the history API show."""

    at: datetime
    event_id: int
    action: str  # insert / update / delete
    user_id: int | None
    source: str
    correlation_id: str | None
    field: str
    old: object
    new: object


HIDDEN_FIELDS = {"id", "team", "updated_at", "created_at", "quality_factors"}


def changes_from_events(events, fields: list[str]) -> list[Change]:
    """Turn full-row snapshots (oldest first) into per-field changes.

    Each event row holds the whole row after the change (before it, for deletes); comparing
    consecutive snapshots gives from/to per field.
    """
    changes: list[Change] = []
    previous: dict | None = None
    for event in events:
        snapshot = {name: getattr(event, _attname(event, name)) for name in fields}
        context = event.pgh_context or {}
        common = {
            "at": event.pgh_created_at,
            "event_id": event.pgh_id,
            "action": event.pgh_label,
            "user_id": context.get("user"),
            "source": context.get("source") or SQL_SOURCE,
            "correlation_id": context.get("correlation_id"),
        }
        if event.pgh_label == "delete":
            changes.append(Change(**common, field="", old=None, new=None))
        else:
            for name in fields:
                old = previous.get(name) if previous else None
                new = snapshot[name]
                if previous is None and new in (None, ""):
                    continue
                if previous is not None and old == new:
                    continue
                changes.append(Change(**common, field=name, old=old, new=new))
        previous = snapshot
    return changes


def _attname(event, name: str) -> str:
    return event._meta.get_field(name).attname


def tracked_fields(model) -> list[str]:
    """Fields of ``model`` that its event model snapshots, minus bookkeeping ones."""
    event_model = model.events.rel.related_model
    snapshot = {f.name for f in event_model._meta.concrete_fields}
    return [f.name for f in model._meta.concrete_fields if f.name in snapshot and f.name not in HIDDEN_FIELDS]
