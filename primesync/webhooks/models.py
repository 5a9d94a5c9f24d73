"""Webhook endpoints (a team's subscriptions) and their deliveries (the delivery log)."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from primesync import audit
from primesync.models import TenantModel

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix that makes a leaked secret recognisable, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


# secrets stay out of the audit history: it is readable by every manager of the team, forever
@audit.tracked(exclude=("secret", "previous_secret"))
class WebhookEndpoint(TenantModel):
    """A URL a team wants events POSTed to, with the secret the deliveries are signed with."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = ArrayField(models.CharField(max_length=40), default=list)
    secret = models.CharField(max_length=80, default=new_secret)
    # after a rotation, deliveries carry a second signature with the old secret until this time
    previous_secret = models.CharField(max_length=80, blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["team", "active"], name="webhookendpoint_team_active")]

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self, *, at) -> list[str]:
        """The current secret, then the previous one while its grace period lasts."""
        if self.previous_secret and self.previous_secret_expires_at and at < self.previous_secret_expires_at:
            return [self.secret, self.previous_secret]
        return [self.secret]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class WebhookDelivery(TenantModel):
    """One event for one endpoint: sent until a 2xx answers or the attempts run out, never dropped silently.

    ``next_attempt_at`` is when the next attempt is due; while an attempt is in flight it is the end of
    that attempt's lease, so a worker that dies mid-request leaves the delivery to the sweep.
    """

    id = models.BigAutoField(primary_key=True)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.BigIntegerField()
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    response_excerpt = models.CharField(max_length=1000, blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    redelivery_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # the fan-out handler may run twice for one event (at least once): one delivery per endpoint
            models.UniqueConstraint(fields=["endpoint", "event_id"], condition=models.Q(redelivery_of__isnull=True),
                                    name="webhookdelivery_once_per_event"),
        ]
        indexes = [
            # the delivery log of an endpoint, newest first (keyset on id)
            models.Index(fields=["endpoint", "-id"], name="webhookdelivery_endpoint_log"),
            # what the sweep reads: open deliveries that are due
            models.Index(fields=["team", "next_attempt_at"], condition=models.Q(status__in=OPEN_STATUSES),
                         name="webhookdelivery_due"),
        ]

    def payload_json(self) -> str:
        """The body as the log shows it (the bytes sent are compact: sending.body_bytes)."""
        return json.dumps(self.payload, indent=2, sort_keys=True)

    def __str__(self) -> str:
        return f"{self.event_type} #{self.event_id} → {self.endpoint_id} ({self.status})"
