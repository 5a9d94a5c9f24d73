"""Reading pipelines, deals and quotas, always for one team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum

from deals.models import Deal, Pipeline, Quota, Stage, StageKind
from primesync import keyset
from primesync.keyset import Ordering

CARD_ORDER = Ordering(("id",), descending=True)


@dataclass(frozen=True)
class DealFilters:
    owner: str = ""  # "", "me" or a user id
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    close_from: date | None = None
    close_to: date | None = None


@dataclass(frozen=True)
class StageTotal:
    count: int = 0
    amount: Decimal = Decimal(0)


def pipeline_queryset(*, team):
    return Pipeline.objects.filter(team=team).prefetch_related(
        Prefetch("stages", queryset=Stage.objects.filter(team=team).order_by("order"))
    )


def stage_queryset(*, team):
    return Stage.objects.filter(team=team).select_related("pipeline")


def deal_queryset(*, team):
    return Deal.objects.filter(team=team).select_related("stage", "pipeline", "owner", "lead", "company")


def quota_queryset(*, team):
    return Quota.objects.filter(team=team).select_related("user")


def sibling_stages(*, team, stage_id: int) -> list[Stage]:
    """All stages of the pipeline that ``stage_id`` belongs to, in order (one query)."""
    return list(Stage.objects.filter(team=team, pipeline__stages=stage_id).order_by("order"))


def board_pipelines(*, team, pipeline_id: int | None = None) -> tuple[Pipeline | None, list[Pipeline]]:
    """The pipeline the board shows (the one asked for, else the default) and all of the team's, with stages."""
    pipelines = list(pipeline_queryset(team=team).order_by("-is_default", "id"))
    chosen = next((p for p in pipelines if p.pk == pipeline_id), pipelines[0] if pipelines else None)
    return chosen, pipelines


def deal_filtered(*, team, user, filters: DealFilters):
    qs = Deal.objects.filter(team=team)
    if filters.owner == "me":
        qs = qs.filter(owner=user)
    elif filters.owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif filters.owner:
        qs = qs.filter(owner_id=int(filters.owner))
    if filters.amount_min is not None:
        qs = qs.filter(amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        qs = qs.filter(amount__lte=filters.amount_max)
    if filters.close_from:
        qs = qs.filter(expected_close_date__gte=filters.close_from)
    if filters.close_to:
        qs = qs.filter(expected_close_date__lte=filters.close_to)
    return qs


def stage_totals(*, team, user, filters: DealFilters, stage_ids: list[int]) -> dict[int, StageTotal]:
    """Count and amount per stage, in one grouped query."""
    rows = (
        deal_filtered(team=team, user=user, filters=filters)
        .filter(stage_id__in=stage_ids)
        .values("stage_id")
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    totals = {stage_id: StageTotal() for stage_id in stage_ids}
    for row in rows:
        totals[row["stage_id"]] = StageTotal(count=row["count"], amount=row["amount"] or Decimal(0))
    return totals


def stage_cards(*, team, user, filters: DealFilters, stage: Stage, after: str | None = None, size: int = 25):
    """One page of a board column, newest deals first."""
    qs = deal_filtered(team=team, user=user, filters=filters).filter(stage=stage).select_related("owner", "company")
    return keyset.page(qs, CARD_ORDER, after=after, size=size)


def open_deals_without_next_step(*, team, user, limit: int = 20):
    return (
        Deal.objects.filter(team=team, owner=user, stage__kind=StageKind.OPEN, next_step="")
        .select_related("stage", "company")
        .order_by("expected_close_date", "id")[:limit]
    )
