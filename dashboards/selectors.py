"""What a rep's day holds (tasks due, new leads, deals that need a next step), and the dashboard's metrics
gathered from where each is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import F
from django.utils import timezone

from dashboards.metrics import store
from dashboards.metrics.active_deals import active_deals
from dashboards.metrics.conversion import conversion_by_stage
from dashboards.metrics.forecast import revenue_forecast
from dashboards.metrics.leaderboard import leaderboard
from dashboards.metrics.periods import Period
from dashboards.metrics.reading import Reading
from dashboards.metrics.response_time import lead_response_time
from dashboards.metrics.velocity import deal_velocity
from deals.models import DealStaleAlert, Stage
from deals.selectors import StageTotal, open_deals_without_next_step
from leads.models import Activity, ActivityKind, Lead, LeadStatus
from primesync.models import User


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


# --- the dashboard -----------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    owner: User | None  # None: the whole team
    metrics: dict[str, Reading]
    leaderboard: Reading | None
    forecast_trend: list[dict]
    stale: list
    reps: list[User]


def metric(name: str, *, team_id: int, period: Period, owner_id: int | None,
           snapshots: list | None = None) -> Reading:
    """One metric, from where it is kept at its freshness (computed there if missing or too old)."""
    key = store.cache_key(team_id, name, period, owner_id)
    if name == "active_deals":
        return active_deals(team_id=team_id, owner_id=owner_id)
    if name == "conversion_by_stage":
        return store.cached(key, lambda: conversion_by_stage(team_id=team_id, period=period, owner_id=owner_id))
    if name == "lead_response_time":  # the events that change it bump its version (dashboards.live)
        key = f"{key}:v{store.version(team_id, name)}"
        return store.cached(key, lambda: lead_response_time(team_id=team_id, period=period, owner_id=owner_id))
    compute = {"deal_velocity": deal_velocity, "revenue_forecast": revenue_forecast}[name]
    return store.snapshot(team_id=team_id, metric=name, period=period, owner_id=owner_id,
                          compute=lambda: compute(team_id=team_id, period=period, owner_id=owner_id),
                          max_age=store.SNAPSHOT_MAX_AGE[store.compute_freshness(name)], rows=snapshots)


METRICS = ("active_deals", "conversion_by_stage", "deal_velocity", "lead_response_time", "revenue_forecast")
SNAPSHOTTED = ("deal_velocity", "revenue_forecast")


def dashboard(*, team_id: int, period: Period, owner: User | None, with_team_views: bool,
              reps: list[User] | None = None) -> Dashboard:
    """``reps``: the team's people if the caller already read them (the rep picker needs them)."""
    owner_id = owner.pk if owner else None
    kept = store.snapshots(team_id=team_id, period=period, owner_id=owner_id, metrics=list(SNAPSHOTTED))
    readings = {name: metric(name, team_id=team_id, period=period, owner_id=owner_id, snapshots=kept)
                for name in METRICS}
    trend = {row.day: {"day": row.day, "forecast": row.value["forecast"], "won": row.value["won"]}
             for row in kept if row.metric == "revenue_forecast"}
    today = readings["revenue_forecast"]  # computed just now if today had none yet
    trend[timezone.localdate()] = {"day": timezone.localdate(), "forecast": today.value["forecast"],
                                   "won": today.value["won"]}
    board = store.cached(store.cache_key(team_id, "leaderboard", period, None),
                         lambda: leaderboard(team_id=team_id, period=period))
    if not with_team_views:  # a rep sees their own line only
        board = Reading(board.metric, {**board.value, "reps": [r for r in board.value["reps"]
                                                              if r["user_id"] == owner_id]}, board.as_of,
                        board.freshness)
    return Dashboard(period=period, owner=owner, metrics=readings, leaderboard=board,
                     forecast_trend=[trend[day] for day in sorted(trend)],
                     stale=stale_deals(team_id=team_id, owner_id=owner_id),
                     reps=(team_reps(team_id=team_id) if reps is None else reps) if with_team_views else [])


def stale_deals(*, team_id: int, owner_id: int | None, limit: int = 10) -> list:
    """Deals the hourly stale check found (deals.alerts), still open and still in the stage they went stale in."""
    alerts = (DealStaleAlert.objects.filter(team_id=team_id, deal__stage__kind="open",
                                            deal__stage_entered_at__lte=F("since"))
              .select_related("deal", "deal__stage", "deal__owner").order_by("since"))
    if owner_id:
        alerts = alerts.filter(deal__owner_id=owner_id)
    return list(alerts[:limit])


def stage_heads(*, team_id: int, pipeline_id: int, stage_ids: list[int]) -> tuple[list[Stage], dict[int, StageTotal]]:
    """A pipeline's stages in order, and the count and amount of the listed ones, for a live board update.

    From the totals the deal triggers keep (a few rows per stage, exact at every commit), not a count of the
    deals: the relay runs this on every deal change, and at 1M deals counting two columns took 160 ms.
    """
    with connection.cursor() as cur:
        cur.execute(
            'SELECT s.id, s.name, s."order", s.kind, s.win_probability, s.stale_after_days, '
            "coalesce(sum(t.deals), 0), coalesce(sum(t.amount), 0) FROM deals_stage s "
            "LEFT JOIN dashboards_dealstagetotal t ON t.team_id = s.team_id AND t.stage_id = s.id "
            "AND s.id = ANY(%s) "
            'WHERE s.pipeline_id = %s AND s.team_id = %s GROUP BY s.id ORDER BY s."order"',
            [stage_ids, pipeline_id, team_id],
        )
        rows = cur.fetchall()
    stages = [Stage(id=r[0], name=r[1], order=r[2], kind=r[3], win_probability=r[4], stale_after_days=r[5],
                    pipeline_id=pipeline_id, team_id=team_id) for r in rows]
    return stages, {r[0]: StageTotal(count=int(r[6]), amount=r[7]) for r in rows if r[0] in stage_ids}


def team_reps(*, team_id: int) -> list[User]:
    return list(User.objects.filter(memberships__team_id=team_id, is_active=True).order_by("full_name", "email"))
