"""Where computed metrics wait between computations: Redis for the cached and event-driven ones (with their
computed-at time), MetricSnapshot rows for the hourly and daily ones (the forecast's rows are its trend).

If Redis is down the metric is computed on the spot: the page is slower, never wrong or broken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from dashboards.metrics.periods import Period
from dashboards.metrics.reading import Reading
from dashboards.models import MetricSnapshot

log = logging.getLogger(__name__)
CACHE_MAX_AGE = timedelta(minutes=5)
SNAPSHOT_MAX_AGE = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}


def cache_key(team_id: int, metric: str, period: Period | None, owner_id: int | None) -> str:
    return f"dash:{team_id}:{metric}:{owner_id or 'team'}:{period.key if period else '-'}"


def _decode(data: dict) -> Reading:
    return Reading(data["metric"], data["value"], datetime.fromisoformat(data["as_of"]), data["freshness"])


def _encode(reading: Reading) -> dict:
    return {"metric": reading.metric, **reading.as_json()}


def remember(key: str, reading: Reading, ttl: timedelta | None = None) -> Reading:
    try:
        cache.set(key, _encode(reading), timeout=ttl.total_seconds() if ttl else None)
    except Exception:  # noqa: BLE001 - Redis down: the reading is still good, only not kept
        log.warning("metric cache unavailable: %s not kept", key)
    return reading


def cached(key: str, compute: Callable[[], Reading], *, max_age: timedelta = CACHE_MAX_AGE) -> Reading:
    """The remembered reading while younger than ``max_age``, else a new one."""
    try:
        data = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: compute on the spot
        data = None
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
    try:
        return cache.get(_version_key(team_id, metric)) or 0
    except Exception:  # noqa: BLE001 - Redis down: nothing is cached either
        return 0


def bump(team_id: int, metric: str) -> None:
    key = _version_key(team_id, metric)
    try:
        if cache.add(key, 1, timeout=None) is False:
            cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis down: the cached values are unreachable anyway
        log.warning("metric cache unavailable: %s not bumped", key)


def claim_refresh(team_id: int, metric: str, *, hold: timedelta = timedelta(seconds=30)) -> bool:
    """True for the first caller until ``release_refresh``: one background recompute per burst of events."""
    try:
        return bool(cache.add(f"dash:{team_id}:{metric}:pending", 1, timeout=hold.total_seconds()))
    except Exception:  # noqa: BLE001 - Redis down: pages compute the metric themselves
        return False


def release_refresh(team_id: int, metric: str) -> None:
    try:
        cache.delete(f"dash:{team_id}:{metric}:pending")
    except Exception:  # noqa: BLE001
        log.warning("metric cache unavailable: %s refresh not released", metric)
