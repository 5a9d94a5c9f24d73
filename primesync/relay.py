"""The outbox relay: delivers committed events to open pages (channel layer) and to workflows (Celery).

It LISTENs for the outbox NOTIFY and also sweeps on a timer, claiming undelivered rows with
``FOR UPDATE SKIP LOCKED``: several relays can run side by side, and a missed notification or a
killed relay loses nothing (its claimed rows are released with its transaction and delivered
again). Delivery is at least once; live renderers and handlers are idempotent.

The relay reads every team's events, so its claim transactions run as the BYPASSRLS role. That
use is logged once per relay start in ``RlsBypass``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone
from psycopg import sql

from primesync import broadcast, events, redelivery, tenancy
from primesync.events import NOTIFY_CHANNEL, OUTBOX_TABLE

log = logging.getLogger("primesync.relay")

# Seconds between attempts while Redis or the database is down, at most: a failed attempt costs one short
# transaction, and a Redis back from an outage should carry the waiting events within seconds.
MAX_BACKOFF = 3.0

COLUMNS = "id, team_id, type, entity_type, entity_id, payload, context, correlation_id, created_at"


@dataclass
class Event:
    """An outbox row as the relay hands it on (plain data: it crosses threads and processes)."""

    id: int
    team_id: int
    type: str
    entity_type: str
    entity_id: int
    payload: dict
    context: dict | None
    correlation_id: str
    created_at: datetime

    @property
    def actor_id(self) -> int | None:
        return (self.context or {}).get("user")


@dataclass
class RelayStats:
    delivered: int = 0
    redelivered: int = 0
    failed_batches: int = 0
    last_error: str = ""
    lag_seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)


def app_conninfo() -> str:
    s = settings.DATABASES["default"]
    params = {"dbname": s["NAME"], "user": s["USER"], "password": s["PASSWORD"], "host": s["HOST"], "port": s["PORT"],
              "application_name": "primesync-relay"}
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})


def _render_live(event: Event) -> list[tuple[str, dict]]:
    """Run the apps' live renderers for one event, inside its team's scope (a worker thread)."""
    messages: list[tuple[str, dict]] = []
    renderers = events.live_renderers_for(event.type)
    if not renderers:
        return messages
    with tenancy.use_team(event.team_id):
        for renderer in renderers:
            messages.extend(renderer(event))
    return messages


def _enqueue_handlers(event: Event, wishes: events.Wishes) -> int:
    return _enqueue_runs([(event.id, event.team_id, h.name) for h in events.handlers_for(event.type)
                          if wishes.wants(h, event.team_id, event.type)])


def _requeue_lost(runs: list[redelivery.OwedRun]) -> int:
    return _enqueue_runs([(run.event_id, run.team_id, run.handler) for run in redelivery.wanted(runs)])


def _enqueue_runs(runs) -> int:
    """Hand (event id, team id, handler name) runs to the broker; raises at once if it is unreachable."""
    from primesync.tasks import run_handler

    for event_id, team_id, handler_name in runs:
        run_handler.apply_async(args=[event_id, team_id, handler_name], retry=False)
    return len(runs)


class Relay:
    def __init__(self, *, batch_size: int = 200, sweep_interval: float = 1.0, name: str = ""):
        self.batch_size = batch_size
        self.sweep_interval = sweep_interval
        self.name = name or f"relay-{os.getpid()}"
        self.stats = RelayStats()
        self.channel_layer = get_channel_layer()
        self.publisher = broadcast.Publisher()
        self._backoff = 0.0
        self._render = sync_to_async(_render_live, thread_sensitive=True)
        self._enqueue = sync_to_async(_enqueue_handlers, thread_sensitive=False)
        self._requeue = sync_to_async(_requeue_lost, thread_sensitive=False)
        self.broker_epoch = redelivery.BrokerEpoch(settings.CELERY_BROKER_URL,
                                                   f"{settings.REDIS_KEY_PREFIX}:relay:broker-epoch")
        self._lost_at: datetime | None = None  # the broker lost its data then: runs to queue again
        self._next_overdue_check = time.monotonic() + settings.OUTBOX_RERUN_AFTER / 3

    async def deliver(self, event: Event, wishes: events.Wishes) -> None:
        """Live pages first (latency matters there), then the workflows (those whose handlers want it)."""
        for group, message in await self._render(event):
            if broadcast.is_broadcast(group):
                await self.publisher.publish(group, message)  # many pages: one PUBLISH, fanned out per process
            else:
                await self.channel_layer.group_send(group, message)
        await self._enqueue(event, wishes)

    async def sweep(self, conn: psycopg.AsyncConnection) -> int:
        """Claim, deliver and mark one batch. Returns how many were delivered (0: nothing to do)."""
        async with conn.transaction():
            await conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(settings.DB_BYPASS_ROLE)))
            cur = await conn.execute(
                f"SELECT {COLUMNS} FROM {OUTBOX_TABLE} WHERE delivered_at IS NULL "
                "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                [self.batch_size],
            )
            rows = [Event(*row) for row in await cur.fetchall()]
            if not rows:
                return 0
            wishes = events.Wishes()  # per batch: a subscription changed since is seen by the next one
            try:
                for event in rows:
                    await self.deliver(event, wishes)
            except Exception as exc:
                # Nothing is marked: the rows go back to the queue with the rollback. Say why, and back off.
                self.stats.failed_batches += 1
                self.stats.last_error = f"{type(exc).__name__}: {exc}"[:500]
                raise
            await conn.execute(
                f"UPDATE {OUTBOX_TABLE} SET delivered_at = now(), attempts = attempts + 1 "
                "WHERE id = ANY(%s)",
                [[e.id for e in rows]],
            )
        self.stats.delivered += len(rows)
        self.stats.lag_seconds = max(0.0, time.time() - rows[-1].created_at.timestamp())
        return len(rows)

    async def _record_failure(self, conn: psycopg.AsyncConnection) -> None:
        async with conn.transaction():
            await conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(settings.DB_BYPASS_ROLE)))
            await conn.execute(
                # a MATERIALIZED CTE, so the LIMIT holds (an IN (subquery) may be run more than once)
                f"WITH picked AS MATERIALIZED (SELECT id FROM {OUTBOX_TABLE} WHERE delivered_at IS NULL "
                "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
                f"UPDATE {OUTBOX_TABLE} o SET attempts = attempts + 1, last_error = %s FROM picked "
                "WHERE o.id = picked.id",
                [self.batch_size, self.stats.last_error],
            )

    async def drain(self, conn: psycopg.AsyncConnection) -> int:
        total = 0
        while True:
            delivered = await self.sweep(conn)
            total += delivered
            if delivered < self.batch_size:
                return total

    async def run(self, stop: asyncio.Event) -> None:
        """Until ``stop`` is set: wake on NOTIFY or every ``sweep_interval``, deliver what is waiting."""
        await sync_to_async(self._log_bypass, thread_sensitive=True)()
        while not stop.is_set():
            try:
                await self._serve(stop)
            except (psycopg.OperationalError, OSError) as exc:
                log.warning("%s: database connection lost (%s); reconnecting", self.name, exc)
                await self._pause(stop)

    async def _serve(self, stop: asyncio.Event) -> None:
        conninfo = app_conninfo()
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as listener, \
                await psycopg.AsyncConnection.connect(conninfo) as worker:
            await listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
            log.info("%s: listening on %s", self.name, NOTIFY_CHANNEL)
            while not stop.is_set():
                await self._check_broker()
                try:
                    await self.drain(worker)
                    self._backoff = 0.0
                except (psycopg.OperationalError, OSError):
                    raise
                except Exception:
                    log.exception("%s: delivery failed; events stay queued", self.name)
                    await self._record_failure(worker)
                    await self._pause(stop)
                    continue
                await self._redeliver_lost(worker)
                await self._wait_for_notify(listener, stop)

    async def _check_broker(self) -> None:
        """Before each pass: if the broker lost its data since the last look, every handler run handed to
        it until now must be queued again (see primesync.redelivery)."""
        try:
            lost = await self.broker_epoch.lost_since_last_look()
        except Exception:  # noqa: BLE001 - Redis down: the delivery below fails and says so
            return
        if lost:
            log.warning("%s: the broker lost its data; queueing again the handler runs it held", self.name)
            self._lost_at = timezone.now()
        elif self._lost_at is None and time.monotonic() >= self._next_overdue_check:
            # A worker killed between taking a task from Redis and recording it as unacknowledged loses
            # it (kombu's Redis transport moves it in two steps); nothing notices that but this: runs
            # still neither done nor given up OUTBOX_RERUN_AFTER seconds after their event went out.
            self._next_overdue_check = time.monotonic() + settings.OUTBOX_RERUN_AFTER / 3
            self._lost_at = timezone.now() - timedelta(seconds=settings.OUTBOX_RERUN_AFTER)

    async def _redeliver_lost(self, conn: psycopg.AsyncConnection) -> None:
        """After the broker lost its data: one batch of its lost handler runs queued again per pass."""
        if self._lost_at is None:
            return
        try:
            done = await redelivery.redeliver(conn, lost_at=self._lost_at, enqueue=self._requeue)
        except (psycopg.OperationalError, OSError):
            raise
        except Exception as exc:  # noqa: BLE001 - the broker is down again: the next pass tries again
            log.warning("%s: handler runs not queued again yet (%s)", self.name, exc)
            return
        if done.looked_at < redelivery.BATCH:
            self._lost_at = None  # all caught up
        if done.queued:
            self.stats.redelivered += done.queued
            log.warning("%s: queued %s handler runs again that the broker had lost", self.name, done.queued)

    async def _wait_for_notify(self, listener: psycopg.AsyncConnection, stop: asyncio.Event) -> None:
        gen = listener.notifies(timeout=self.sweep_interval, stop_after=1)
        async for _ in gen:
            break

    async def _pause(self, stop: asyncio.Event) -> None:
        self._backoff = min(max(self._backoff * 2, 0.5), MAX_BACKOFF)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=self._backoff)

    def _log_bypass(self) -> None:
        from django.db import transaction

        with transaction.atomic(), tenancy.bypass(reason=f"outbox relay {self.name} started", method="RELAY"):
            pass
