"""Handler runs the broker lost: found in the database and queued again by the relay.

The relay marks an event delivered once its handler tasks are in the broker. If the broker then loses
them (Redis restarted without persistence, a flushed queue, a failover to an empty replica), nothing
else would ever run them, and the event's workflow silently never happens. So the relay keeps a marker
key in the broker's Redis (:class:`BrokerEpoch`); when the marker has vanished, the data went with it,
and the relay queues again the runs of events delivered before that moment (within ``LOOKBACK``) that
have neither a ``ProcessedEvent`` nor a ``HandlerFailure`` row and that their handler wants.

A run that was only slow, not lost, is then queued twice; the ``ProcessedEvent`` claim makes the second
run a no-op. A looked-at event gets a new ``delivered_at``, so the sweep moves on and never picks it
again. Only the newest ``SCAN_WINDOW`` events are looked at (a range of the primary key: no scan of the
whole outbox). A loss that leaves the marker in place (a failover to a replica that had it but not the
latest tasks) is not noticed; run Redis with persistence where that matters.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

import psycopg
import redis.asyncio as aioredis
from django.conf import settings
from psycopg import sql

from primesync import events
from primesync.events import OUTBOX_TABLE

SCAN_WINDOW = 200_000  # newest outbox rows considered
BATCH = 100  # events looked at per pass at most (a few runs each)
LOOKBACK = timedelta(hours=6)  # a broker holds what it was given since its backlog began, not more


class OwedRun(NamedTuple):
    event_id: int
    team_id: int
    event_type: str
    handler: str


def handler_pairs() -> list[tuple[str, str]]:
    """(event type, handler name) for every registered handler: what each event type owes."""
    return sorted((event_type, h.name) for h in events.registered_handlers() for event_type in h.event_types)


def owed_runs_query(pairs: list[tuple[str, str]]) -> sql.Composed:
    """The runs owed by events delivered between ``since`` and ``lost_at``: each run neither done nor given up.

    Parameters: ``lost_at`` and ``since`` (times), ``limit``: events, not runs. A pass takes whole events,
    because it marks the events it looked at: a limit on runs could cut one event's runs in two, and the
    next pass would skip that event with the rest of its runs. Locks the events it returns (SKIP LOCKED:
    several relays).
    """
    handlers = sql.SQL(", ").join(sql.SQL("({}, {})").format(sql.Literal(t), sql.Literal(h)) for t, h in pairs)
    owed = sql.SQL(
        "NOT EXISTS (SELECT 1 FROM primesync_processedevent p WHERE p.event_id = o.id AND p.handler = h.handler) "
        "AND NOT EXISTS (SELECT 1 FROM primesync_handlerfailure f WHERE f.event_id = o.id AND f.handler = h.handler)"
    )
    return sql.SQL(
        "WITH h(type, handler) AS (VALUES {handlers}), "
        "picked AS MATERIALIZED (SELECT o.id, o.team_id, o.type FROM {outbox} o "
        "WHERE o.id > (SELECT COALESCE(max(id), 0) FROM {outbox}) - {window} "
        "AND o.delivered_at < %(lost_at)s AND o.delivered_at > %(since)s "
        "AND EXISTS (SELECT 1 FROM h WHERE h.type = o.type AND {owed}) "
        "ORDER BY o.id LIMIT %(limit)s FOR UPDATE OF o SKIP LOCKED) "
        "SELECT o.id, o.team_id, o.type, h.handler FROM picked o JOIN h ON h.type = o.type WHERE {owed} "
        "ORDER BY o.id, h.handler"
    ).format(outbox=sql.Identifier(OUTBOX_TABLE), handlers=handlers, window=sql.Literal(SCAN_WINDOW), owed=owed)


def wanted(runs: list[OwedRun]) -> list[OwedRun]:
    """The runs whose handler wants the event (``events.handler(wanted=...)``): the relay queued no others."""
    wishes = events.Wishes()
    kept = []
    for run in runs:
        handler = events.get_handler(run.handler)
        if handler is not None and wishes.wants(handler, run.team_id, run.event_type):
            kept.append(run)
    return kept


class Pass(NamedTuple):
    looked_at: int  # events with runs owed; fewer than BATCH: the sweep is done
    queued: int


async def redeliver(conn: psycopg.AsyncConnection, *, lost_at: datetime, enqueue) -> Pass:
    """Queue again one batch of the runs owed by events delivered before ``lost_at`` (and after
    ``lost_at - LOOKBACK``); ``enqueue(runs)`` keeps the wanted ones, hands them to the broker and says how many.

    If ``enqueue`` raises (the broker is down again) the transaction rolls back: nothing is marked, and
    the next pass tries again.
    """
    pairs = handler_pairs()
    if not pairs:
        return Pass(0, 0)
    async with conn.transaction():
        await conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(settings.DB_BYPASS_ROLE)))
        cur = await conn.execute(owed_runs_query(pairs), {"lost_at": lost_at, "since": lost_at - LOOKBACK,
                                                          "limit": BATCH})
        runs = [OwedRun(*row) for row in await cur.fetchall()]
        if not runs:
            return Pass(0, 0)
        queued = await enqueue(runs)
        await conn.execute(
            f"UPDATE {OUTBOX_TABLE} SET delivered_at = now(), attempts = attempts + 1 WHERE id = ANY(%s)",
            [sorted({run.event_id for run in runs})],
        )
    return Pass(len({run.event_id for run in runs}), queued)


class BrokerEpoch:
    """Notices that the broker's Redis lost its data: a marker key we set there has vanished (or was set
    again by another relay after the loss). Redis errors propagate: while it is down nothing is decided."""

    def __init__(self, url: str, key: str) -> None:
        self._redis = aioredis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        self._key = key
        self._seen: bytes | None = None

    async def lost_since_last_look(self) -> bool:
        await self._redis.set(self._key, uuid.uuid4().hex, nx=True)  # no TTL: it leaves only with the data
        current = await self._redis.get(self._key)
        lost = self._seen is not None and current != self._seen
        self._seen = current
        return lost

    async def close(self) -> None:
        await self._redis.aclose()
