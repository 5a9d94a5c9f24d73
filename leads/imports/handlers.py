"""Imports' part in the workflows (registered with primesync.events)."""

from django.db import transaction

from leads.imports.tasks import run_import  # registers the import tasks with Celery too
from primesync import events


@events.handler(events.IMPORT_REQUESTED)
def start_import(event) -> None:
    """A queued import goes to a worker once the event is recorded as handled."""
    transaction.on_commit(lambda: run_import.delay(event.team_id, event.entity_id))
