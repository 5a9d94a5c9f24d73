"""Demo: the stage paths the demo deals took (they are created straight into their stage), so conversion and
velocity have a history, and three weeks of nightly forecast snapshots for the trend."""

from __future__ import annotations

from datetime import timedelta

from dashboards.metrics import periods, store
from dashboards.metrics.forecast import revenue_forecast
from dashboards.models import DealStageChange, MetricSnapshot
from deals.models import Deal, Stage, StageKind
from primesync import demo


@demo.register(21)
def seed_stage_paths(ctx: demo.DemoTeam) -> None:
    stages = list(Stage.objects.filter(team=ctx.team).order_by("pipeline_id", "order"))
    open_stages = {s.pipeline_id: [o for o in stages if o.pipeline_id == s.pipeline_id and o.kind == StageKind.OPEN]
                   for s in stages}
    changes = []
    deals = list(Deal.objects.filter(team=ctx.team).select_related("stage"))
    for deal in deals:
        path = open_stages[deal.pipeline_id]
        if deal.stage.kind == StageKind.OPEN:
            path = path[: path.index(deal.stage)]
        elif deal.stage.kind == StageKind.LOST:
            path = path[: ctx.rng.randint(1, len(path))]
        path = [*path, deal.stage]
        span = (deal.stage_entered_at - deal.created_at) / max(1, len(path) - 1)
        previous = None
        for n, stage in enumerate(path):
            at = deal.created_at + span * n if n < len(path) - 1 else deal.stage_entered_at
            changes.append(DealStageChange(
                team=ctx.team, deal=deal, pipeline_id=deal.pipeline_id, from_stage=previous, to_stage=stage,
                owner_id=deal.owner_id, amount=deal.amount, changed_at=at,
                seconds_in_from_stage=int(span.total_seconds()) if previous else None))
            previous = stage
    DealStageChange.objects.filter(team=ctx.team, deal__in=deals).delete()  # the triggers' one-step paths
    DealStageChange.objects.bulk_create(changes)


@demo.register(22)
def seed_forecast_history(ctx: demo.DemoTeam) -> None:
    """Three weeks of the team's nightly forecast, arriving at today's: won climbing, the forecast wobbling."""
    period = periods.this_quarter(ctx.today)
    today = revenue_forecast(team_id=ctx.team.pk, period=period).value
    rows = []
    for days_ago in range(21, 0, -1):
        day = ctx.today - timedelta(days=days_ago)
        if day < period.start:
            continue
        share = 1 - days_ago / 30
        forecast = round(today["forecast"] * (0.85 + 0.15 * share) * ctx.rng.uniform(0.96, 1.04), 2)
        rows.append(MetricSnapshot(team=ctx.team, metric="revenue_forecast", owner=None, day=day, period=period.key,
                                   value={**today, "won": round(today["won"] * share, 2), "forecast": forecast}))
    MetricSnapshot.objects.bulk_create(rows)
    store.store_snapshot(team_id=ctx.team.pk, period=period, owner_id=None,
                         reading=revenue_forecast(team_id=ctx.team.pk, period=period))
