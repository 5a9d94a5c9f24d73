"""Deals that went stale, reps behind quota pace: found by scheduled jobs, published as events once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Max, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from deals.models import Deal, DealStaleAlert, Quota, QuotaAlert, StageKind
from primesync import events


def stale_deals(*, team_id: int, now=None):
    """Open deals with no activity for longer than their stage's stale-after days."""
    now = now or timezone.now()
    return (
        Deal.objects.filter(team_id=team_id, stage__kind=StageKind.OPEN, stage__stale_after_days__gt=0)
        .annotate(last_touch=Greatest(Coalesce(Max("activities__occurred_at"), F("stage_entered_at")),
                                      F("stage_entered_at")))
        .annotate(stale_at=ExpressionWrapper(
            F("last_touch") + ExpressionWrapper(F("stage__stale_after_days") * timedelta(days=1),
                                                output_field=DurationField()),
            output_field=DateTimeField(),
        ))
        .filter(stale_at__lte=now)
        .select_related("stage")
    )


def stale_deals_publish(*, team_id: int, now=None) -> int:
    """DEAL_STALE once per deal per staleness period (a new activity or stage starts a new period)."""
    now = now or timezone.now()
    published = 0
    for deal in stale_deals(team_id=team_id, now=now)[:1000]:
        try:
            with transaction.atomic():
                DealStaleAlert.objects.create(team_id=team_id, deal=deal, since=deal.last_touch)
                events.publish(events.DEAL_STALE, team=team_id, entity_type="deal", entity_id=deal.pk,
                               payload={"days": (now - deal.last_touch).days, "stage_id": deal.stage_id,
                                        "since": deal.last_touch.isoformat()})
            published += 1
        except IntegrityError:
            continue  # already alerted for this period
    return published


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def quota_pace_publish(*, team_id: int, today: date | None = None) -> int:
    """QUOTA_ALERT for reps whose won amount is below the threshold of their pace (once a week each)."""
    today = today or timezone.localdate()
    week = today - timedelta(days=today.weekday())
    published = 0
    for quota in Quota.objects.filter(team_id=team_id, period_start__lte=today, period_end__gt=today):
        length = (quota.period_end - quota.period_start).days
        elapsed = (today - quota.period_start).days + 1
        pace = quota.amount * Decimal(elapsed) / Decimal(length)
        won = Deal.objects.filter(
            team_id=team_id, owner_id=quota.user_id, stage__kind=StageKind.WON,
            closed_at__date__gte=quota.period_start, closed_at__date__lt=quota.period_end,
        ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if won >= pace * Decimal(str(settings.QUOTA_ALERT_THRESHOLD)):
            continue
        try:
            with transaction.atomic():
                QuotaAlert.objects.create(team_id=team_id, quota=quota, week=week, won=won, pace=pace)
                events.publish(events.QUOTA_ALERT, team=team_id, entity_type="user", entity_id=quota.user_id,
                               payload={"user_id": quota.user_id, "won": _money(won), "quota": _money(quota.amount),
                                        "pace": _money(pace), "elapsed_pct": round(100 * elapsed / length)})
            published += 1
        except IntegrityError:
            continue
    return published
