"""Scheduled work of the deals app (Celery beat)."""

from celery import shared_task

from deals.alerts import quota_pace_publish, stale_deals_publish
from primesync import tenancy
from primesync.models import Team


def _each_team(fn) -> int:
    total = 0
    for team_id in Team.objects.values_list("pk", flat=True):
        with tenancy.use_team(team_id):
            total += fn(team_id=team_id)
    return total


@shared_task(name="deals.stale_check", acks_late=True, reject_on_worker_lost=True)
def stale_check() -> int:
    return _each_team(stale_deals_publish)


@shared_task(name="deals.quota_pace_check", acks_late=True, reject_on_worker_lost=True)
def quota_pace_check() -> int:
    return _each_team(quota_pace_publish)
