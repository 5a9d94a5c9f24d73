"""Enrichment's part in the workflows (registered with primesync.events)."""

from primesync import events


@events.handler(events.ENRICHMENT_REQUESTED)
def work_the_queue(event) -> None:
    """Requests are worked in batches: each event only makes sure a worker is on the team's queue."""
    from django.db import transaction

    from enrichment.tasks import process_pending

    transaction.on_commit(lambda: process_pending.delay(event.team_id))
