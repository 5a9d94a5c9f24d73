"""CSV imports of leads: the uploaded file, the import job with its counters, its rejected rows, saved mappings."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from primesync import events
from primesync.models import TenantModel


class ImportFile(TenantModel):
    """An uploaded CSV. Kept in the database, so whichever worker runs the import can read it.

    The content is emptied once an import of it has finished (the rejected rows keep their values).
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [models.Index(fields=["team", "uploaded_at"], name="importfile_team_uploaded")]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class OnDuplicate(models.TextChoices):
    SKIP = "skip", "Skip them"
    UPDATE_EMPTY = "update_empty", "Fill in their empty fields"
    CREATE = "create", "Create them anyway"


class LeadImport(TenantModel):
    """One run of a CSV file into the team's leads, with counters the progress page reads as it works."""

    file = models.ForeignKey(ImportFile, on_delete=models.PROTECT, related_name="imports")
    # the file's SHA-256 again, for the constraint that makes importing the same file twice a no-op
    file_sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headers = models.JSONField(default=list, help_text="The file's column names, in order")
    mapping = models.JSONField(default=dict, help_text="CSV header → lead field")
    on_duplicate = models.CharField(max_length=12, choices=OnDuplicate.choices, default=OnDuplicate.SKIP)
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Owner of rows without an owner column value; none: the routing rules assign them",
    )
    phone_region = models.CharField(max_length=2, default="US", help_text="For phone numbers without +country code")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    detail = models.CharField(max_length=500, blank=True, help_text="Why it failed")
    total = models.PositiveIntegerField(default=0, help_text="Data rows in the file")
    checked = models.PositiveIntegerField(default=0, help_text="Rows validated so far")
    processed = models.PositiveIntegerField(default=0, help_text="Rows written or skipped so far")
    lines_done = models.PositiveIntegerField(default=0, help_text="Last line whose outcome is committed (resume point)")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of the worker running it")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # a file is imported once per team; a failed import may be run again
            models.UniqueConstraint(
                fields=["team", "file_sha256"], condition=~Q(status="failed"), name="leadimport_once_per_file"
            ),
        ]
        indexes = [
            models.Index(fields=["team", "id"], name="leadimport_team_id"),
            models.Index(fields=["team", "created_by", "id"], name="leadimport_team_user"),
            models.Index(fields=["team", "status"], name="leadimport_team_status"),
        ]
        triggers = [
            events.outbox_trigger(
                "outbox_import_requested", operation=pgtrigger.Insert, event_type=events.IMPORT_REQUESTED,
                entity_type="import", payload="jsonb_build_object('created_by_id', n.created_by_id)",
            ),
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        """Validation is the first half of the work, writing the second."""
        if self.status == ImportStatus.DONE:
            return 100
        return round(50 * (self.checked + self.processed) / self.total) if self.total else 0


class ImportRowError(TenantModel):
    """A rejected row: its line in the file (the header is line 1), why, and its values as they were."""

    lead_import = models.ForeignKey(LeadImport, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField()
    reason = models.CharField(max_length=1000)
    values = ArrayField(models.TextField(), default=list)

    class Meta:
        indexes = [models.Index(fields=["team", "lead_import", "line"], name="importrowerror_import_line")]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ImportMapping(TenantModel):
    """A column mapping saved by a team, applied to the next file with the same headers."""

    name = models.CharField(max_length=100)
    headers_signature = models.CharField(max_length=64, help_text="SHA-256 of the normalised headers, in order")
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="CSV header → lead field")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "headers_signature"], name="importmapping_team_headers"),
        ]

    def __str__(self) -> str:
        return self.name
