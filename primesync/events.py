"""One bus: the transactional outbox.

Data changes reach ``primesync_outboxevent`` by database trigger, in the same transaction as the
change, so ORM saves, admin edits, ``queryset.update()`` and raw SQL all produce events. Other
events are written by :func:`publish` inside the caller's transaction. A statement-level trigger on
the outbox sends one ``NOTIFY primesync_outbox`` per inserting statement; ``manage.py relay``
listens, and also sweeps, so a missed notification loses nothing.

Apps plug in from ``AppConfig.ready()`` (the core never imports them):

- :func:`handler` registers a Celery-run workflow step for event types (at least once, made
  idempotent by ``ProcessedEvent``);
- :func:`live_renderer` registers what to push to open pages for event types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pgtrigger
from django.utils import timezone

from primesync import audit

NOTIFY_CHANNEL = "primesync_outbox"
OUTBOX_TABLE = "primesync_outboxevent"

# Events written by triggers
LEAD_CREATED = "LEAD_CREATED"
LEAD_ASSIGNED = "LEAD_ASSIGNED"
LEAD_STATUS_CHANGED = "LEAD_STATUS_CHANGED"
DEAL_CREATED = "DEAL_CREATED"
DEAL_STAGE_CHANGED = "DEAL_STAGE_CHANGED"
DEAL_UPDATED = "DEAL_UPDATED"
DEAL_DELETED = "DEAL_DELETED"
ACTIVITY_LOGGED = "ACTIVITY_LOGGED"
ENRICHMENT_REQUESTED = "ENRICHMENT_REQUESTED"
IMPORT_REQUESTED = "IMPORT_REQUESTED"  # a CSV import was queued: a worker takes it
NOTIFICATION_CREATED = "NOTIFICATION_CREATED"
# Events written by publish()
EMAIL_OPENED = "EMAIL_OPENED"
EMAIL_CLICKED = "EMAIL_CLICKED"
DEAL_STALE = "DEAL_STALE"
QUOTA_ALERT = "QUOTA_ALERT"
SLA_BREACHED = "SLA_BREACHED"
LEAD_ENRICHED = "LEAD_ENRICHED"
LEAD_CONTACT_CHANGED = "LEAD_CONTACT_CHANGED"  # email, phone, company or name edited
LEAD_SLA_CHANGED = "LEAD_SLA_CHANGED"  # a speed-to-lead clock started, was touched or breached
LEAD_MERGED = "LEAD_MERGED"  # entity: the survivor; payload: merge_id, merged_id, merged_name
LEAD_MERGE_UNDONE = "LEAD_MERGE_UNDONE"  # entity: the lead brought back; payload: merge_id, survivor_id

CONTEXT_SQL = "(SELECT NULLIF(current_setting('pghistory.context_metadata', true), '')::jsonb AS c) AS ctx"


def outbox_trigger(
    name: str,
    *,
    operation: pgtrigger.Operation,
    event_type: str,
    entity_type: str,
    payload: str,
    where: str = "",
) -> pgtrigger.Trigger:
    """A statement-level trigger that writes one outbox row per affected row.

    In ``payload`` and ``where``, ``n`` is the new row and ``o`` the old one (for updates both,
    joined on id; for inserts only ``n``; for deletes only ``o``).
    """
    if operation == pgtrigger.Insert:
        source, row, referencing = "new_values n", "n", pgtrigger.Referencing(new="new_values")
    elif operation == pgtrigger.Delete:
        source, row, referencing = "old_values o", "o", pgtrigger.Referencing(old="old_values")
    else:
        source = "old_values o JOIN new_values n ON o.id = n.id"
        row, referencing = "n", pgtrigger.Referencing(old="old_values", new="new_values")
    sql = (
        f"INSERT INTO {OUTBOX_TABLE} (team_id, type, entity_type, entity_id, payload, context, correlation_id, "
        f"created_at) SELECT {row}.team_id, '{event_type}', '{entity_type}', {row}.id, {payload}, ctx.c, "
        f"COALESCE(ctx.c->>'correlation_id', ''), now() FROM {source}, {CONTEXT_SQL}"
        f"{f' WHERE {where}' if where else ''}; RETURN NULL;"
    )
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=referencing,
        func=pgtrigger.Func(sql),
    )


def notify_trigger() -> pgtrigger.Trigger:
    """One NOTIFY per inserting statement: the relay then reads every undelivered row."""
    return pgtrigger.Trigger(
        name="outbox_notify",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        func=pgtrigger.Func(f"PERFORM pg_notify('{NOTIFY_CHANNEL}', ''); RETURN NULL;"),
    )


def publish(event_type: str, *, team, entity_type: str, entity_id: int, payload: dict | None = None):
    """Write an event in the caller's transaction: it is delivered only if that transaction commits."""
    from primesync.models import OutboxEvent

    ctx = audit.current_context()
    return OutboxEvent.objects.create(
        team_id=getattr(team, "pk", team),
        type=event_type,
        entity_type=entity_type,
        entity_id=entity_id,
        payload=payload or {},
        context=ctx.as_metadata() if ctx else None,
        correlation_id=ctx.correlation_id if ctx else "",
    )


def publish_many(event_type: str, *, team, entity_type: str, items: list[tuple[int, dict]]) -> None:
    """``publish`` for many entities at once (a batch of leads enriched): one INSERT."""
    from primesync import bulk
    from primesync.models import OutboxEvent

    ctx = audit.current_context()
    now = timezone.now()
    bulk.insert(OutboxEvent, [
        OutboxEvent(team_id=getattr(team, "pk", team), type=event_type, entity_type=entity_type, entity_id=entity_id,
                    payload=payload or {}, context=ctx.as_metadata() if ctx else None,
                    correlation_id=ctx.correlation_id if ctx else "", created_at=now)
        for entity_id, payload in items
    ], ["team", "type", "entity_type", "entity_id", "payload", "context", "correlation_id", "created_at"])


# --- registries the apps fill in ---------------------------------------------------------------


@dataclass(frozen=True)
class Handler:
    name: str
    event_types: frozenset[str]
    fn: Callable
    # ``wanted(team_id, event_type)``: asked by the relay before it queues a run; False: no run at all
    wanted: Callable[[int, str], bool] | None = None

    def wants(self, team_id: int, event_type: str) -> bool:
        return self.wanted is None or self.wanted(team_id, event_type)


class Wishes:
    """Whether each handler wants a team's events of a type, asked once per (handler, team, type) while it
    lives. The relay keeps one per batch: a 100,000-lead import asks a handler's ``wanted`` once per batch
    and team, not once per event."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, str], bool] = {}

    def wants(self, handler: Handler, team_id: int, event_type: str) -> bool:
        key = (handler.name, team_id, event_type)
        if key not in self._known:
            self._known[key] = handler.wants(team_id, event_type)
        return self._known[key]


_handlers: dict[str, Handler] = {}
_live_renderers: list[tuple[frozenset[str], Callable]] = []


def handler(*event_types: str, name: str | None = None, wanted: Callable[[int, str], bool] | None = None):
    """Register ``fn(event)`` to run in a Celery worker for each event of these types.

    It runs inside the event's team scope and a transaction that also records it as processed,
    so a redelivered event is skipped and a failed run is retried whole. ``wanted`` spares the
    broker and the workers a run that would do nothing (a team without webhooks, say); it is
    asked by the relay, for each event, so it must be cheap.
    """

    def decorate(fn: Callable) -> Callable:
        key = name or f"{fn.__module__}.{fn.__name__}"
        _handlers[key] = Handler(name=key, event_types=frozenset(event_types), fn=fn, wanted=wanted)
        return fn

    return decorate


def handlers_for(event_type: str) -> list[Handler]:
    return [h for h in _handlers.values() if event_type in h.event_types]


def registered_handlers() -> list[Handler]:
    return list(_handlers.values())


def get_handler(name: str) -> Handler | None:
    return _handlers.get(name)


def live_renderer(*event_types: str):
    """Register ``fn(event) -> list[(group, message)]``: what open pages receive for an event.

    It runs once per event in the relay (not once per open page), inside the event's team scope.
    """

    def decorate(fn: Callable) -> Callable:
        if all(existing is not fn for _, existing in _live_renderers):
            _live_renderers.append((frozenset(event_types), fn))
        return fn

    return decorate


def live_renderers_for(event_type: str) -> list[Callable]:
    return [fn for types, fn in _live_renderers if event_type in types]
