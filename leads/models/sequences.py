"""Email sequences: steps a manager writes, leads enrolled in them, the emails sent and what came of them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from leads.models.core import Lead
from primesync import audit
from primesync.models import TenantModel


@audit.tracked()
class Sequence(TenantModel):
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="sequence_team_name")]

    def __str__(self) -> str:
        return self.name


@audit.tracked()
class SequenceStep(TenantModel):
    """One email of a sequence, sent ``delay_hours`` after the previous one (or after enrolment)."""

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    delay_hours = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(24 * 90)])
    subject = models.CharField(max_length=200, help_text="Placeholders: {first_name} {last_name} {company} {sender}")
    body = models.TextField(help_text="Plain text; links are tracked. Same placeholders as the subject.")

    class Meta:
        ordering = ["sequence", "order"]
        constraints = [models.UniqueConstraint(fields=["sequence", "order"], name="sequencestep_order")]

    def __str__(self) -> str:
        return f"{self.sequence} #{self.order}: {self.subject}"


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


@audit.tracked()
class Enrollment(TenantModel):
    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="enrollments")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    status = models.CharField(max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE)
    next_step = models.PositiveSmallIntegerField(default=1)
    next_send_at = models.DateTimeField(null=True, blank=True)
    stopped_reason = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sequence", "lead"], condition=Q(status="active"),
                                    name="enrollment_one_active"),
        ]
        indexes = [
            # the sender's sweep: active enrolments by due time
            models.Index(fields=["team", "next_send_at"], condition=Q(status="active"), name="enrollment_due"),
            models.Index(fields=["team", "lead"], name="enrollment_team_lead"),
        ]


class SentEmail(TenantModel):
    """One email of one step to one lead, and what the recipient did with it."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="emails")
    step = models.ForeignKey(SequenceStep, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="sent_emails")
    to_email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=10, default="sending")  # sending / sent / failed
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    clicked_at = models.DateTimeField(null=True, blank=True)
    click_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "step"], name="sentemail_once_per_step")]
        indexes = [models.Index(fields=["team", "lead", "created_at"], name="sentemail_team_lead")]
