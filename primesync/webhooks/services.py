"""Changing webhook endpoints, and turning an event into deliveries (sent by ``primesync.webhooks.tasks``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from primesync import events, tenancy
from primesync.errors import DomainError
from primesync.webhooks import guard, selectors
from primesync.webhooks.models import WebhookDelivery, WebhookEndpoint, new_secret

# What a team can subscribe to: the product's events, not the internal work orders
# (ENRICHMENT_REQUESTED, IMPORT_REQUESTED, NOTIFICATION_CREATED, ...).
EVENT_TYPES = (
    events.LEAD_CREATED, events.LEAD_ASSIGNED, events.LEAD_STATUS_CHANGED, events.LEAD_ENRICHED,
    events.LEAD_MERGED, events.LEAD_MERGE_UNDONE, events.ACTIVITY_LOGGED, events.EMAIL_OPENED, events.EMAIL_CLICKED,
    events.SLA_BREACHED, events.DEAL_CREATED, events.DEAL_STAGE_CHANGED, events.DEAL_UPDATED, events.DEAL_DELETED,
    events.DEAL_STALE, events.QUOTA_ALERT,
)


def _checked(*, url: str, event_types: list[str]) -> list[str]:
    try:
        guard.check_form(url)
    except guard.UrlRefused as exc:
        raise DomainError(str(exc), field="url") from exc
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise DomainError(f"Unknown event types: {', '.join(unknown)}.", field="event_types")
    if not event_types:
        raise DomainError("Pick at least one event type.", field="event_types")
    return [t for t in EVENT_TYPES if t in event_types]  # stored in the product's order


def endpoint_create(*, team, by, url: str, event_types: list[str], description: str = "",
                    active: bool = True) -> WebhookEndpoint:
    """A new subscription; its secret is generated here and shown to the user once."""
    types = _checked(url=url, event_types=event_types)
    return WebhookEndpoint.objects.create(team=team, created_by=by, url=url, event_types=types,
                                          description=description, active=active)


def endpoint_update(*, endpoint: WebhookEndpoint, url: str, event_types: list[str], description: str,
                    active: bool) -> WebhookEndpoint:
    """Deliveries already created keep going to the endpoint; new events follow the new subscription."""
    endpoint.event_types = _checked(url=url, event_types=event_types)
    endpoint.url, endpoint.description, endpoint.active = url, description, active
    endpoint.save(update_fields=["url", "event_types", "description", "active", "updated_at"])
    return endpoint


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new signing secret; the old one keeps signing too for WEBHOOK_SECRET_GRACE_SECONDS, so the
    receiver can switch without losing deliveries. Returns the new secret (shown once)."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_expires_at = timezone.now() + timedelta(seconds=settings.WEBHOOK_SECRET_GRACE_SECONDS)
        locked.secret = new_secret()
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return locked.secret


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """The endpoint and its delivery log go; deliveries still waiting are not sent."""
    endpoint.delete()


def event_body(event) -> dict:
    """What a receiver gets in the POST body (docs/webhooks.md)."""
    return {
        "id": event.pk, "type": event.type, "created_at": event.created_at.isoformat(), "team_id": event.team_id,
        "entity": {"type": event.entity_type, "id": event.entity_id}, "data": event.payload,
    }


def team_subscribes(team_id: int, event_type: str) -> bool:
    """Whether an active endpoint of the team subscribes to the event type."""
    with tenancy.use_team(team_id):
        return selectors.endpoints_subscribed(team_id=team_id, event_type=event_type).exists()


def deliveries_create(*, event) -> list[int]:
    """One delivery per active endpoint of the event's team that subscribes to its type; sent after commit."""
    endpoint_ids = list(selectors.endpoints_subscribed(team_id=event.team_id, event_type=event.type)
                        .values_list("pk", flat=True))
    if not endpoint_ids:
        return []
    now, body = timezone.now(), event_body(event)
    created = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(team_id=event.team_id, endpoint_id=pk, event_id=event.pk, event_type=event.type,
                        payload=body, next_attempt_at=now)
        for pk in endpoint_ids
    ])
    ids = [d.pk for d in created]
    _send_after_commit(event.team_id, ids)
    return ids


def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery (the log keeps both), with a fresh set of attempts."""
    if not delivery.endpoint.active:
        raise DomainError("The endpoint is disabled: enable it before redelivering.")
    again = WebhookDelivery.objects.create(
        team_id=delivery.team_id, endpoint_id=delivery.endpoint_id, event_id=delivery.event_id,
        event_type=delivery.event_type, payload=delivery.payload, redelivery_of=delivery,
        next_attempt_at=timezone.now(),
    )
    _send_after_commit(delivery.team_id, [again.pk])
    return again


def _send_after_commit(team_id: int, delivery_ids: list[int]) -> None:
    # tasks imports this module; and a task queued before the commit could find no row yet
    from primesync.webhooks.tasks import webhook_deliver

    def enqueue():
        for delivery_id in delivery_ids:
            webhook_deliver.delay(team_id, delivery_id)

    # robust: with the broker down the write still stands; the sweep (webhook_sweep) sends them later
    transaction.on_commit(enqueue, robust=True)
