"""API v1: companies and leads."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from leads import exports, selectors, services
from leads.models import Company, Lead
from primesync.api_base import CsvDownloadMixin, TeamScopedSerializer, TeamScopedViewSet, team_members
from primesync.errors import PermissionDenied
from primesync.permissions import IsTeamMember


class CompanySerializer(TeamScopedSerializer):
    class Meta:
        model = Company
        fields = [
            "id", "name", "domain", "industry", "employees", "annual_revenue", "tech_stack",
            "hq_city", "hq_country", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class LeadSerializer(TeamScopedSerializer):
    team_querysets = {"owner": team_members, "company": lambda team: selectors.company_queryset(team=team)}

    class Meta:
        model = Lead
        fields = [
            "id", "first_name", "last_name", "email", "phone", "title", "company", "company_name",
            "country", "owner", "status", "source", "quality_score", "quality_factors",
            "converted_at", "created_at", "updated_at",
        ]
        read_only_fields = ["quality_score", "quality_factors", "converted_at", "created_at", "updated_at"]

    def validate(self, attrs):
        instance = self.instance or Lead(**{k: v for k, v in attrs.items()})
        names = [attrs.get(f, getattr(instance, f)) for f in ("email", "phone", "first_name", "last_name")]
        if not any(names):
            raise serializers.ValidationError("A lead needs an email, a phone or a name.")
        return attrs


class CompanyPermission(IsTeamMember):
    """Anyone in the team may add and edit companies; only managers delete them."""

    message = "Only managers can delete companies."

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method != "DELETE" or request.seat.is_manager


class CompanyViewSet(TeamScopedViewSet):
    serializer_class = CompanySerializer
    permission_classes = [CompanyPermission]

    def get_queryset(self):
        return selectors.company_queryset(team=self.request.team)

    def perform_create(self, serializer):
        serializer.instance = services.company_create(
            team=self.request.team, by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        services.company_update(company=serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.company_delete(company=instance, by=self.request.user)


def require_owner_change_allowed(seat, user, validated_data) -> None:
    """Reps keep what they create; handing a record to someone else is a manager's call."""
    owner = validated_data.get("owner", user)
    if not seat.is_manager and owner != user:
        raise PermissionDenied("Only managers can assign records to someone else.")


class LeadViewSet(TeamScopedViewSet):
    serializer_class = LeadSerializer

    def get_queryset(self):
        return selectors.lead_queryset(team=self.request.team)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if not self.seat.is_manager:
            data.setdefault("owner", self.request.user)
        require_owner_change_allowed(self.seat, self.request.user, data)
        serializer.instance = services.lead_create(team=self.request.team, by=self.request.user, **data)

    def perform_update(self, serializer):
        if "owner" in serializer.validated_data:
            require_owner_change_allowed(self.seat, self.request.user, serializer.validated_data)
        services.lead_update(lead=serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.lead_delete(lead=instance, by=self.request.user)


class LeadExportView(CsvDownloadMixin, APIView):
    """``GET /api/v1/leads/export.csv?status=new&owner=me…``: the leads of the list's filters, as streamed CSV.

    The same query parameters as /leads/ (read by the same form); every export is recorded (ExportLog).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("q", description="Search in name, email, phone and company"),
            OpenApiParameter("owner", description="me, none, or a user id"),
            OpenApiParameter("status", many=True, explode=True, description="Repeat for several"),
            OpenApiParameter("source"),
            OpenApiParameter("quality", description="A quality band"),
            OpenApiParameter("created_from", OpenApiTypes.DATE),
            OpenApiParameter("created_to", OpenApiTypes.DATE),
            OpenApiParameter("sort"),
        ],
        responses={(200, "text/csv"): OpenApiResponse(
            response={"type": "string"}, description="CSV with a header row (filters that are not valid are ignored)"
        )},
    )
    def get(self, request):
        return exports.filtered_leads_csv(team=request.team, user=request.user, query=request.query_params)
