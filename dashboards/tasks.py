"""Scheduled metric work (CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task

from dashboards.metrics import refresh
from dashboards.metrics.refresh import cache_warm, snapshots_refresh
from primesync.models import Team


@shared_task(name="dashboards.velocity_hourly", acks_late=True, reject_on_worker_lost=True)
def velocity_hourly() -> int:
    return sum(snapshots_refresh(team_id=t, metric="deal_velocity") for t in Team.objects.values_list("pk", flat=True))


@shared_task(name="dashboards.forecast_daily", acks_late=True, reject_on_worker_lost=True)
def forecast_daily() -> int:
    return sum(snapshots_refresh(team_id=t, metric="revenue_forecast")
               for t in Team.objects.values_list("pk", flat=True))


@shared_task(name="dashboards.warm_cache", acks_late=True, reject_on_worker_lost=True, expires=200)
def warm_cache() -> int:
    return sum(cache_warm(team_id=t) for t in Team.objects.values_list("pk", flat=True))


@shared_task(name="dashboards.response_time_refresh", acks_late=True, reject_on_worker_lost=True)
def response_time_refresh(team_id: int) -> int:
    """Recompute after a burst of lead events, then tell the team's open dashboards."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from dashboards.live import dashboard_group

    done = refresh.response_time_refresh(team_id=team_id)
    async_to_sync(get_channel_layer().group_send)(dashboard_group(team_id), {
        "type": "dashboard.refresh", "metrics": ["lead_response_time"], "owner_ids": []})
    return done
