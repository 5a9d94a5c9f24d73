"""The outbox: every data change writes its event in the same transaction, however it was made."""

import pytest
from django.db import connection, transaction

from deals.models import Deal
from leads.models import Lead
from primesync import audit, events, tenancy
from primesync.models import OutboxEvent
from tests.factories import DealFactory, LeadFactory


def outbox(team, **filters):
    with tenancy.use_team(team):
        return list(OutboxEvent.objects.filter(**filters).order_by("id"))


def test_creating_a_lead_writes_lead_created_with_its_context(acme):
    with tenancy.use_team(acme.team):
        audit.set_context(source="web", user_id=acme.rep.pk, correlation_id="req-7")
        lead = Lead.objects.create(team=acme.team, first_name="Ada", owner=acme.rep, source="web")
    [event] = outbox(acme.team, type=events.LEAD_CREATED, entity_id=lead.pk)
    assert (event.entity_type, event.payload["owner_id"], event.payload["source"]) == ("lead", acme.rep.pk, "web")
    assert (event.correlation_id, event.actor_id, event.delivered_at) == ("req-7", acme.rep.pk, None)


def test_a_bulk_update_writes_one_stage_change_per_deal_with_from_and_to(acme):
    deals = [DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Prospecting"), owner=acme.rep)
             for _ in range(3)]
    proposal = acme.stage("Proposal")
    with tenancy.use_team(acme.team):
        Deal.objects.filter(pk__in=[d.pk for d in deals]).update(stage=proposal)
    changes = outbox(acme.team, type=events.DEAL_STAGE_CHANGED)
    assert sorted(e.entity_id for e in changes) == sorted(d.pk for d in deals)
    assert {(e.payload["from_stage_id"], e.payload["to_stage_id"]) for e in changes} == {
        (acme.stage("Prospecting").pk, proposal.pk)
    }


def test_raw_sql_writes_events_too(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    with tenancy.use_team(acme.team), connection.cursor() as cur:
        cur.execute("UPDATE leads_lead SET owner_id = %s WHERE id = %s", [acme.manager.pk, lead.pk])
    [event] = outbox(acme.team, type=events.LEAD_ASSIGNED)
    assert event.payload == {"from_owner_id": acme.rep.pk, "to_owner_id": acme.manager.pk}
    assert event.context is None  # made outside the app


def test_a_rolled_back_change_leaves_no_event(acme):
    with pytest.raises(RuntimeError), tenancy.use_team(acme.team), transaction.atomic():
        Lead.objects.create(team=acme.team, first_name="Ghost")
        events.publish(events.EMAIL_OPENED, team=acme.team, entity_type="lead", entity_id=1)
        raise RuntimeError("rollback")
    assert outbox(acme.team) == []


def test_deal_updated_only_for_visible_changes(acme):
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Prospecting"), owner=acme.rep)
    with tenancy.use_team(acme.team):
        deal.save()  # only updated_at changes
        Deal.objects.filter(pk=deal.pk).update(amount=99)
    assert [e.type for e in outbox(acme.team, entity_id=deal.pk)] == [events.DEAL_CREATED, events.DEAL_UPDATED]


def test_publish_writes_in_the_callers_transaction_with_its_context(acme):
    with tenancy.use_team(acme.team):
        audit.set_context(source="worker", correlation_id="corr-1")
        events.publish(events.DEAL_STALE, team=acme.team, entity_type="deal", entity_id=5, payload={"days": 9})
    [event] = outbox(acme.team, type=events.DEAL_STALE)
    assert (event.payload, event.correlation_id) == ({"days": 9}, "corr-1")


def test_events_are_team_scoped(acme, globex):
    LeadFactory(team=globex.team)
    assert outbox(acme.team) == []
    assert len(outbox(globex.team, type=events.LEAD_CREATED)) == 1
