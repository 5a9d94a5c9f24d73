"""Companies, leads and the activities logged on them."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Lookup, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone

from leads.models import keys
from primesync import audit, events
from primesync.models import Team, TenantModel


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


# What "search as you type" matches: names, emails (whole and in pieces), company, title, and
# phone numbers (their digit groups and their last ten digits). 'simple' keeps words as typed
# (no stemming). Every function here is immutable, so it can be a stored generated column.
LEAD_SEARCH_DOCUMENT = (
    "to_tsvector('simple'::regconfig, "
    "first_name || ' ' || last_name || ' ' || email || ' ' || translate(email, '@.-_+', '     ') || ' ' "
    "|| company_name || ' ' || title || ' ' || translate(phone, '()-+./', '      ') || ' ' "
    "|| right(regexp_replace(phone, '[^0-9]', '', 'g'), 10))"
)


@SearchVectorField.register_lookup
class TsQueryLookup(Lookup):
    """``search_document__tsquery="'ana':* & 'sil':*"``: match a tsquery built by leads.search."""

    lookup_name = "tsquery"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", [*lhs_params, *rhs_params]


@audit.tracked(exclude=("search_document", *keys.KEY_FIELDS))
class Lead(TenantModel):
    # no index of its own: (team_id, id) and the other team-led indexes serve every team_id lookup, and
    # an import writes each index once per row
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_index=False)
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
    email_opt_out = models.BooleanField(default=False, help_text="Unsubscribed: no sequence emails")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    search_document = models.GeneratedField(
        expression=RawSQL(LEAD_SEARCH_DOCUMENT, ()),  # noqa: S611 - a constant, no user input
        output_field=SearchVectorField(), db_persist=True
    )
    # Normalised keys that bring possible duplicates together (see leads/models/keys.py for why they
    # are stored columns rather than expression indexes).
    key_email = keys.stored(keys.email_key("email"))
    key_phone = keys.stored(keys.phone_key("phone"))
    key_domain = keys.stored(keys.email_domain_key("email"))
    key_company = keys.stored(keys.company_key("company_name"))
    key_name = keys.stored(keys.name_key("first_name", "last_name"))

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
            # sortable columns of /leads/: keyset pages in (column, id) order
            models.Index(fields=["team", "last_name", "first_name", "id"], name="lead_team_name"),
            models.Index(fields=["team", "company_name", "id"], name="lead_team_company_name"),
            models.Index(fields=["team", "quality_score", "id"], name="lead_team_quality"),
            models.Index(fields=["team", "updated_at", "id"], name="lead_team_updated"),
            # GIN cannot lead with team_id without btree_gin (absent from the embedded server);
            # the team filter is applied to the bitmap by row-level security and the query.
            GinIndex(fields=["search_document"], name="lead_search"),
            # duplicate candidates are looked up by their normalised keys
            *[models.Index(fields=["team", name], name=f"lead_team_{name}") for name in keys.KEY_FIELDS],
        ]
        triggers = [
            events.outbox_trigger(
                "outbox_lead_created", operation=pgtrigger.Insert, event_type=events.LEAD_CREATED, entity_type="lead",
                payload="jsonb_build_object('owner_id', n.owner_id, 'status', n.status, 'source', n.source)",
            ),
            events.outbox_trigger(
                "outbox_lead_assigned", operation=pgtrigger.Update, event_type=events.LEAD_ASSIGNED, entity_type="lead",
                payload="jsonb_build_object('from_owner_id', o.owner_id, 'to_owner_id', n.owner_id)",
                where="o.owner_id IS DISTINCT FROM n.owner_id",
            ),
            events.outbox_trigger(
                "outbox_lead_status", operation=pgtrigger.Update, event_type=events.LEAD_STATUS_CHANGED,
                entity_type="lead", payload="jsonb_build_object('from', o.status, 'to', n.status)",
                where="o.status IS DISTINCT FROM n.status",
            ),
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
    direction = models.CharField(
        max_length=8, choices=[("out", "Outbound"), ("in", "Inbound")], default="out",
        help_text="An inbound email is a reply: it stops the lead's email sequences",
    )
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
        triggers = [
            events.outbox_trigger(
                "outbox_activity_logged", operation=pgtrigger.Insert, event_type=events.ACTIVITY_LOGGED,
                entity_type="activity",
                payload="jsonb_build_object('kind', n.kind, 'lead_id', n.lead_id, 'deal_id', n.deal_id, "
                "'created_by_id', n.created_by_id, 'direction', n.direction, 'occurred_at', n.occurred_at)",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def is_overdue(self) -> bool:
        return self.kind == ActivityKind.TASK and self.completed_at is None and self.due_at < timezone.now()


class SavedView(TenantModel):
    """A named set of /leads/ filters that a user saved (the built-in views live in leads.views_catalog)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000, help_text="The /leads/ query string")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user", "name"], name="savedview_user_name_unique")]
        indexes = [models.Index(fields=["team", "user", "name"], name="savedview_team_user")]

    def __str__(self) -> str:
        return self.name


class EnrichmentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


@audit.tracked()
class EnrichmentRequest(TenantModel):
    """Someone (or something) asked for a lead to be enriched; the enrichment app works the queue.

    At most one open (pending or running) request per lead, so a second click changes nothing.
    """

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="enrichment_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=40, default="manual")
    batch = models.UUIDField(null=True, blank=True, help_text="Requests made together (a bulk action)")
    status = models.CharField(max_length=10, choices=EnrichmentStatus.choices, default=EnrichmentStatus.PENDING)
    detail = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When a worker took it")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lead"], condition=Q(status__in=["pending", "running"]), name="enrichment_one_open_per_lead"
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status", "requested_at"], name="enrichment_team_status"),
            models.Index(fields=["team", "batch"], name="enrichment_team_batch"),
        ]
        triggers = [
            events.outbox_trigger(
                "outbox_enrichment_requested", operation=pgtrigger.Insert, event_type=events.ENRICHMENT_REQUESTED,
                entity_type="lead",
                payload="jsonb_build_object('request_id', n.id, 'batch', n.batch, 'reason', n.reason)",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead} ({self.status})"


class ExportLog(TenantModel):
    """Who exported which leads, when. Append-only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(null=True, blank=True, help_text="Unknown for streamed filtered exports")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        triggers = [audit.append_only_trigger()]
        indexes = [models.Index(fields=["team", "created_at"], name="exportlog_team_created")]

    def __str__(self) -> str:
        return f"{self.user} exported {self.what}"
