"""Enrichment work for Celery: the queue of requests, retries of partial leads."""

from celery import shared_task

from enrichment.services import (
    enrichment_process_pending,
    enrichment_release_stuck,
    enrichment_retry_partial,
    enrichment_teams_waiting,
)
from primesync.models import Team


@shared_task(name="enrichment.process_pending", acks_late=True, reject_on_worker_lost=True, time_limit=900,
             soft_time_limit=840)
def process_pending(team_id: int) -> int:
    return enrichment_process_pending(team_id=team_id)


@shared_task(name="enrichment.retry_partial", acks_late=True, reject_on_worker_lost=True)
def retry_partial() -> int:
    total = 0
    for team_id in Team.objects.values_list("pk", flat=True):
        enrichment_release_stuck(team_id=team_id)
        total += enrichment_retry_partial(team_id=team_id)
        process_pending.delay(team_id)
    return total


@shared_task(name="enrichment.work_queues", acks_late=True, reject_on_worker_lost=True)
def work_queues() -> int:
    """Every minute: a team whose requests wait with no worker on them gets one (events lost, demo data)."""
    teams = enrichment_teams_waiting()
    for team_id in teams:
        process_pending.delay(team_id)
    return len(teams)


@shared_task(name="enrichment.quality_nightly", acks_late=True, reject_on_worker_lost=True, time_limit=3600)
def quality_nightly() -> int:
    """Scores decay as data ages (the freshness factor): rescore every team, then keep the day's distribution."""
    from enrichment.scoring import quality_rescore_team, quality_snapshot

    total = 0
    for team_id in Team.objects.values_list("pk", flat=True):
        total += quality_rescore_team(team_id=team_id)
        quality_snapshot(team_id=team_id)
    return total
