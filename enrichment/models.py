"""What enrichment knows: every vendor call, every observed value, and each lead's enrichment state."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from leads.models import Lead
from primesync import audit, events
from primesync.models import TenantModel

VENDORS = [("zoominfo", "ZoomInfo"), ("apollo", "Apollo"), ("linkedin", "LinkedIn profile source"),
           ("zerobounce", "ZeroBounce"), ("local", "Offline checks"), ("person", "Chosen by a person")]


class EnrichmentCall(TenantModel):
    """One call to a vendor (after its retries): what it cost and how it went. The raw answer is kept."""

    vendor = models.CharField(max_length=20, choices=VENDORS)
    operation = models.CharField(max_length=40)
    request_key = models.CharField(max_length=64, help_text="sha256 of the canonical request")
    outcome = models.CharField(max_length=20)  # ok / miss / error / skipped
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    billed = models.PositiveIntegerField(default=0, help_text="Credits this call cost")
    latency_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    response = models.TextField(blank=True, help_text="The vendor's body, for audits and re-parsing")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["team", "vendor", "created_at"], name="enrichcall_team_vendor_time"),
            models.Index(fields=["vendor", "created_at"], name="enrichcall_vendor_time"),
        ]
        constraints = [
            # a retried task finds the call it already made: credits are never counted twice
            models.UniqueConstraint(fields=["team", "vendor", "request_key"], condition=Q(billed__gt=0),
                                    name="enrichcall_billed_once"),
        ]


class EnrichmentObservation(TenantModel):
    """One value one source reported for one field of a lead (or of its company), with its confidence."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="observations")
    entity = models.CharField(max_length=10, default="lead")  # lead / company
    field = models.CharField(max_length=40)
    value = models.JSONField()
    source = models.CharField(max_length=20, choices=VENDORS)
    confidence = models.FloatField()
    observed_at = models.DateTimeField(default=timezone.now)
    call = models.ForeignKey(EnrichmentCall, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["team", "lead", "field"], name="observation_team_lead_field")]


class EnrichmentState(models.TextChoices):
    PENDING = "pending", "Pending"
    ENRICHED = "enriched", "Enriched"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"


@audit.tracked()
class LeadEnrichment(TenantModel):
    """A lead's enrichment: its state, the chosen values of fields the lead itself has no column for
    (verification, profile), what enrichment wrote into the lead and company, and why it is partial."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, related_name="enrichment")
    status = models.CharField(max_length=10, choices=EnrichmentState.choices, default=EnrichmentState.PENDING)
    score = models.PositiveSmallIntegerField(default=0, help_text="How complete the profile is, 0-100")
    detail = models.JSONField(default=dict, blank=True, help_text="Per source: ok / miss / the reason it failed")
    chosen = models.JSONField(default=dict, blank=True,
                              help_text="field -> {value, source, confidence, observed_at}")
    applied = models.JSONField(default=dict, blank=True,
                               help_text="lead/company fields enrichment wrote -> the value it wrote")
    email_status = models.CharField(max_length=20, blank=True)
    email_sub_status = models.CharField(max_length=40, blank=True)
    email_free = models.BooleanField(null=True)
    email_disposable = models.BooleanField(null=True)
    email_did_you_mean = models.CharField(max_length=254, blank=True)
    linkedin_url = models.CharField(max_length=300, blank=True)
    phone_e164 = models.CharField(max_length=20, blank=True)
    phone_type = models.CharField(max_length=20, blank=True)
    enriched_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["team", "status", "enriched_at"], name="leadenrichment_team_status")]


class VendorSettings(TenantModel):
    """A team's monthly cap of billed calls to one vendor."""

    vendor = models.CharField(max_length=20, choices=VENDORS)
    monthly_cap = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "vendor"], name="vendorsettings_team_vendor")]


class ReviewStatus(models.TextChoices):
    NONE = "", "Not in review"
    OPEN = "open", "Waiting for review"
    REVIEWED = "reviewed", "Reviewed"


class LeadQuality(TenantModel):
    """What the quality rules did with a lead: the one automatic re-enrichment a low score earns, and
    its place in the manual review queue. The score and its factors themselves are on the lead."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, related_name="quality")
    scored_at = models.DateTimeField(default=timezone.now,
                                     help_text="When the score or the rules' verdict last changed")
    reenrich_requested_at = models.DateTimeField(null=True, blank=True,
                                                 help_text="A low score asked for re-enrichment (once)")
    review_status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.NONE,
                                     blank=True)
    review_reason = models.CharField(max_length=300, blank=True)
    review_queued_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "lead qualities"
        indexes = [
            models.Index(fields=["team", "review_queued_at", "id"], condition=Q(review_status="open"),
                         name="leadquality_review_queue"),
        ]


class QualitySnapshot(TenantModel):
    """A team's score distribution on one day (the nightly job writes it), for the trend chart."""

    day = models.DateField()
    histogram = models.JSONField(help_text="Leads per score band of 10 points: [0-9, 10-19, ..., 90-100]")
    average = models.FloatField()
    leads = models.PositiveIntegerField()
    in_review = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="qualitysnapshot_team_day")]


class LeadContactWatch(Lead):
    """The lead table as the quality rules see it: a change to what a score reads (email, phone,
    company, name) emits LEAD_CONTACT_CHANGED. A proxy, so the trigger lives in this app's
    migrations and the leads app knows nothing of quality."""

    class Meta:
        proxy = True
        triggers = [
            events.outbox_trigger(
                "outbox_lead_contact_changed", operation=pgtrigger.Update, event_type=events.LEAD_CONTACT_CHANGED,
                entity_type="lead",
                payload="jsonb_build_object('email', n.email, 'phone', n.phone, "
                "'email_changed', o.email IS DISTINCT FROM n.email, 'phone_changed', o.phone IS DISTINCT FROM n.phone)",
                where="o.email IS DISTINCT FROM n.email OR o.phone IS DISTINCT FROM n.phone "
                "OR o.company_id IS DISTINCT FROM n.company_id OR o.company_name IS DISTINCT FROM n.company_name "
                "OR o.first_name IS DISTINCT FROM n.first_name OR o.last_name IS DISTINCT FROM n.last_name",
            ),
        ]
