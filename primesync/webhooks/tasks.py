"""Celery tasks that send webhook deliveries. They take ids and are safe to run twice (see sending.py)."""

from __future__ import annotations

from celery import shared_task

from primesync.webhooks.sending import deliveries_due, delivery_attempt

# A retry further away than this waits for the sweep instead of a countdown: a Redis broker hands
# an unacknowledged ETA task to another worker after its visibility timeout (600 s here).
COUNTDOWN_MAX = 300


@shared_task(name="primesync.webhook_deliver", acks_late=True, reject_on_worker_lost=True)
def webhook_deliver(team_id: int, delivery_id: int) -> str:
    attempt = delivery_attempt(team_id=team_id, delivery_id=delivery_id)
    if attempt.retry_in is not None and attempt.retry_in <= COUNTDOWN_MAX:
        webhook_deliver.apply_async((team_id, delivery_id), countdown=attempt.retry_in)
    return attempt.status


@shared_task(name="primesync.webhook_sweep")
def webhook_sweep() -> int:
    """Every 30 s (beat): deliveries due for a retry, and any whose task was lost, are queued."""
    due = deliveries_due()
    for team_id, delivery_id in due:
        webhook_deliver.delay(team_id, delivery_id)
    return len(due)
