"""Routing of new leads: assignment rules, reps' availability, decisions, the speed-to-lead SLA."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from leads.models.core import Lead
from primesync.models import TenantModel

WORK_DAYS_HELP = "ISO weekdays worked, e.g. 12345 for Monday to Friday"


class AssignmentRule(TenantModel):
    """Leads that match (every condition given) go to the rule's reps in weighted rotation."""

    name = models.CharField(max_length=80)
    priority = models.PositiveSmallIntegerField(default=100, help_text="Lower runs first")
    active = models.BooleanField(default=True)
    countries = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    industries = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    sources = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    min_employees = models.PositiveIntegerField(null=True, blank=True)
    max_employees = models.PositiveIntegerField(null=True, blank=True)
    # the atomic rotation counter: UPDATE ... SET rotation = rotation + 1 RETURNING gives each lead its own slot
    rotation = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="assignmentrule_team_name")]

    def __str__(self) -> str:
        return self.name


class AssignmentMember(TenantModel):
    rule = models.ForeignKey(AssignmentRule, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(20)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "user"], name="assignmentmember_rule_user")]


class RepAvailability(TenantModel):
    """A rep's capacity and hours, for assignment and the SLA."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    max_open_leads = models.PositiveIntegerField(default=50)
    out_of_office_until = models.DateTimeField(null=True, blank=True)
    work_start = models.TimeField(default=time(9))
    work_end = models.TimeField(default=time(18))
    work_days = models.CharField(max_length=7, default="12345", help_text=WORK_DAYS_HELP)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="repavailability_team_user")]


class AssignmentDecision(TenantModel):
    """Why a lead went to whom (shown on the lead page)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="assignment_decisions")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    rule = models.ForeignKey(AssignmentRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["team", "lead", "decided_at"], name="assignment_team_lead")]

    def __str__(self) -> str:
        return self.reason


class SlaAction(models.TextChoices):
    REASSIGN = "reassign", "Reassign to the next rep in rotation"
    ESCALATE = "escalate", "Escalate to the managers"


class LeadSettings(TenantModel):
    """A team's speed-to-lead policy and working hours."""

    sla_minutes = models.PositiveIntegerField(default=15, validators=[MinValueValidator(1)])
    sla_action = models.CharField(max_length=10, choices=SlaAction.choices, default=SlaAction.ESCALATE)
    work_start = models.TimeField(default=time(9))
    work_end = models.TimeField(default=time(18))
    work_days = models.CharField(max_length=7, default="12345", help_text=WORK_DAYS_HELP)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team"], name="leadsettings_one_per_team")]


class LeadSla(TenantModel):
    """A new lead's speed-to-lead clock: due, first touch, breach."""

    lead = models.OneToOneField(Lead, on_delete=models.CASCADE, related_name="sla")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    first_touch_at = models.DateTimeField(null=True, blank=True)
    response_seconds = models.PositiveIntegerField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # the SLA sweep: open clocks by due time
            models.Index(
                fields=["team", "due_at"],
                condition=Q(first_touch_at__isnull=True, breached_at__isnull=True),
                name="leadsla_open_due",
            ),
            models.Index(fields=["team", "first_touch_at"], name="leadsla_team_touch"),
        ]
