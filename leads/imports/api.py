"""API v1: CSV imports. ``POST /imports/`` queues one; ``GET /imports/{id}/`` follows it; ``errors.csv`` its rejects."""

from __future__ import annotations

import json

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from leads.imports import selectors, services
from leads.models import LeadImport, OnDuplicate
from leads.views_imports import error_rows_csv
from primesync.api_base import CsvDownloadMixin, team_members
from primesync.errors import DomainError, PermissionDenied
from primesync.idempotency import IdempotentPostMixin


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField()
    mapping = serializers.CharField(
        required=False, help_text='JSON object: CSV header → field, e.g. {"E-mail": "email"}; default: the saved '
                                  "mapping for these headers, else a guess from their names")
    on_duplicate = serializers.ChoiceField(choices=OnDuplicate.values, default=OnDuplicate.SKIP)
    default_owner = serializers.IntegerField(required=False, help_text="Managers: a team member's id")
    phone_region = serializers.CharField(required=False, max_length=2)

    def validate_mapping(self, value):
        try:
            mapping = json.loads(value)
        except ValueError as exc:
            raise serializers.ValidationError("Not valid JSON.") from exc
        if not isinstance(mapping, dict):
            raise serializers.ValidationError("A JSON object of CSV header to field.")
        return mapping


class ImportSerializer(serializers.ModelSerializer):
    errors = serializers.SerializerMethodField()
    errors_csv = serializers.SerializerMethodField()

    class Meta:
        model = LeadImport
        fields = ["id", "status", "file_name", "on_duplicate", "total", "processed", "created", "updated",
                  "duplicates", "rejected", "errors", "errors_csv", "detail", "created_at", "started_at",
                  "finished_at"]

    def get_errors(self, job) -> list[dict]:
        return [{"line": e.line, "reason": e.reason} for e in selectors.import_errors(lead_import=job)]

    def get_errors_csv(self, job) -> str:
        return self.context["request"].build_absolute_uri(f"/api/v1/imports/{job.pk}/errors.csv")


class ImportQueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    already_imported = serializers.BooleanField(required=False, help_text="200 only: this file was imported before")
    detail = serializers.CharField(required=False)


class ImportCreateView(IdempotentPostMixin, APIView):
    """Upload a CSV (multipart ``file``) and queue its import: 202 ``{"id"}``.

    The same file again: 200 with the earlier import's id and ``already_imported``; nothing is created.
    """

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportCreateSerializer},
        responses={
            202: OpenApiResponse(ImportQueuedSerializer, description="Queued: follow it at /imports/{id}/"),
            200: OpenApiResponse(ImportQueuedSerializer, description="The same file was imported before: its id"),
        },
    )
    def post(self, request):
        serializer = ImportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        default_owner = None
        if data.get("default_owner") is not None and not request.seat.is_manager:
            raise PermissionDenied("Only managers can choose who owns imported leads.")
        if data.get("default_owner") is not None:
            default_owner = team_members(request.team).filter(pk=data["default_owner"]).first()
            if default_owner is None:
                raise DomainError("Not a member of this team.", field="default_owner")
        upload = data["file"]
        try:
            import_file = services.import_file_upload(team=request.team, by=request.user, name=upload.name,
                                                      data=upload.read())
            job = services.import_start(
                team=request.team, by=request.user, may_assign=request.seat.is_manager, import_file=import_file,
                mapping=data.get("mapping"), on_duplicate=data["on_duplicate"], default_owner=default_owner,
                phone_region=data.get("phone_region", ""),
            )
        except services.AlreadyImported as exc:
            return Response({"id": exc.previous.pk, "already_imported": True, "detail": exc.message},
                            status=status.HTTP_200_OK)
        return Response({"id": job.pk}, status=status.HTTP_202_ACCEPTED)


class ImportDetailView(APIView):
    @extend_schema(responses=ImportSerializer)
    def get(self, request, pk):
        job = get_object_or_404(selectors.import_queryset(team=request.team, seat=request.seat), pk=pk)
        return Response(ImportSerializer(job, context={"request": request}).data)


class ImportErrorsCsvView(CsvDownloadMixin, APIView):
    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(
        response={"type": "string"}, description="The rejected rows with their line and reason")})
    def get(self, request, pk):
        job = get_object_or_404(selectors.import_queryset(team=request.team, seat=request.seat), pk=pk)
        return error_rows_csv(job)
