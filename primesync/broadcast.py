"""Broadcast to many open pages at once: one Redis subscription per process, one send per socket.

Channels' group_send routes a message through each consumer's queue and handler; with a thousand
open boards that per-consumer work dominates (see docs/BENCHMARKS.md). For a broadcast topic
the relay publishes once to Redis; in each ASGI process one reader receives it and hands it to
every local listener of the topic, which picks the variant of the frame it needs (computed once
per message and variant) and sends it. Per-user messages (notifications) still use the channel
layer: they go to one or two sockets.

If the reader loses Redis, it reconnects and tells every listener to resynchronise its page,
since messages published meanwhile were not received.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Protocol

import redis.asyncio as aioredis
from django.conf import settings

log = logging.getLogger("primesync.broadcast")

PREFIX = "broadcast:"


def is_broadcast(group: str) -> bool:
    return group.startswith(PREFIX)


def _channel(topic: str) -> str:
    return f"{settings.REDIS_KEY_PREFIX}:{topic}"


class Listener(Protocol):
    async def on_broadcast(self, message: dict, frames: dict) -> None: ...

    async def on_resync(self) -> None: ...


class Publisher:
    """The relay's side: one PUBLISH per message, whatever the number of open pages."""

    def __init__(self) -> None:
        self._redis = None

    async def publish(self, topic: str, message: dict) -> int:
        if self._redis is None:
            self._redis = aioredis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
        return await self._redis.publish(_channel(topic), json.dumps(message))


class Hub:
    """The process's subscriber: topics with local listeners, one reader task."""

    def __init__(self) -> None:
        self.listeners: dict[str, set[Listener]] = defaultdict(set)
        self._redis = None
        self._pubsub = None
        self._reader: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    async def join(self, topic: str, listener: Listener) -> None:
        async with self._lock:
            first = not self.listeners[topic]
            self.listeners[topic].add(listener)
            if self._pubsub is None:
                await self._connect()
            if first:
                await self._pubsub.subscribe(_channel(topic))
            if self._reader is None or self._reader.done():
                self._reader = asyncio.get_running_loop().create_task(self._read())

    async def leave(self, topic: str, listener: Listener) -> None:
        async with self._lock:
            members = self.listeners.get(topic)
            if members is None:
                return
            members.discard(listener)
            if not members:
                del self.listeners[topic]
                if self._pubsub is not None:
                    with contextlib.suppress(Exception):
                        await self._pubsub.unsubscribe(_channel(topic))

    async def _connect(self) -> None:
        self._redis = aioredis.from_url(settings.REDIS_URL, socket_connect_timeout=2, health_check_interval=15)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)

    async def _read(self) -> None:
        topics = {_channel(t): t for t in self.listeners}
        while True:
            try:
                async for raw in self._pubsub.listen():
                    if raw.get("type") != "message":
                        continue
                    channel = raw["channel"].decode() if isinstance(raw["channel"], bytes) else raw["channel"]
                    topic = topics.get(channel) or channel.removeprefix(f"{settings.REDIS_KEY_PREFIX}:")
                    await self._dispatch(topic, json.loads(raw["data"]))
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Redis went away: reconnect, then pages resynchronise
                log.warning("broadcast reader lost Redis (%s); reconnecting", exc)
                await self._reconnect()

    async def _reconnect(self) -> None:
        delay = 0.5
        while True:
            await asyncio.sleep(delay)
            try:
                async with self._lock:
                    await self._connect()
                    if self.listeners:
                        await self._pubsub.subscribe(*[_channel(t) for t in self.listeners])
                break
            except Exception:  # noqa: BLE001 - still down
                delay = min(delay * 2, 10)
        for members in list(self.listeners.values()):
            for listener in list(members):
                with contextlib.suppress(Exception):
                    await listener.on_resync()

    async def _dispatch(self, topic: str, message: dict) -> None:
        frames: dict = {}  # rendered once per message and variant, shared by every listener here
        for listener in list(self.listeners.get(topic, ())):
            try:
                await listener.on_broadcast(message, frames)
            except Exception:
                log.debug("a listener of %s failed", topic, exc_info=True)


_hubs: dict[int, Hub] = {}


def hub() -> Hub:
    """This event loop's hub (an ASGI server process runs one loop)."""
    loop = asyncio.get_running_loop()
    return _hubs.setdefault(id(loop), Hub())
