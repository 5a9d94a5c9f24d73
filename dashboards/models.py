"""Notifications: what the system tells a person (a lead assigned, an email opened, a deal gone stale)."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from primesync import events
from primesync.models import TenantModel


class Notification(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=300, blank=True)
    event_id = models.BigIntegerField(null=True, blank=True, help_text="The event that caused it")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # one notification per person per event: a handler run twice does not notify twice
            models.UniqueConstraint(fields=["user", "event_id", "kind"], condition=Q(event_id__isnull=False),
                                    name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["team", "user", "id"], name="notification_team_user"),
            models.Index(fields=["team", "user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]
        triggers = [
            events.outbox_trigger(
                "outbox_notification", operation=pgtrigger.Insert, event_type=events.NOTIFICATION_CREATED,
                entity_type="notification", payload="jsonb_build_object('user_id', n.user_id, 'kind', n.kind)",
            ),
        ]

    def __str__(self) -> str:
        return self.title
