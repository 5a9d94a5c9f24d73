"""Where computed metrics wait between computations: Redis for the cached and event-driven ones (with their
computed-at time), MetricSnapshot rows for the hourly and daily ones (the forecast's rows are its trend).

If Redis is down the metric is computed on the spot: the page is slower, never wrong or broken. After a
Redis error the cache is left alone for a few seconds: a Redis that does not answer costs the page one
socket timeout, not one per metric.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import redis
from django.core.cache import cache
from django.utils import timezone

from dashboards.metrics.periods import Period
from dashboards.metrics.reading import Reading
from dashboards.models import MetricSnapshot

log = logging.getLogger(__name__)
SKIP_AFTER_ERROR = 5.0  # seconds the cache is not asked after it failed
_skipped_until = 0.0
CACHE_MAX_AGE = timedelta(minutes=5)
SNAPSHOT_MAX_AGE = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}


def cache_key(team_id: int, metric: str, period: Period | None, owner_id: int | None) -> str:
    return f"dash:{team_id}:{metric}:{owner_id or 'team'}:{period.key if period else '-'}"


def _decode(data: dict) -> Reading:
    return Reading(data["metric"], data["value"], datetime.fromisoformat(data["as_of"]), data["freshness"])


def _encode(reading: Reading) -> dict:
    return {"metric": reading.metric, **reading.as_json()}


def _cache(operation: str, *args, default=None, **kwargs):
    """``cache.<operation>(...)``, or ``default`` while Redis is failing (then it is not asked for a while)."""
    global _skipped_until  # noqa: PLW0603 - one flag per process, like the cache connection it is about
    if time.monotonic() < _skipped_until:
        return default
    try:
        return getattr(cache, operation)(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the cache only saves work: the metric is computed instead
        if isinstance(error, redis.RedisError | OSError):  # down or hung: spare the next callers its timeout
            _skipped_until = time.monotonic() + SKIP_AFTER_ERROR
        log.warning("metric cache unavailable (%s: %s)", operation, error)
        return default


def remember(key: str, reading: Reading, ttl: timedelta | None = None) -> Reading:
    _cache("set", key, _encode(reading), timeout=ttl.total_seconds() if ttl else None)
    return reading


def cached(key: str, compute: Callable[[], Reading], *, max_age: timedelta = CACHE_MAX_AGE) -> Reading:
    """The remembered reading while younger than ``max_age``, else a new one."""
    data = _cache("get", key)
    if data is not None:
        reading = _decode(data)
        if timezone.now() - reading.as_of <= max_age:
            return reading
    return remember(key, compute(), ttl=max_age * 2)


def snapshot(*, team_id: int, metric: str, period: Period, owner_id: int | None,
             compute: Callable[[], Reading], max_age: timedelta, rows: list[MetricSnapshot] | None = None) -> Reading:
    """Today's stored reading if young enough, else computed and stored as today's. ``rows``: the scope's
    snapshots for the period, already read (the dashboard reads them all in one query)."""
    if rows is None:
        rows = snapshots(team_id=team_id, period=period, owner_id=owner_id, metrics=[metric])
    row = next((r for r in reversed(rows) if r.metric == metric), None)
    if row is not None and timezone.now() - row.computed_at <= max_age and row.day == timezone.localdate():
        return Reading(metric, row.value, row.computed_at, compute_freshness(metric))
    return store_snapshot(team_id=team_id, period=period, owner_id=owner_id, reading=compute())


def store_snapshot(*, team_id: int, period: Period, owner_id: int | None, reading: Reading) -> Reading:
    MetricSnapshot.objects.update_or_create(
        team_id=team_id, metric=reading.metric, owner_id=owner_id, day=timezone.localdate(), period=period.key,
        defaults={"value": reading.value, "computed_at": reading.as_of})
    return reading


def compute_freshness(metric: str) -> str:
    return {"deal_velocity": "hourly", "revenue_forecast": "daily"}.get(metric, "cached")


def snapshots(*, team_id: int, period: Period, owner_id: int | None, metrics: list[str]) -> list[MetricSnapshot]:
    """The day-by-day readings of these metrics for a period and scope (one row a metric a day), oldest first."""
    return list(MetricSnapshot.objects.filter(team_id=team_id, metric__in=metrics, owner_id=owner_id,
                                              period=period.key).order_by("day"))


def _version_key(team_id: int, metric: str) -> str:
    return f"dash:{team_id}:{metric}:version"


def version(team_id: int, metric: str) -> int:
    """Event-driven metrics are cached under a version the events bump: a bump makes every cached period and
    scope of the metric old at once, without knowing their keys."""
    return _cache("get", _version_key(team_id, metric)) or 0


def bump(team_id: int, metric: str) -> None:
    key = _version_key(team_id, metric)
    if _cache("add", key, 1, timeout=None, default=True) is False:  # Redis down: its values are unreachable too
        _cache("incr", key)


def claim_refresh(team_id: int, metric: str, *, hold: timedelta = timedelta(seconds=30)) -> bool:
    """True for the first caller until ``release_refresh``: one background recompute per burst of events."""
    # Redis down: no background recompute; pages compute the metric themselves
    return bool(_cache("add", f"dash:{team_id}:{metric}:pending", 1, timeout=hold.total_seconds(), default=False))


def release_refresh(team_id: int, metric: str) -> None:
    _cache("delete", f"dash:{team_id}:{metric}:pending")
