"""Companies, leads and the activities logged on them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from primesync import audit
from primesync.models import TenantModel


@audit.tracked()
class Company(TenantModel):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, blank=True, help_text="Registrable domain, e.g. acme.com")
    industry = models.CharField(max_length=100, blank=True)
    employees = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    tech_stack = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    hq_city = models.CharField(max_length=100, blank=True)
    hq_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(
                "team", Lower("domain"), condition=~Q(domain=""), name="company_team_domain_unique",
                violation_error_message="A company with this domain already exists.",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "id"], name="company_team_id"),
            models.Index("team", Lower("name"), name="company_team_name"),
        ]

    def __str__(self) -> str:
        return self.name


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    WORKING = "working", "Working"
    QUALIFIED = "qualified", "Qualified"
    DISQUALIFIED = "disqualified", "Disqualified"
    CONVERTED = "converted", "Converted"


OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED)


class LeadSource(models.TextChoices):
    WEB = "web", "Website"
    REFERRAL = "referral", "Referral"
    OUTBOUND = "outbound", "Outbound"
    EVENT = "event", "Event"
    PARTNER = "partner", "Partner"
    IMPORT = "import", "Import"
    API = "api", "API"
    OTHER = "other", "Other"


@audit.tracked()
class Lead(TenantModel):
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=150, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    company_name = models.CharField(max_length=200, blank=True, help_text="As given; linked to a company on conversion")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    source = models.CharField(max_length=16, choices=LeadSource.choices, default=LeadSource.OTHER)
    quality_score = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    quality_factors = models.JSONField(default=dict, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~(Q(email="") & Q(phone="") & Q(first_name="") & Q(last_name="")),
                name="lead_has_email_phone_or_name",
            ),
            models.CheckConstraint(condition=Q(quality_score__lte=100), name="lead_quality_score_range"),
        ]
        indexes = [
            # team_id leads every index a list uses: lists are keyset pages in id order.
            models.Index(fields=["team", "id"], name="lead_team_id"),
            models.Index(fields=["team", "owner", "status", "id"], name="lead_team_owner_status"),
            models.Index(fields=["team", "status", "id"], name="lead_team_status"),
            models.Index(fields=["team", "created_at"], name="lead_team_created"),
            models.Index("team", Lower("email"), name="lead_team_email"),
            models.Index(fields=["team", "company"], name="lead_team_company"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ActivityKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Note"
    TASK = "task", "Task"


@audit.tracked()
class Activity(TenantModel):
    """Something done (or to do, for tasks) about a lead or a deal."""

    kind = models.CharField(max_length=10, choices=ActivityKind.choices)
    lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    # A string reference: leads never imports deals (deals builds on leads).
    deal = models.ForeignKey("deals.Deal", null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True, help_text="Tasks: when it is due")
    completed_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(lead__isnull=False) | Q(deal__isnull=False), name="activity_on_lead_or_deal"
            ),
            models.CheckConstraint(
                condition=~Q(kind="task") | Q(due_at__isnull=False), name="activity_task_has_due_at"
            ),
        ]
        indexes = [
            models.Index(fields=["team", "lead", "occurred_at"], name="activity_team_lead"),
            models.Index(fields=["team", "deal", "occurred_at"], name="activity_team_deal"),
            models.Index(
                fields=["team", "assigned_to", "due_at"],
                condition=Q(kind="task", completed_at__isnull=True),
                name="activity_open_tasks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"
