"""API v1: a lead's enrichment, and asking for it again."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from enrichment import selectors
from enrichment.models import EnrichmentState
from leads.selectors import lead_queryset
from leads.services import enrichment_request
from primesync.errors import PermissionDenied
from primesync.idempotency import IdempotentPostMixin
from primesync.permissions import can_edit


class ChosenValueSerializer(serializers.Serializer):
    value = serializers.JSONField()
    source = serializers.CharField()
    confidence = serializers.FloatField()
    observed_at = serializers.DateTimeField()


class ObservationSerializer(serializers.Serializer):
    entity = serializers.CharField()
    field = serializers.CharField()
    value = serializers.JSONField()
    source = serializers.CharField()
    confidence = serializers.FloatField()
    observed_at = serializers.DateTimeField()
    call_id = serializers.IntegerField(allow_null=True)


class LeadEnrichmentSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EnrichmentState.choices)
    score = serializers.IntegerField(help_text="How complete the profile is, 0-100")
    detail = serializers.DictField(help_text="Per source: ok / miss / the reason it failed")
    fields = serializers.DictField(child=ChosenValueSerializer(), help_text="Field name → the value chosen")
    observations = ObservationSerializer(many=True, help_text="Newest first, at most 200")


class EnrichQueuedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["pending"])
    queued = serializers.BooleanField(help_text="False when the lead was already waiting for enrichment")


class LeadEnrichmentView(APIView):
    """``GET``: status, each field's chosen value with source, confidence and time, and the observations."""

    @extend_schema(responses=LeadEnrichmentSerializer)
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


class LeadEnrichView(IdempotentPostMixin, APIView):
    """``POST``: ask for a re-enrichment (202; a lead already waiting is not queued twice)."""

    @extend_schema(request=None, responses={202: EnrichQueuedSerializer})
    def post(self, request, pk):
        lead = get_object_or_404(lead_queryset(team=request.team), pk=pk)
        if not can_edit(request.seat, lead):
            raise PermissionDenied("Only the owner or a manager can re-enrich this lead.")
        result = enrichment_request(team=request.team, by=request.user, leads=[lead], reason="api")
        return Response({"status": "pending", "queued": bool(result.changed)}, status=status.HTTP_202_ACCEPTED)
