"""A deliberately slow workflow step, loaded into worker processes with ``--include`` by the fault tests."""

import time

from django.core.cache import cache

from leads.models import Activity, ActivityKind
from primesync import events

SLOW_EVENT = "TEST_SLOW_WORK"


@events.handler(SLOW_EVENT, name="tests.slow_note")
def slow_note(event) -> None:
    """Takes seconds (long enough to kill its worker), then leaves one note on the lead."""
    cache.set(f"slow-started:{event.id}", time.time(), 300)
    time.sleep(float(event.payload.get("seconds", 3)))
    Activity.objects.create(team_id=event.team_id, lead_id=event.entity_id, kind=ActivityKind.NOTE,
                            subject=f"processed event {event.id}")
