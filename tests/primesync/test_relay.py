"""The relay: committed events reach open pages and workflows, by NOTIFY or by the sweep."""

import time

import pytest
from channels.layers import get_channel_layer
from django.db import connections

from deals.models import Deal
from leads.models import AssignmentMember, AssignmentRule, EnrichmentRequest, Lead, LeadSla
from primesync import events, tenancy
from primesync.models import OutboxEvent, ProcessedEvent
from primesync.relay import Relay, app_conninfo
from tests.conftest import make_team
from tests.factories import DealFactory
from tests.workers import BroadcastListener, RelayThread, run_async, wait_until


def undelivered() -> int:
    with tenancy.bypass(reason="test: count undelivered events"):
        return OutboxEvent.objects.filter(delivered_at__isnull=True).count()


def test_a_stage_change_reaches_the_teams_boards_as_rendered_html(relay):
    acme = make_team("acme")
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Prospecting"), owner=acme.rep,
                       name="Initech - Pilot")
    wait_until(lambda: undelivered() == 0, message="the creation event to be delivered")
    listener = BroadcastListener(f"broadcast:deals.team.{acme.team.pk}")
    with tenancy.use_team(acme.team):
        Deal.objects.filter(pk=deal.pk).update(stage=acme.stage("Proposal"))
    message = listener.receive()
    listener.stop()
    assert message["type"] == "board.update" and message["deal_id"] == deal.pk
    assert f'id="deal-card-{deal.pk}"' in message["card_editable"] and "Initech - Pilot" in message["card_readonly"]
    assert 'draggable="true"' in message["card_editable"] and 'draggable="true"' not in message["card_readonly"]
    assert f'id="stage-head-{acme.stage("Proposal").pk}"' in message["heads"]


def test_the_notify_wakes_the_relay_at_once(committed):
    thread = RelayThread(sweep_interval=30).start()  # the sweep alone would take 30 s
    try:
        time.sleep(0.5)  # let it LISTEN
        acme = make_team("acme")
        started = time.monotonic()
        DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Won"), owner=acme.rep)
        wait_until(lambda: undelivered() == 0, timeout=5, message="delivery by NOTIFY")
        assert time.monotonic() - started < 5
    finally:
        thread.stop()


def test_a_missed_notify_is_caught_by_the_sweep(committed):
    acme = make_team("acme")
    thread = RelayThread(sweep_interval=0.3).start()
    owner = connections["owner"]
    notify = OutboxEvent._meta.triggers[0].get_pgid(OutboxEvent)
    try:
        wait_until(lambda: undelivered() == 0, message="the set-up events")
        with owner.cursor() as cur:
            cur.execute(f"ALTER TABLE primesync_outboxevent DISABLE TRIGGER {notify}")
        with tenancy.use_team(acme.team):
            events.publish(events.DEAL_STALE, team=acme.team, entity_type="deal", entity_id=1)
        wait_until(lambda: undelivered() == 0, timeout=5, message="delivery by the sweep")
    finally:
        with owner.cursor() as cur:
            cur.execute(f"ALTER TABLE primesync_outboxevent ENABLE TRIGGER {notify}")
        thread.stop()


def test_two_relays_deliver_every_event_once(committed):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        for i in range(300):
            events.publish(events.DEAL_STALE, team=acme.team, entity_type="deal", entity_id=i)
    first, second = RelayThread(sweep_interval=0.1).start(), RelayThread(sweep_interval=0.1).start()
    try:
        wait_until(lambda: undelivered() == 0, timeout=20, message="both relays to drain the outbox")
    finally:
        first.stop()
        second.stop()
    with tenancy.use_team(acme.team):
        assert set(OutboxEvent.objects.values_list("attempts", flat=True)) == {1}  # nobody delivered a row twice
    assert first.relay.stats.delivered + second.relay.stats.delivered >= 300


def test_a_new_lead_runs_its_workflows_in_a_real_worker(relay, celery_worker_thread, simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        rule = AssignmentRule.objects.create(team=acme.team, name="Everyone")
        AssignmentMember.objects.create(team=acme.team, rule=rule, user=acme.rep)
        lead = Lead.objects.create(team=acme.team, first_name="Fresh", email="fresh@lead.example")

    def done():
        with tenancy.use_team(acme.team):
            return Lead.objects.get(pk=lead.pk).owner_id == acme.rep.pk and LeadSla.objects.filter(lead=lead).exists() \
                and EnrichmentRequest.objects.filter(lead=lead, reason="created").exists()

    wait_until(done, timeout=20, message="assignment, SLA clock and enrichment request")
    with tenancy.use_team(acme.team):
        decision = lead.assignment_decisions.get()
        assert decision.reason.startswith(f"Assigned to {acme.rep.display_name}: rule Everyone (any lead), 0/50 open")
        handlers = set(ProcessedEvent.objects.values_list("handler", flat=True))
    assert {"leads.handlers.assign_new_lead", "leads.handlers.start_sla_clock",
            "leads.handlers.request_enrichment"} <= handlers


@pytest.mark.parametrize("count", [50])
def test_a_failed_delivery_leaves_events_queued_and_says_why(committed, count):
    """With the channel layer failing, nothing is marked delivered; the next healthy sweep delivers all."""
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        for i in range(count):
            events.publish(events.DEAL_STALE, team=acme.team, entity_type="deal", entity_id=i)
    relay = Relay(batch_size=20)

    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    async def attempt(layer):
        import psycopg

        relay.channel_layer = layer
        async with await psycopg.AsyncConnection.connect(app_conninfo()) as conn:
            return await relay.drain(conn)

    events.live_renderer(events.DEAL_STALE)(_stale_renderer)
    with pytest.raises(ConnectionError):
        run_async(attempt(BrokenLayer()))
    assert undelivered() == count and "redis is down" in relay.stats.last_error
    assert run_async(attempt(get_channel_layer())) == count
    assert undelivered() == 0


def _stale_renderer(event):
    return [(f"test.{event.team_id}", {"type": "test.message"})]
