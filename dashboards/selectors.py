"""What a rep's day holds: tasks due, new leads, deals that need a next step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from deals.selectors import open_deals_without_next_step
from leads.models import Activity, ActivityKind, Lead, LeadStatus


@dataclass
class MyDay:
    overdue: list
    due_today: list
    new_leads: list
    deals_without_next_step: list

    @property
    def task_count(self) -> int:
        return len(self.overdue) + len(self.due_today)


def my_day(*, team, user, limit: int = 25) -> MyDay:
    today_start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    tomorrow = today_start + timedelta(days=1)
    tasks = list(
        Activity.objects.filter(
            team=team, assigned_to=user, kind=ActivityKind.TASK, completed_at__isnull=True, due_at__lt=tomorrow
        )
        .select_related("lead", "deal")
        .order_by("due_at")[: limit * 2]
    )
    return MyDay(
        overdue=[t for t in tasks if t.due_at < today_start][:limit],
        due_today=[t for t in tasks if t.due_at >= today_start][:limit],
        new_leads=list(
            Lead.objects.filter(team=team, owner=user, status=LeadStatus.NEW).order_by("-id")[:limit]
        ),
        deals_without_next_step=list(open_deals_without_next_step(team=team, user=user, limit=limit)),
    )


def notification_list(*, team, user, after: str | None = None, size: int = 30):
    from dashboards.models import Notification
    from primesync import keyset

    qs = Notification.objects.filter(team=team, user=user)
    return keyset.page(qs, keyset.Ordering(("id",), descending=True), after=after, size=size)


def unread_count(*, team, user) -> int:
    from dashboards.models import Notification

    return Notification.objects.filter(team=team, user=user, read_at__isnull=True).count()
