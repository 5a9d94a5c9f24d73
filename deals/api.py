"""API v1: pipelines (read-only, with stages) and deals."""

from rest_framework import mixins, serializers, viewsets

from deals import selectors, services
from deals.models import Deal, Pipeline, Stage
from leads.api import require_owner_change_allowed
from leads.selectors import company_queryset, lead_queryset
from primesync.api_base import TeamScopedSerializer, TeamScopedViewSet, team_members


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "name", "order", "win_probability", "stale_after_days", "kind"]


class PipelineSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Pipeline
        fields = ["id", "name", "is_default", "stages"]


class PipelineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PipelineSerializer

    def get_queryset(self):
        return selectors.pipeline_queryset(team=self.request.team).order_by("-is_default", "id")


class DealSerializer(TeamScopedSerializer):
    team_querysets = {
        "owner": team_members,
        "lead": lambda team: lead_queryset(team=team),
        "company": lambda team: company_queryset(team=team),
        "pipeline": lambda team: selectors.pipeline_queryset(team=team),
        "stage": lambda team: selectors.stage_queryset(team=team),
    }

    class Meta:
        model = Deal
        fields = [
            "id", "name", "amount", "currency", "pipeline", "stage", "owner", "lead", "company",
            "expected_close_date", "stage_entered_at", "closed_at", "lost_reason", "next_step",
            "next_step_due", "created_at", "updated_at",
        ]
        read_only_fields = ["stage_entered_at", "closed_at", "created_at", "updated_at"]
        extra_kwargs = {"pipeline": {"required": False}, "stage": {"required": False}}

    def validate_amount(self, value):
        if value < 0:
            raise serializers.ValidationError("Amount cannot be negative.")
        return value

    def validate_currency(self, value):
        if len(value) != 3 or not value.isalpha():
            raise serializers.ValidationError("Use a three-letter ISO 4217 code, e.g. USD.")
        return value.upper()


class DealViewSet(TeamScopedViewSet):
    serializer_class = DealSerializer

    def get_queryset(self):
        return selectors.deal_queryset(team=self.request.team)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if not self.seat.is_manager:
            data.setdefault("owner", self.request.user)
        require_owner_change_allowed(self.seat, self.request.user, data)
        serializer.instance = services.deal_create(team=self.request.team, by=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "owner" in data:
            require_owner_change_allowed(self.seat, self.request.user, data)
        if "pipeline" in data and data["pipeline"] != serializer.instance.pipeline:
            raise serializers.ValidationError({"pipeline": "Move the deal between pipelines in the app."})
        data.pop("pipeline", None)
        services.deal_update(deal=serializer.instance, by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.deal_delete(deal=instance, by=self.request.user)
