"""Reading webhook endpoints and their delivery log."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from primesync import keyset
from primesync.webhooks.models import WebhookDelivery, WebhookEndpoint

LOG_ORDER = keyset.Ordering(columns=("id",), descending=True)
LOG_PAGE_SIZE = 50


def endpoint_list(*, team):
    """The team's endpoints, each with the status and time of its latest delivery (one query)."""
    latest = WebhookDelivery.objects.filter(endpoint=OuterRef("pk")).order_by("-id")
    return (WebhookEndpoint.objects.filter(team=team)
            .annotate(last_status=Subquery(latest.values("status")[:1]),
                      last_created_at=Subquery(latest.values("created_at")[:1]))
            .order_by("created_at", "id"))


def endpoints_subscribed(*, team_id: int, event_type: str):
    """The team's active endpoints that subscribe to the event type (an indexed lookup)."""
    return WebhookEndpoint.objects.filter(team_id=team_id, active=True, event_types__contains=[event_type])


def delivery_log(*, endpoint: WebhookEndpoint, after: str | None = None, size: int = LOG_PAGE_SIZE) -> keyset.Page:
    """One page of an endpoint's deliveries, newest first (raises keyset.InvalidCursor on a bad cursor)."""
    deliveries = WebhookDelivery.objects.filter(team_id=endpoint.team_id, endpoint=endpoint)
    return keyset.page(deliveries, LOG_ORDER, after=after, size=size)
