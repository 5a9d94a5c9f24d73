"""Real moving parts for tests: the outbox relay in a thread, a Celery worker in a thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time

from primesync.relay import Relay


def wait_until(predicate, *, timeout: float = 10.0, interval: float = 0.05, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def at_once(*calls) -> list:
    """Run each call in its own thread, all released together; their results, in order.

    For races: two requests with one key. Each thread closes its own database connection.
    """
    from django.db import connection

    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i):
        try:
            start.wait()
            results[i] = calls[i]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


class RelayThread:
    """``manage.py relay`` in a background thread of the test process (same settings, same test DB)."""

    def __init__(self, *, sweep_interval: float = 0.2):
        self.relay = Relay(sweep_interval=sweep_interval, name="test-relay")
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="relay", daemon=True)
        self._started = threading.Event()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main():
            self._stop = asyncio.Event()
            self._started.set()
            await self.relay.run(self._stop)

        self._loop.run_until_complete(main())

    def start(self) -> RelayThread:
        self._thread.start()
        self._started.wait(5)
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)


class GroupListener:
    """Joins a channel-layer group from a background event loop and collects what it receives."""

    def __init__(self, group: str):
        import queue

        from channels.layers import get_channel_layer

        self.group = group
        self.messages: queue.Queue = queue.Queue()
        self._layer = get_channel_layer()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main():
            channel = await self._layer.new_channel()
            await self._layer.group_add(self.group, channel)
            self._ready.set()
            while True:
                self.messages.put(await self._layer.receive(channel))

        with contextlib.suppress(RuntimeError):  # raised when stop() ends the loop
            self._loop.run_until_complete(main())

    def start(self) -> GroupListener:
        self._thread.start()
        self._ready.wait(5)
        time.sleep(0.2)  # the subscription reaches Redis
        return self

    def receive(self, timeout: float = 5.0) -> dict:
        return self.messages.get(timeout=timeout)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)


def run_async(coroutine):
    """asyncio.run() in a fresh thread: the test thread may already run Playwright's event loop."""
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


class BroadcastListener:
    """Subscribes to a broadcast topic on Redis (as an ASGI process's hub does) and collects messages."""

    def __init__(self, topic: str):
        import json
        import queue

        import redis
        from django.conf import settings

        self._json = json
        self.messages: queue.Queue = queue.Queue()
        self._client = redis.Redis.from_url(settings.REDIS_URL)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(f"{settings.REDIS_KEY_PREFIX}:{topic}")

    def receive(self, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            raw = self._pubsub.get_message(timeout=0.2)
            if raw and raw["type"] == "message":
                return self._json.loads(raw["data"])
        raise TimeoutError("no broadcast received")

    def stop(self) -> None:
        self._pubsub.close()
        self._client.close()
