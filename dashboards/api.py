"""API v1: the dashboard's five metrics, each with its ``as_of`` and freshness, for the team and per rep."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards import selectors
from dashboards.metrics import periods


class MetricReadingSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="A number, or per stage for conversion_by_stage")
    as_of = serializers.DateTimeField()
    freshness = serializers.CharField(help_text="live, or how old the stored figure is")


def _metrics_of(whose: str, **kwargs):
    return serializers.DictField(child=MetricReadingSerializer(), help_text=f"{whose}: one entry per metric "
                                 f"({', '.join(selectors.METRICS)})", **kwargs)


class PeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["month", "quarter", "custom"])
    start = serializers.DateField()
    end = serializers.DateField(help_text="Exclusive")
    label = serializers.CharField()


class RepMetricsSerializer(serializers.Serializer):
    name = serializers.CharField()
    metrics = _metrics_of("The rep's")


class MetricsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    team = _metrics_of("The team's (managers only, else null)", allow_null=True)
    reps = serializers.DictField(child=RepMetricsSerializer(), help_text="By user id")


class MetricsView(APIView):
    """``GET ?period=month|quarter|custom&start=&end=`` → ``{"period", "team", "reps": {id: {...}}}``.

    A manager gets the team and every rep; a rep gets their own numbers only (``team`` is null).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("period", enum=["month", "quarter", "custom"], default="quarter"),
            OpenApiParameter("start", OpenApiTypes.DATE, description="period=custom: first day"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="period=custom: last day (inclusive); a range "
                                                                  "that is not valid falls back to this quarter"),
        ],
        responses=MetricsSerializer,
    )
    def get(self, request):
        period = periods.from_query(request.query_params, timezone.localdate())
        team_id = request.team.pk

        def scope(owner_id):
            return {name: selectors.metric(name, team_id=team_id, period=period, owner_id=owner_id).as_json()
                    for name in selectors.METRICS}

        people = selectors.team_reps(team_id=team_id) if request.seat.is_manager else [request.user]
        return Response({
            "period": {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label},
            "team": scope(None) if request.seat.is_manager else None,
            "reps": {str(u.pk): {"name": u.display_name, "metrics": scope(u.pk)} for u in people},
        })
