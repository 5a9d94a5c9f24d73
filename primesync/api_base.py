"""What every team-scoped API viewset shares."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from primesync.history import history_for
from primesync.idempotency import IdempotentPostMixin
from primesync.models import User
from primesync.permissions import CanEditOwnedOrManager


class TeamScopedSerializer(serializers.ModelSerializer):
    """Related-object fields only accept rows of the request's team; others answer 'Invalid pk'."""

    team_querysets: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team = self.context["request"].team
        for name, queryset_for in self.team_querysets.items():
            if name in self.fields:
                self.fields[name].queryset = queryset_for(team)


def team_members(team):
    return User.objects.filter(memberships__team=team)


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    user = serializers.DictField(allow_null=True)
    source = serializers.CharField()
    correlation_id = serializers.CharField(allow_null=True)
    field = serializers.CharField()
    values = serializers.SerializerMethodField()

    def get_values(self, row) -> dict:
        return {"from": row["from"], "to": row["to"]}

    def to_representation(self, row):
        data = super().to_representation(row)
        data.update(data.pop("values"))
        return data


class TeamScopedViewSet(IdempotentPostMixin, viewsets.ModelViewSet):
    """CRUD on the request's team only: an id of another team is a 404, like a missing one."""

    permission_classes = [CanEditOwnedOrManager]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @property
    def seat(self):
        return self.request.seat

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole history, not paged
    def history(self, request, pk=None):
        obj = self.get_object()
        return Response(HistorySerializer(history_for(obj), many=True).data)


class CsvDownloadMixin:
    """For APIViews that answer a CSV file: ``Accept: text/csv`` must not be a 406.

    The file is streamed whatever the Accept header says; content negotiation only picks how errors
    render, so when nothing matches they fall back to JSON instead of refusing the request.
    """

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)
