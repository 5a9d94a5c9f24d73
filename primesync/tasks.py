"""Celery tasks of the core: running one workflow handler for one event, housekeeping."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from primesync import audit, events, tenancy
from primesync.models import HandlerFailure, OutboxEvent

log = logging.getLogger("primesync.tasks")

# Handlers are idempotent (the ProcessedEvent claim commits with their effects), so a task may be
# acknowledged late and run again if its worker dies.
IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True}


class HandlerGaveUp(Exception):
    pass


@shared_task(
    bind=True, name="primesync.run_handler", autoretry_for=(Exception,), dont_autoretry_for=(HandlerGaveUp,),
    retry_backoff=2, retry_backoff_max=300, retry_jitter=True, max_retries=8, **IDEMPOTENT,
)
def run_handler(self, event_id: int, team_id: int, handler_name: str) -> str:
    handler = events.get_handler(handler_name)
    if handler is None:
        raise HandlerGaveUp(f"no handler named {handler_name}")
    try:
        with tenancy.use_team(team_id), transaction.atomic():
            event = OutboxEvent.objects.filter(pk=event_id).first()
            if event is None:
                return "missing"
            audit.set_context(source="worker", path=f"handler:{handler_name}", correlation_id=event.correlation_id)
            with connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO primesync_processedevent (team_id, event_id, handler, processed_at) "
                    "VALUES (%s, %s, %s, now()) ON CONFLICT (event_id, handler) DO NOTHING RETURNING id",
                    [team_id, event_id, handler_name],
                )
                if cur.fetchone() is None:
                    return "already processed"
            handler.fn(event)
        return "done"
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            _record_failure(team_id, event_id, handler_name, exc)
        raise


def _record_failure(team_id: int, event_id: int, handler_name: str, exc: Exception) -> None:
    log.error("handler %s gave up on event %s: %s", handler_name, event_id, exc)
    with tenancy.use_team(team_id):
        HandlerFailure.objects.create(
            team_id=team_id, event_id=event_id, handler=handler_name, error=f"{type(exc).__name__}: {exc}"[:1000]
        )


@shared_task(name="primesync.purge_outbox")
def purge_outbox(days: int = 7) -> int:
    """Delivered events older than ``days`` leave the outbox (the audit trail keeps the history)."""
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic(), tenancy.bypass(reason="purge delivered outbox events", method="BEAT"):
        deleted, _ = OutboxEvent.objects.filter(delivered_at__lt=cutoff).delete()
    return deleted


@shared_task(name="primesync.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """API Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS are forgotten (hourly, so none lives much past it)."""
    from primesync.idempotency import purge_expired

    return purge_expired()
