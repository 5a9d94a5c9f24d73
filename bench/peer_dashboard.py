"""The peer way of the dashboard, for bench/dashboard.py only: the same page and template, with every figure
computed by plain Django ORM aggregates over the deals, leads and their history on each load. No totals
kept by triggers, no cache, no snapshots: what a Django project writes first.

It reads the same stage history (``DealStageChange``: any CRM that shows conversion has one) and the same
speed-to-lead clocks; it only aggregates them on request, one query per figure, as the ORM makes natural.
Served under ``/bench/peer-dashboard/`` by this module used as ROOT_URLCONF (every product URL included).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q, Sum
from django.shortcuts import render
from django.urls import include, path
from django.utils import timezone

from dashboards import selectors
from dashboards.metrics import periods
from dashboards.metrics.reading import Reading
from dashboards.models import DealStageChange
from deals.models import Deal, Quota, Stage, StageKind
from leads.models import Activity, Lead, LeadSla
from primesync.web import team_required

DAY = 86400.0


class Percentile(Aggregate):
    """percentile_cont(f) WITHIN GROUP (ORDER BY x): the few lines a Django project adds for a median."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


def active_deals(team_id, owner_id):
    stages = Stage.objects.filter(team_id=team_id, kind=StageKind.OPEN).select_related("pipeline").order_by(
        "-pipeline__is_default", "pipeline__name", "order")
    deals = Deal.objects.filter(team_id=team_id, stage__kind=StageKind.OPEN)
    if owner_id:
        deals = deals.filter(owner_id=owner_id)
    totals = {r["stage"]: r for r in deals.values("stage").annotate(n=Count("id"), total=Sum("amount"))}
    rows = [{"pipeline_id": s.pipeline_id, "pipeline": s.pipeline.name, "stage_id": s.pk, "stage": s.name,
             "probability": s.win_probability, "deals": totals.get(s.pk, {}).get("n", 0),
             "amount": float(totals.get(s.pk, {}).get("total") or 0)} for s in stages]
    return {"stages": rows, "deals": sum(r["deals"] for r in rows), "amount": sum(r["amount"] for r in rows)}


def conversion(team_id, period, owner_id):
    start, end = period.bounds()
    cohort = DealStageChange.objects.filter(team_id=team_id, from_stage__isnull=True, changed_at__gte=start,
                                            changed_at__lt=end)
    leads = Lead.objects.filter(team_id=team_id, created_at__gte=start, created_at__lt=end)
    if owner_id:
        cohort, leads = cohort.filter(owner_id=owner_id), leads.filter(owner_id=owner_id)
    pipelines = {}
    for stage in Stage.objects.filter(team_id=team_id).exclude(kind=StageKind.LOST).select_related(
            "pipeline").order_by("-pipeline__is_default", "pipeline__name", "order"):
        reached = (DealStageChange.objects.filter(
            team_id=team_id, deal_id__in=cohort.filter(pipeline_id=stage.pipeline_id).values("deal_id"),
            to_stage__order__gte=stage.order).exclude(to_stage__kind=StageKind.LOST)
            .values("deal_id").distinct().count())
        entry = pipelines.setdefault(stage.pipeline_id, {"pipeline": stage.pipeline.name, "stages": []})
        entry["stages"].append({"stage_id": stage.pk, "stage": stage.name, "kind": stage.kind, "reached": reached})
    for entry in pipelines.values():
        stages = entry["stages"]
        for this, following in zip(stages, [*stages[1:], None], strict=True):
            this["to_next"] = _rate(following["reached"], this["reached"]) if following else None
        entry["created"] = stages[0]["reached"] if stages else 0
        entry["won"] = next((s["reached"] for s in stages if s["kind"] == StageKind.WON), 0)
        entry["win_rate"] = _rate(entry["won"], entry["created"])
    lead_count = leads.count()
    won_leads = leads.filter(deals__stage__kind=StageKind.WON).distinct().count()
    return {"pipelines": list(pipelines.values()), "leads": lead_count, "won_leads": won_leads,
            "lead_to_won": _rate(won_leads, lead_count)}


def velocity(team_id, period, owner_id):
    start, end = period.bounds()
    moves = DealStageChange.objects.filter(team_id=team_id, from_stage__isnull=False, changed_at__gte=start,
                                           changed_at__lt=end)
    won = Deal.objects.filter(team_id=team_id, stage__kind=StageKind.WON, closed_at__gte=start, closed_at__lt=end)
    if owner_id:
        moves, won = moves.filter(owner_id=owner_id), won.filter(owner_id=owner_id)
    by_stage = {r["from_stage"]: r for r in moves.values("from_stage").annotate(n=Count("id"),
                                                                                avg=Avg("seconds_in_from_stage"))}
    stages = [{"stage_id": s.pk, "stage": s.name, "moves": by_stage.get(s.pk, {}).get("n", 0),
               "days": round(float(by_stage[s.pk]["avg"]) / DAY, 1) if by_stage.get(s.pk) else None}
              for s in Stage.objects.filter(team_id=team_id, kind=StageKind.OPEN).order_by(
                  "-pipeline__is_default", "pipeline__name", "order")]
    closed = won.aggregate(n=Count("id"), avg=Avg(F("closed_at") - F("created_at")))
    return {"stages": stages, "won": closed["n"],
            "days_to_close": round(closed["avg"].total_seconds() / DAY, 1) if closed["avg"] is not None else None}


def response_time(team_id, period, owner_id):
    start, end = period.bounds()
    clocks = LeadSla.objects.filter(team_id=team_id, started_at__gte=start, started_at__lt=end)
    if owner_id:
        clocks = clocks.filter(lead__owner_id=owner_id)
    r = clocks.aggregate(leads=Count("id"), touched=Count("response_seconds"),
                         p50=Percentile("response_seconds", 0.5), p90=Percentile("response_seconds", 0.9),
                         breaches=Count("id", filter=Q(breached_at__isnull=False)))
    return {"leads": r["leads"], "touched": r["touched"], "untouched": r["leads"] - r["touched"],
            "median_seconds": round(r["p50"]) if r["p50"] is not None else None,
            "p90_seconds": round(r["p90"]) if r["p90"] is not None else None, "breaches": r["breaches"]}


def _quota(quotas, period) -> float:
    return sum(float(q.amount) * (min(q.period_end, period.end) - max(q.period_start, period.start)).days
               / (q.period_end - q.period_start).days for q in quotas)


def forecast(team_id, period, owner_id):
    start, end = period.bounds()
    open_deals = Deal.objects.filter(team_id=team_id, stage__kind=StageKind.OPEN,
                                     expected_close_date__gte=period.start, expected_close_date__lt=period.end)
    won_deals = Deal.objects.filter(team_id=team_id, stage__kind=StageKind.WON, closed_at__gte=start,
                                    closed_at__lt=end)
    quotas = Quota.objects.filter(team_id=team_id, period_start__lt=period.end, period_end__gt=period.start)
    if owner_id:
        open_deals, won_deals = open_deals.filter(owner_id=owner_id), won_deals.filter(owner_id=owner_id)
        quotas = quotas.filter(user_id=owner_id)
    o = open_deals.aggregate(weighted=Sum(F("amount") * F("stage__win_probability")), total=Sum("amount"),
                             commit=Sum("amount", filter=Q(
                                 stage__win_probability__gte=settings.FORECAST_COMMIT_PROBABILITY)), n=Count("id"))
    w = won_deals.aggregate(total=Sum("amount"), n=Count("id"))
    won, weighted, quota = float(w["total"] or 0), float(o["weighted"] or 0) / 100, _quota(quotas, period)
    return {"won": won, "won_deals": w["n"], "weighted": round(weighted, 2), "open_deals": o["n"],
            "forecast": round(won + weighted, 2), "commit": round(won + float(o["commit"] or 0), 2),
            "best_case": round(won + float(o["total"] or 0), 2), "quota": round(quota, 2),
            "attainment": round(100 * won / quota, 1) if quota else None,
            "forecast_attainment": round(100 * (won + weighted) / quota, 1) if quota else None}


def leaderboard(team_id, period):
    start, end = period.bounds()
    won = {r["owner"]: r for r in Deal.objects.filter(
        team_id=team_id, stage__kind=StageKind.WON, closed_at__gte=start, closed_at__lt=end,
    ).values("owner").annotate(total=Sum("amount"), n=Count("id"))}
    activities = dict(Activity.objects.filter(team_id=team_id, occurred_at__gte=start, occurred_at__lt=end)
                      .values("created_by").annotate(n=Count("id")).values_list("created_by", "n"))
    response = dict(LeadSla.objects.filter(team_id=team_id, started_at__gte=start, started_at__lt=end)
                    .values("lead__owner").annotate(p50=Percentile("response_seconds", 0.5))
                    .values_list("lead__owner", "p50"))
    quotas: dict[int, list] = {}
    for q in Quota.objects.filter(team_id=team_id, period_start__lt=period.end, period_end__gt=period.start):
        quotas.setdefault(q.user_id, []).append(q)
    elapsed = period.elapsed(timezone.localdate())
    reps = []
    for user in selectors.team_reps(team_id=team_id):
        amount, quota = float((won.get(user.pk) or {}).get("total") or 0), _quota(quotas.get(user.pk, []), period)
        median = response.get(user.pk)
        reps.append({"user_id": user.pk, "name": user.full_name or user.email, "won": amount,
                     "won_deals": (won.get(user.pk) or {}).get("n", 0), "activities": activities.get(user.pk, 0),
                     "median_response_seconds": round(median) if median is not None else None,
                     "quota": round(quota, 2), "attainment": round(100 * amount / quota, 1) if quota else None,
                     "pace": round(quota * elapsed, 2), "on_pace": amount >= quota * elapsed if quota else None})
    reps.sort(key=lambda r: (-r["won"], -r["activities"], r["name"]))
    return {"reps": reps, "elapsed": round(100 * elapsed)}


def figures(*, team_id: int, period, owner_id: int | None) -> dict[str, dict]:
    """The five metrics and the leaderboard, computed now."""
    return {
        "active_deals": active_deals(team_id, owner_id),
        "conversion_by_stage": conversion(team_id, period, owner_id),
        "deal_velocity": velocity(team_id, period, owner_id),
        "lead_response_time": response_time(team_id, period, owner_id),
        "revenue_forecast": forecast(team_id, period, owner_id),
        "leaderboard": leaderboard(team_id, period),
    }


@team_required
def peer_dashboard(request):
    period = periods.from_query(request.GET, timezone.localdate())
    manager = request.seat.is_manager
    owner = None if manager else request.user
    now = timezone.now()
    values = figures(team_id=request.team.pk, period=period, owner_id=owner.pk if owner else None)
    board_value = values.pop("leaderboard")
    if not manager:
        board_value["reps"] = [r for r in board_value["reps"] if r["user_id"] == owner.pk]
    metrics = {name: Reading(name, value, now, "live") for name, value in values.items()}
    today = {"day": timezone.localdate(), "forecast": values["revenue_forecast"]["forecast"],
             "won": values["revenue_forecast"]["won"]}
    board = selectors.Dashboard(
        period=period, owner=owner, metrics=metrics, leaderboard=Reading("leaderboard", board_value, now, "live"),
        forecast_trend=[today],
        stale=selectors.stale_deals(team_id=request.team.pk, owner_id=owner.pk if owner else None),
        reps=selectors.team_reps(team_id=request.team.pk) if manager else [])
    return render(request, "dashboards/dashboard.html", {
        "board": board, "m": metrics, "query": request.GET.urlencode(), "team_query": "", "period": period,
        "periods": [("month", "This month"), ("quarter", "This quarter"), ("custom", "Custom")]})


urlpatterns = [
    path("bench/peer-dashboard/", peer_dashboard),
    path("", include("primesync.urls")),
]
handler403 = "primesync.views.permission_denied"
handler404 = "primesync.views.page_not_found"
