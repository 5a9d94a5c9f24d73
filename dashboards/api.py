"""API v1: the dashboard's five metrics, each with its ``as_of`` and freshness, for the team and per rep."""

from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards import selectors
from dashboards.metrics import periods


class MetricsView(APIView):
    """``GET ?period=month|quarter|custom&start=&end=`` → ``{"period", "team", "reps": {id: {...}}}``.

    A manager gets the team and every rep; a rep gets their own numbers only (``team`` is null).
    """

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
