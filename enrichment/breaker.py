"""A circuit breaker per vendor, shared by every worker through Redis.

Closed: calls go through. Open after 5 consecutive failures, or when more than half of the last
20 calls failed: calls are refused (the lead is left partial, with the reason). After 60 seconds
one caller is let through (half-open): success closes the circuit, failure opens it again.
"""

from __future__ import annotations

import time

import redis
from django.conf import settings

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class Breaker:
    def __init__(self, vendor: str, client: redis.Redis | None = None):
        self.vendor = vendor
        self.redis = client or _client()
        self.key = f"{settings.REDIS_KEY_PREFIX}:breaker:{vendor}"
        self.window_key = f"{self.key}:window"
        self.probe_key = f"{self.key}:probe"
        self.conf = settings.ENRICHMENT_BREAKER

    def state(self) -> str:
        data = self.redis.hgetall(self.key)
        state = (data.get(b"state") or b"closed").decode()
        if state == OPEN and time.time() - float(data.get(b"opened_at") or 0) >= self.conf["cooldown"]:
            return HALF_OPEN
        return state

    def allow(self) -> bool:
        state = self.state()
        if state == CLOSED:
            return True
        if state == HALF_OPEN:
            # one trial call at a time while half-open
            return bool(self.redis.set(self.probe_key, "1", nx=True, ex=int(self.conf["cooldown"])))
        return False

    def record(self, ok: bool) -> None:
        pipe = self.redis.pipeline()
        pipe.lpush(self.window_key, "1" if ok else "0")
        pipe.ltrim(self.window_key, 0, self.conf["window"] - 1)
        if ok:
            pipe.hset(self.key, mapping={"consecutive": 0})
        else:
            pipe.hincrby(self.key, "consecutive", 1)
        pipe.lrange(self.window_key, 0, -1)
        pipe.hgetall(self.key)
        *_, window, data = pipe.execute()
        state = self.state()
        if ok:
            if state == HALF_OPEN:
                self._set(CLOSED)
            return
        consecutive = int(data.get(b"consecutive") or 0)
        failures = window.count(b"0")
        too_many = len(window) >= self.conf["window"] and failures / len(window) > self.conf["failure_ratio"]
        if state == HALF_OPEN or consecutive >= self.conf["consecutive"] or too_many:
            self._set(OPEN)

    def _set(self, state: str) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(self.key, mapping={"state": state, "opened_at": time.time() if state == OPEN else 0})
        if state == CLOSED:
            pipe.delete(self.window_key)
            pipe.hset(self.key, "consecutive", 0)
        pipe.delete(self.probe_key)
        pipe.execute()

    def reset(self) -> None:
        self.redis.delete(self.key, self.window_key, self.probe_key)

    def snapshot(self) -> dict:
        window = self.redis.lrange(self.window_key, 0, -1)
        data = self.redis.hgetall(self.key)
        return {"state": self.state(), "consecutive_failures": int(data.get(b"consecutive") or 0),
                "recent_failures": window.count(b"0"), "recent_calls": len(window)}


_pool: redis.ConnectionPool | None = None


def _client() -> redis.Redis:
    global _pool  # noqa: PLW0603 - one pool per process
    if _pool is None:
        _pool = redis.ConnectionPool.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    return redis.Redis(connection_pool=_pool)
