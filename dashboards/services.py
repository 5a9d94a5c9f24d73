"""Notifying people."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from dashboards.models import Notification
from primesync.models import Membership, Role


def notify(*, team, user, kind: str, title: str, body: str = "", url: str = "", event_id: int | None = None) -> bool:
    """Store a notification (pushed live by its outbox trigger). False if this event already notified them."""
    team_id = getattr(team, "pk", team)
    if event_id is not None and Notification.objects.filter(
        team_id=team_id, user=user, event_id=event_id, kind=kind
    ).exists():
        return False
    try:
        with transaction.atomic():
            Notification.objects.create(
                team_id=team_id, user=user, kind=kind, title=title[:200], body=body[:500], url=url[:300],
                event_id=event_id,
            )
    except IntegrityError:  # a concurrent run of the same handler got there first
        return False
    return True


def notify_managers(*, team, kind: str, title: str, body: str = "", url: str = "", event_id=None, exclude=()) -> int:
    managers = [m.user for m in Membership.objects.filter(team=team, role__in=[Role.MANAGER, Role.ADMIN])
                .select_related("user") if m.user_id not in exclude]
    return sum(notify(team=team, user=m, kind=kind, title=title, body=body, url=url, event_id=event_id)
               for m in managers)


def notification_mark_read(*, user, team, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(team=team, user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    with transaction.atomic():
        return qs.update(read_at=timezone.now())
