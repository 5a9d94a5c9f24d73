"""API v1: a lead's enrichment, and asking for it again."""

from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from enrichment import selectors
from leads.selectors import lead_queryset
from leads.services import enrichment_request
from primesync.errors import PermissionDenied
from primesync.permissions import can_edit


class LeadEnrichmentView(APIView):
    """``GET``: status, each field's chosen value with source, confidence and time, and the observations."""

    def get(self, request, pk):
        lead = get_object_or_404(lead_queryset(team=request.team), pk=pk)
        state, _ = selectors.lead_enrichment(lead=lead)
        return Response({
            "status": state.status if state else "pending",
            "score": state.score if state else 0,
            "detail": state.detail if state else {},
            "fields": {
                name: {k: chosen[k] for k in ("value", "source", "confidence", "observed_at")}
                for name, chosen in (state.chosen.items() if state else [])
            },
            "observations": selectors.observations_for_api(lead=lead),
        })


class LeadEnrichView(APIView):
    """``POST``: ask for a re-enrichment (202; a lead already waiting is not queued twice)."""

    def post(self, request, pk):
        lead = get_object_or_404(lead_queryset(team=request.team), pk=pk)
        if not can_edit(request.seat, lead):
            raise PermissionDenied("Only the owner or a manager can re-enrich this lead.")
        result = enrichment_request(team=request.team, by=request.user, leads=[lead], reason="api")
        return Response({"status": "pending", "queued": bool(result.changed)}, status=status.HTTP_202_ACCEPTED)
