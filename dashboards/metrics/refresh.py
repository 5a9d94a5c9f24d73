"""The background side of the metrics: hourly velocity, the nightly forecast snapshot (its trend), and the
cached ones kept warm so a manager's first look of the day is fast."""

from __future__ import annotations

from django.utils import timezone

from dashboards.metrics import periods, store
from dashboards.metrics.conversion import conversion_by_stage
from dashboards.metrics.forecast import revenue_forecast
from dashboards.metrics.leaderboard import leaderboard
from dashboards.metrics.response_time import lead_response_time
from dashboards.metrics.velocity import deal_velocity
from primesync import tenancy
from primesync.models import Membership

SNAPSHOT_COMPUTE = {"deal_velocity": deal_velocity, "revenue_forecast": revenue_forecast}


def _scopes(team_id: int) -> list[int | None]:
    """The team (None) and each of its people."""
    return [None, *Membership.objects.filter(team_id=team_id).values_list("user_id", flat=True)]


def snapshots_refresh(*, team_id: int, metric: str) -> int:
    """Compute and store today's reading of ``metric`` for every scope and standard period."""
    today, done = timezone.localdate(), 0
    with tenancy.use_team(team_id):
        for owner_id in _scopes(team_id):
            for make_period in periods.STANDARD:
                period = make_period(today)
                reading = SNAPSHOT_COMPUTE[metric](team_id=team_id, period=period, owner_id=owner_id)
                store.store_snapshot(team_id=team_id, period=period, owner_id=owner_id, reading=reading)
                done += 1
    return done


def cache_warm(*, team_id: int) -> int:
    """The team's conversion and leaderboard for the standard periods, recomputed before they expire."""
    today, done = timezone.localdate(), 0
    with tenancy.use_team(team_id):
        for make_period in periods.STANDARD:
            period = make_period(today)
            store.remember(store.cache_key(team_id, "conversion_by_stage", period, None),
                           conversion_by_stage(team_id=team_id, period=period), ttl=store.CACHE_MAX_AGE * 2)
            store.remember(store.cache_key(team_id, "leaderboard", period, None),
                           leaderboard(team_id=team_id, period=period), ttl=store.CACHE_MAX_AGE * 2)
            done += 2
    return done


def response_time_refresh(*, team_id: int) -> int:
    """After lead events: the team's response time for the standard periods under the current version, so the
    next page finds it (events arriving meanwhile claim another run: the claim is released first)."""
    store.release_refresh(team_id, "lead_response_time")
    today, version = timezone.localdate(), store.version(team_id, "lead_response_time")
    with tenancy.use_team(team_id):
        for make_period in periods.STANDARD:
            period = make_period(today)
            key = f"{store.cache_key(team_id, 'lead_response_time', period, None)}:v{version}"
            store.remember(key, lead_response_time(team_id=team_id, period=period), ttl=store.CACHE_MAX_AGE * 2)
    return len(periods.STANDARD)
