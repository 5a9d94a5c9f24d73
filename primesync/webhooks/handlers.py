"""The outbox handler: every subscribable event becomes deliveries for the team's endpoints."""

from primesync import events
from primesync.webhooks import tasks  # noqa: F401 - registers the Celery tasks that send them
from primesync.webhooks.services import EVENT_TYPES, deliveries_create, team_subscribes


# Most teams have no endpoint for most events: an import of 100,000 leads would otherwise queue
# 100,000 runs that find nothing to send.
@events.handler(*EVENT_TYPES, name="primesync.webhooks.fan_out", wanted=team_subscribes)
def fan_out(event) -> None:
    deliveries_create(event=event)
