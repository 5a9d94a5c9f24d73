"""Reading pipelines, deals and quotas, always for one team."""

from django.db.models import Prefetch

from deals.models import Deal, Pipeline, Quota, Stage


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
