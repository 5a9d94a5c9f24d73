"""Who hears about what: notifications made by event handlers, once per event."""

from dashboards import handlers
from dashboards.models import Notification
from primesync import events, tenancy
from tests.factories import DealFactory, LeadFactory


def notes(ts, **filters):
    with tenancy.use_team(ts.team):
        return list(Notification.objects.filter(**filters).values_list("user__email", "kind", "title"))


def run(ts, handler, event_type, entity_id, payload, actor=None):
    with tenancy.use_team(ts.team):
        event = events.publish(event_type, team=ts.team, entity_type="x", entity_id=entity_id, payload=payload)
        event.context = {"user": actor.pk} if actor else None
        handler(event)
        handler(event)  # a redelivery notifies nobody twice


def test_a_new_owner_hears_of_their_lead_unless_they_took_it(acme):
    lead = LeadFactory(team=acme.team, first_name="Jo", last_name="Lee")
    run(acme, handlers.notify_new_owner, events.LEAD_ASSIGNED, lead.pk, {"to_owner_id": acme.rep.pk},
        actor=acme.manager)
    assert notes(acme) == [(acme.rep.email, "lead_assigned", "New lead: Jo Lee")]
    run(acme, handlers.notify_new_owner, events.LEAD_ASSIGNED, lead.pk, {"to_owner_id": acme.manager.pk},
        actor=acme.manager)
    assert len(notes(acme)) == 1


def test_managers_hear_of_an_sla_breach(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    run(acme, handlers.notify_sla_breach, events.SLA_BREACHED, lead.pk, {"action": "escalate"})
    assert [(email, kind) for email, kind, _ in notes(acme)] == [(acme.manager.email, "sla_breached")]


def test_the_owner_hears_of_an_email_open(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    run(acme, handlers.notify_email_opened, events.EMAIL_OPENED, lead.pk,
        {"sequence": "Welcome", "step": 2, "subject": "Quick question"})
    [(email, kind, title)] = notes(acme)
    assert (email, kind) == (acme.rep.email, "email_opened") and "opened your email" in title


def test_a_stale_deal_reaches_its_owner_and_the_managers(acme):
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Proposal"), owner=acme.rep)
    run(acme, handlers.notify_stale_deal, events.DEAL_STALE, deal.pk, {"days": 12})
    assert sorted(email for email, _, _ in notes(acme)) == sorted([acme.rep.email, acme.manager.email])


def test_quota_pace_alerts_the_rep_and_the_managers(acme):
    payload = {"user_id": acme.rep.pk, "won": "10000", "quota": "100000", "elapsed_pct": 50, "pace": "50000"}
    run(acme, handlers.notify_quota_pace, events.QUOTA_ALERT, acme.rep.pk, payload)
    assert sorted(kind for _, kind, _ in notes(acme)) == ["quota_alert", "quota_alert"]


def test_notifications_stay_in_their_team(acme, globex):
    lead = LeadFactory(team=acme.team)
    run(acme, handlers.notify_new_owner, events.LEAD_ASSIGNED, lead.pk, {"to_owner_id": acme.rep.pk})
    assert notes(globex) == []
