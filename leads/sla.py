"""Speed-to-lead: a new lead must be touched (an activity logged) within the team's SLA, in working hours."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from leads.assignment import lead_settings
from leads.models import Lead, LeadSla
from leads.working_hours import Hours, add_working_minutes
from primesync import events


def sla_start(*, lead: Lead) -> LeadSla:
    policy = lead_settings(lead.team_id)
    hours = Hours(policy.work_start, policy.work_end, policy.work_days, lead.team.time_zone)
    due = add_working_minutes(lead.created_at, policy.sla_minutes, hours)
    sla, _ = LeadSla.objects.get_or_create(
        lead=lead, defaults={"team_id": lead.team_id, "started_at": lead.created_at, "due_at": due}
    )
    return sla


def sla_touch(*, lead_id: int, at) -> bool:
    """The lead's first activity stops its clock and records the response time (once)."""
    sla = LeadSla.objects.filter(lead_id=lead_id, first_touch_at__isnull=True).first()
    if sla is None:
        return False
    sla.first_touch_at = at
    sla.response_seconds = max(0, int((at - sla.started_at).total_seconds()))
    sla.save(update_fields=["first_touch_at", "response_seconds"])
    return True


def sla_breaches_publish(*, team_id: int, now=None) -> int:
    """Mark overdue untouched leads as breached (once each) and publish SLA_BREACHED for them."""
    now = now or timezone.now()
    policy = lead_settings(team_id)
    with transaction.atomic():
        overdue = list(
            LeadSla.objects.select_for_update(skip_locked=True)
            .filter(team_id=team_id, first_touch_at__isnull=True, breached_at__isnull=True, due_at__lte=now)
            .select_related("lead")[:500]
        )
        for sla in overdue:
            sla.breached_at = now
            sla.save(update_fields=["breached_at"])
            events.publish(
                events.SLA_BREACHED, team=team_id, entity_type="lead", entity_id=sla.lead_id,
                payload={"owner_id": sla.lead.owner_id, "due_at": sla.due_at.isoformat(), "action": policy.sla_action},
            )
    return len(overdue)
