"""Notifications (what the system tells a person), and what the dashboards read: per-stage totals and stage
changes kept by the deal table's triggers, and metric snapshots computed in the background."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from deals.models import Deal
from leads.models import LeadSla
from primesync import events
from primesync.models import TenantModel


class Notification(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=300, blank=True)
    event_id = models.BigIntegerField(null=True, blank=True, help_text="The event that caused it")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # one notification per person per event: a handler run twice does not notify twice
            models.UniqueConstraint(fields=["user", "event_id", "kind"], condition=Q(event_id__isnull=False),
                                    name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["team", "user", "id"], name="notification_team_user"),
            models.Index(fields=["team", "user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]
        triggers = [
            events.outbox_trigger(
                "outbox_notification", operation=pgtrigger.Insert, event_type=events.NOTIFICATION_CREATED,
                entity_type="notification", payload="jsonb_build_object('user_id', n.user_id, 'kind', n.kind)",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- pipeline metrics --------------------------------------------------------------------------
# The deal table's triggers keep these in the same transaction as the deal change, so a total read
# at any moment equals a direct count over the deals (tests/dashboards/test_consistency.py).

DEAL_TOTALS_SQL = """
INSERT INTO dashboards_dealstagetotal (team_id, pipeline_id, stage_id, owner_id, deals, amount)
SELECT team_id, pipeline_id, stage_id, owner_id, sum(n), sum(amount) FROM ({rows}) AS changes
GROUP BY team_id, pipeline_id, stage_id, owner_id
HAVING sum(n) <> 0 OR sum(amount) <> 0
ORDER BY team_id, stage_id, owner_id NULLS FIRST
ON CONFLICT (team_id, stage_id, owner_id) DO UPDATE
SET deals = dashboards_dealstagetotal.deals + excluded.deals,
    amount = dashboards_dealstagetotal.amount + excluded.amount;
"""
_PLUS = "SELECT team_id, pipeline_id, stage_id, owner_id, 1 AS n, amount FROM {table}"
_MINUS = "SELECT team_id, pipeline_id, stage_id, owner_id, -1 AS n, -amount AS amount FROM {table}"
_MOVED = ("SELECT o.id FROM old_values o JOIN new_values n ON o.id = n.id WHERE (o.stage_id, o.pipeline_id, "
          "o.owner_id, o.amount) IS DISTINCT FROM (n.stage_id, n.pipeline_id, n.owner_id, n.amount)")

# Every entry of a deal into a stage (its creation included), with how long it sat in the one it left.
STAGE_CHANGES_SQL = """
INSERT INTO dashboards_dealstagechange (team_id, deal_id, pipeline_id, from_stage_id, to_stage_id, owner_id,
                                        amount, changed_at, seconds_in_from_stage)
SELECT n.team_id, n.id, n.pipeline_id, {from_stage}, n.stage_id, n.owner_id, n.amount, {changed_at}, {seconds}
FROM {source};
"""


_ENTERED = "CASE WHEN n.stage_entered_at > o.stage_entered_at THEN n.stage_entered_at ELSE clock_timestamp() END"


def _trigger(name: str, operation, sql: str, referencing) -> pgtrigger.Trigger:
    return pgtrigger.Trigger(name=name, level=pgtrigger.Statement, when=pgtrigger.After, operation=operation,
                             referencing=referencing, func=pgtrigger.Func(sql + " RETURN NULL;"))


class DealStageTotal(TenantModel):
    """Deals and their amount per stage and owner: what the active-deals metric and the board totals read."""

    pipeline = models.ForeignKey("deals.Pipeline", on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey("deals.Stage", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+",
                              db_constraint=False)  # a deal's owner may be deleted; its total stays until moved
    deals = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "stage", "owner"], nulls_distinct=False,
                                               name="dealstagetotal_team_stage_owner")]


class DealStageChange(TenantModel):
    """A deal entered a stage (appended by trigger): conversion and velocity are computed from these."""

    # Appended on every deal insert and move: only the indexes the metrics read (Meta), none per column
    # (deleting a stage or a user, rare, may scan).
    deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    pipeline = models.ForeignKey("deals.Pipeline", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                 db_index=False)
    from_stage = models.ForeignKey("deals.Stage", null=True, on_delete=models.CASCADE, related_name="+",
                                   db_constraint=False, db_index=False)
    to_stage = models.ForeignKey("deals.Stage", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                 db_index=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+",
                              db_constraint=False, db_index=False)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    changed_at = models.DateTimeField()
    seconds_in_from_stage = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            # a period's entries: the creations (conversion's cohort) and the moves (velocity), from the index alone
            models.Index(fields=["team", "changed_at"],
                         include=["from_stage", "seconds_in_from_stage", "owner", "deal", "pipeline"],
                         name="dealstagechange_period"),
            # a deal's path: the stages it reached (conversion), from the index alone
            models.Index(fields=["team", "deal", "changed_at"], include=["to_stage"], name="dealstagechange_path"),
        ]


class DealMetricsWatch(Deal):
    """The deal table as the dashboards see it: a proxy, so its triggers live in this app's migrations and the
    deals app knows nothing of metrics."""

    class Meta:
        proxy = True
        triggers = [
            _trigger("dash_totals_insert", pgtrigger.Insert,
                     DEAL_TOTALS_SQL.format(rows=_PLUS.format(table="new_values")),
                     pgtrigger.Referencing(new="new_values")),
            _trigger("dash_totals_delete", pgtrigger.Delete,
                     DEAL_TOTALS_SQL.format(rows=_MINUS.format(table="old_values")),
                     pgtrigger.Referencing(old="old_values")),
            _trigger("dash_totals_update", pgtrigger.Update, DEAL_TOTALS_SQL.format(
                rows=f"{_MINUS.format(table='old_values')} WHERE id IN ({_MOVED}) UNION ALL "
                     f"{_PLUS.format(table='new_values')} WHERE id IN ({_MOVED})"),
                     pgtrigger.Referencing(old="old_values", new="new_values")),
            _trigger("dash_stage_entered", pgtrigger.Insert, STAGE_CHANGES_SQL.format(
                from_stage="NULL::bigint", changed_at="n.stage_entered_at", seconds="NULL::bigint",
                source="new_values n"),
                     pgtrigger.Referencing(new="new_values")),
            _trigger("dash_stage_changed", pgtrigger.Update, STAGE_CHANGES_SQL.format(
                # a move made without the service (raw SQL, admin) may leave stage_entered_at as it was
                from_stage="o.stage_id", changed_at=_ENTERED,
                seconds=f"greatest(0, extract(epoch FROM {_ENTERED} - o.stage_entered_at))::bigint",
                source="old_values o JOIN new_values n ON o.id = n.id WHERE o.stage_id IS DISTINCT FROM n.stage_id"),
                     pgtrigger.Referencing(old="old_values", new="new_values")),
        ]


class MetricSnapshot(TenantModel):
    """A metric computed in the background (velocity hourly, the forecast daily), for the team (owner null) or
    one rep. The forecast keeps one row a day: its trend is these rows."""

    metric = models.CharField(max_length=40)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    period = models.CharField(max_length=40, help_text="The period the value is about, e.g. 2026-Q4")
    value = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "metric", "owner", "day", "period"],
                                               nulls_distinct=False, name="metricsnapshot_unique")]
        indexes = [models.Index(fields=["team", "metric", "day"], name="metricsnapshot_team_metric_day")]


class LeadSlaWatch(LeadSla):
    """The speed-to-lead clocks as the dashboards see them: a clock started, touched or breached emits
    LEAD_SLA_CHANGED, the one signal the response-time metric needs (a proxy: the trigger lives here)."""

    class Meta:
        proxy = True
        triggers = [
            events.outbox_trigger(
                "outbox_sla_started", operation=pgtrigger.Insert, event_type=events.LEAD_SLA_CHANGED,
                entity_type="lead_sla", payload="jsonb_build_object('lead_id', n.lead_id)",
            ),
            events.outbox_trigger(
                "outbox_sla_changed", operation=pgtrigger.Update, event_type=events.LEAD_SLA_CHANGED,
                entity_type="lead_sla", payload="jsonb_build_object('lead_id', n.lead_id)",
                where="(o.first_touch_at, o.breached_at, o.started_at) IS DISTINCT FROM "
                      "(n.first_touch_at, n.breached_at, n.started_at)",
            ),
        ]
