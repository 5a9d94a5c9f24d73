"""Speed-to-lead: the clock, the touch, the breach and what it does."""

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from leads import handlers, sla
from leads.models import AssignmentMember, AssignmentRule, LeadSettings, LeadSla
from primesync import events, tenancy
from primesync.models import OutboxEvent
from tests.factories import ActivityFactory, LeadFactory


def test_the_clock_runs_in_working_hours(acme):
    with tenancy.use_team(acme.team):
        LeadSettings.objects.create(team=acme.team, sla_minutes=15, work_start=time(9), work_end=time(17))
    lead = LeadFactory(team=acme.team, created_at=datetime(2026, 11, 24, 16, 50, tzinfo=UTC))  # a Tuesday, team in UTC
    with tenancy.use_team(acme.team):
        clock = sla.sla_start(lead=lead)
    assert clock.due_at == datetime(2026, 11, 25, 9, 5, tzinfo=UTC)


def test_the_first_activity_stops_the_clock_and_records_the_response_time(acme):
    lead = LeadFactory(team=acme.team, created_at=timezone.now() - timedelta(minutes=7))
    with tenancy.use_team(acme.team):
        sla.sla_start(lead=lead)
        first = ActivityFactory(team=acme.team, lead=lead, created_by=acme.rep)
        assert sla.sla_touch(lead_id=lead.pk, at=first.occurred_at)
        assert not sla.sla_touch(lead_id=lead.pk, at=first.occurred_at + timedelta(hours=1))  # only the first counts
        clock = LeadSla.objects.get(lead=lead)
    assert 7 * 60 - 5 <= clock.response_seconds <= 7 * 60 + 5


def test_a_breach_is_published_once(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    with tenancy.use_team(acme.team):
        LeadSla.objects.create(team=acme.team, lead=lead, started_at=timezone.now() - timedelta(hours=1),
                               due_at=timezone.now() - timedelta(minutes=1))
        assert sla.sla_breaches_publish(team_id=acme.team.pk) == 1
        assert sla.sla_breaches_publish(team_id=acme.team.pk) == 0
        [event] = OutboxEvent.objects.filter(type=events.SLA_BREACHED)
    assert event.entity_id == lead.pk and event.payload["owner_id"] == acme.rep.pk
    assert event.payload["action"] == "escalate"


def test_a_touched_lead_never_breaches(acme):
    lead = LeadFactory(team=acme.team)
    with tenancy.use_team(acme.team):
        LeadSla.objects.create(team=acme.team, lead=lead, started_at=timezone.now() - timedelta(hours=1),
                               due_at=timezone.now() - timedelta(minutes=1), first_touch_at=timezone.now())
        assert sla.sla_breaches_publish(team_id=acme.team.pk) == 0


def test_a_breach_reassigns_when_the_team_says_so(acme):
    with tenancy.use_team(acme.team):
        rule = AssignmentRule.objects.create(team=acme.team, name="Pool")
        for user in (acme.rep, acme.manager):
            AssignmentMember.objects.create(team=acme.team, rule=rule, user=user)
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    with tenancy.use_team(acme.team):
        event = events.publish(events.SLA_BREACHED, team=acme.team, entity_type="lead", entity_id=lead.pk,
                               payload={"owner_id": acme.rep.pk, "action": "reassign"})
        handlers.act_on_sla_breach(event)
        lead.refresh_from_db()
        decision = lead.assignment_decisions.get()
    assert lead.owner == acme.manager
    assert decision.reason.startswith(f"SLA breached by {acme.rep.display_name}. Assigned to")
