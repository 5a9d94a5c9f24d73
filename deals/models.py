"""Pipelines and their stages, deals, quotas."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from leads.models import Company, Lead
from primesync import audit, events
from primesync.models import TenantModel

DEAL_PAYLOAD = (
    "'stage_id', {r}.stage_id, 'pipeline_id', {r}.pipeline_id, 'owner_id', {r}.owner_id, 'amount', {r}.amount"
)


@audit.tracked()
class Pipeline(TenantModel):
    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="pipeline_team_name_unique"),
            models.UniqueConstraint(fields=["team"], condition=Q(is_default=True), name="pipeline_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class StageKind(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


@audit.tracked()
class Stage(TenantModel):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField()
    win_probability = models.PositiveSmallIntegerField(help_text="Percent, 0 to 100")
    stale_after_days = models.PositiveSmallIntegerField(default=14)
    kind = models.CharField(max_length=4, choices=StageKind.choices, default=StageKind.OPEN)

    class Meta:
        ordering = ["pipeline", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_pipeline_name_unique"),
            models.CheckConstraint(condition=Q(win_probability__lte=100), name="stage_probability_range"),
            models.CheckConstraint(
                condition=Q(kind="open") | Q(kind="won", win_probability=100) | Q(kind="lost", win_probability=0),
                name="stage_closed_probability",
            ),
        ]
        indexes = [models.Index(fields=["team", "pipeline", "order"], name="stage_team_pipeline_order")]

    def __str__(self) -> str:
        return self.name


@audit.tracked()
class Deal(TenantModel):
    name = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals")
    expected_close_date = models.DateField(null=True, blank=True)
    stage_entered_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    lost_reason = models.CharField(max_length=200, blank=True)
    next_step = models.CharField(max_length=200, blank=True)
    next_step_due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["team", "id"], name="deal_team_id"),
            # board columns: a page of cards and the column's count and amount, from the index alone
            models.Index(fields=["team", "stage", "id"], include=["amount"], name="deal_team_stage"),
            models.Index(fields=["team", "owner", "stage"], name="deal_team_owner_stage"),
            models.Index(
                fields=["team", "owner", "expected_close_date"],
                condition=Q(next_step=""),
                name="deal_team_owner_no_next_step",
            ),
            models.Index(fields=["team", "expected_close_date"], name="deal_team_close_date"),
            models.Index(fields=["team", "lead"], name="deal_team_lead"),
            models.Index(fields=["team", "company"], name="deal_team_company"),
        ]
        triggers = [
            events.outbox_trigger(
                "outbox_deal_created", operation=pgtrigger.Insert, event_type=events.DEAL_CREATED, entity_type="deal",
                payload=f"jsonb_build_object({DEAL_PAYLOAD.format(r='n')})",
            ),
            events.outbox_trigger(
                "outbox_deal_stage", operation=pgtrigger.Update, event_type=events.DEAL_STAGE_CHANGED,
                entity_type="deal",
                payload=f"jsonb_build_object('from_stage_id', o.stage_id, 'to_stage_id', n.stage_id, "
                f"{DEAL_PAYLOAD.format(r='n')})",
                where="o.stage_id IS DISTINCT FROM n.stage_id",
            ),
            events.outbox_trigger(
                "outbox_deal_updated", operation=pgtrigger.Update, event_type=events.DEAL_UPDATED, entity_type="deal",
                payload=f"jsonb_build_object({DEAL_PAYLOAD.format(r='n')})",
                where="o.stage_id IS NOT DISTINCT FROM n.stage_id AND (o.name, o.amount, o.currency, o.owner_id, "
                "o.company_id, o.expected_close_date, o.next_step) IS DISTINCT FROM (n.name, n.amount, n.currency, "
                "n.owner_id, n.company_id, n.expected_close_date, n.next_step)",
            ),
            events.outbox_trigger(
                "outbox_deal_deleted", operation=pgtrigger.Delete, event_type=events.DEAL_DELETED, entity_type="deal",
                payload=f"jsonb_build_object({DEAL_PAYLOAD.format(r='o')})",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@audit.tracked()
class Quota(TenantModel):
    """A rep's target of won amount for a period (usually a quarter)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quotas")
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user", "period_start"], name="quota_team_user_period_unique"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="quota_period_order"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="quota_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.period_start:%Y-%m-%d}: {self.amount}"


class DealStaleAlert(TenantModel):
    """A deal went stale at this point (last activity or stage entry): alerted once per staleness period."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(help_text="The last activity or stage entry it went stale after")
    alerted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deal", "since"], name="dealstalealert_once")]


class QuotaAlert(TenantModel):
    """A rep was found behind quota pace in a given week of the period: one coaching note per week."""

    quota = models.ForeignKey(Quota, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="Monday of the week")
    won = models.DecimalField(max_digits=14, decimal_places=2)
    pace = models.DecimalField(max_digits=14, decimal_places=2)
    alerted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quota", "week"], name="quotaalert_once_per_week")]
