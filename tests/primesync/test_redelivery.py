"""Handler runs the broker lost are queued again: those owed by delivered events, once per pass."""

import uuid
from datetime import timedelta

import psycopg
import pytest
import redis
from django.conf import settings
from django.utils import timezone

from primesync import events, redelivery, tenancy
from primesync.models import HandlerFailure, OutboxEvent, ProcessedEvent
from primesync.relay import app_conninfo
from tests.conftest import make_team
from tests.factories import LeadFactory
from tests.workers import run_async


def delivered_lead_created(team, *, ago: timedelta) -> OutboxEvent:
    lead = LeadFactory(team=team)
    with tenancy.bypass(reason="test: deliver the event"):
        event = OutboxEvent.objects.get(type=events.LEAD_CREATED, entity_id=lead.pk)
        OutboxEvent.objects.filter(team=team).update(delivered_at=timezone.now() - ago)
    return event


def redeliver(lost_at, *, fail: bool = False) -> list[redelivery.OwedRun]:
    """One pass of the sweep after a loss at ``lost_at``: the runs it hands to the broker."""
    queued: list[redelivery.OwedRun] = []

    async def enqueue(runs):
        if fail:
            raise ConnectionError("broker down")
        queued.extend(redelivery.wanted(runs))
        return len(queued)

    async def main():
        async with await psycopg.AsyncConnection.connect(app_conninfo()) as conn:
            return await redelivery.redeliver(conn, lost_at=lost_at, enqueue=enqueue)

    done = run_async(main())
    assert done.queued == len(queued)
    return queued


def delivered_at(event: OutboxEvent):
    with tenancy.bypass(reason="test: read delivered_at"):
        return OutboxEvent.objects.get(pk=event.pk).delivered_at


def test_it_queues_again_every_run_owed_by_an_event_delivered_before_the_loss(committed):
    acme = make_team("acme")
    event = delivered_lead_created(acme.team, ago=timedelta(minutes=5))

    runs = redeliver(timezone.now())

    wanted = {h.name for h in events.handlers_for(events.LEAD_CREATED) if h.wanted is None}
    assert {r.handler for r in runs if r.event_id == event.pk} == wanted  # no webhook endpoint: no fan-out
    assert all(r.team_id == acme.team.pk for r in runs)
    assert delivered_at(event) > timezone.now() - timedelta(seconds=30)  # stamped again: not picked twice
    assert redeliver(timezone.now() - timedelta(seconds=30)) == []


def test_a_pass_takes_whole_events_so_the_runs_past_its_limit_are_not_lost(committed, monkeypatch):
    """A pass marks the events it looked at; had its limit cut one event's runs in two, the next pass would
    skip that event and its other runs would never be queued again (seen in the Redis outage test)."""
    acme = make_team("acme")
    events_ = [delivered_lead_created(acme.team, ago=timedelta(minutes=5)) for _ in range(3)]
    assert len(events.handlers_for(events.LEAD_CREATED)) > 2
    monkeypatch.setattr(redelivery, "BATCH", 2)  # events a pass takes: fewer than all the runs of one
    lost_at = timezone.now()

    first = redeliver(lost_at)
    queued = first + redeliver(lost_at) + redeliver(lost_at)

    wanted = {h.name for h in events.handlers_for(events.LEAD_CREATED) if h.wanted is None}
    assert {r.event_id for r in first} == {e.pk for e in events_[:2]}
    for event in events_:
        assert {r.handler for r in queued if r.event_id == event.pk} == wanted
    assert redeliver(lost_at) == []


def test_it_skips_runs_done_or_given_up(committed):
    acme = make_team("acme")
    event = delivered_lead_created(acme.team, ago=timedelta(minutes=5))
    with tenancy.use_team(acme.team):
        ProcessedEvent.objects.create(team=acme.team, event_id=event.pk, handler="leads.handlers.start_sla_clock")
        HandlerFailure.objects.create(team=acme.team, event_id=event.pk, handler="leads.handlers.assign_new_lead",
                                      error="gave up")

    handlers = {r.handler for r in redeliver(timezone.now()) if r.event_id == event.pk}

    assert "leads.handlers.start_sla_clock" not in handlers and "leads.handlers.assign_new_lead" not in handlers
    assert "leads.handlers.request_enrichment" in handlers


def test_it_leaves_events_delivered_after_the_loss_alone(committed):
    acme = make_team("acme")
    delivered_lead_created(acme.team, ago=timedelta(seconds=0))

    assert redeliver(timezone.now() - timedelta(minutes=1)) == []


def test_it_leaves_events_older_than_what_a_broker_holds_alone(committed):
    acme = make_team("acme")
    delivered_lead_created(acme.team, ago=redelivery.LOOKBACK + timedelta(minutes=5))

    assert redeliver(timezone.now()) == []


def test_undelivered_events_are_the_relays_sweep_not_redelivered(committed):
    acme = make_team("acme")
    LeadFactory(team=acme.team)

    assert redeliver(timezone.now()) == []


def test_a_broker_still_down_marks_nothing(committed):
    acme = make_team("acme")
    event = delivered_lead_created(acme.team, ago=timedelta(minutes=5))
    before = delivered_at(event)

    with pytest.raises(ConnectionError):
        redeliver(timezone.now(), fail=True)

    assert delivered_at(event) == before
    assert redeliver(timezone.now())  # the next pass queues them


def test_the_epoch_notices_that_the_broker_lost_its_data():
    key = f"{settings.REDIS_KEY_PREFIX}:test-epoch:{uuid.uuid4().hex}"
    epoch = redelivery.BrokerEpoch(settings.REDIS_URL, key)
    client = redis.Redis.from_url(settings.REDIS_URL)

    async def looks(*, flush_between: bool) -> list[bool]:
        first = await epoch.lost_since_last_look()
        second = await epoch.lost_since_last_look()
        if flush_between:
            client.delete(key)  # what a restart without persistence does to it
        third = await epoch.lost_since_last_look()
        fourth = await epoch.lost_since_last_look()
        await epoch.close()
        return [first, second, third, fourth]

    try:
        assert run_async(looks(flush_between=True)) == [False, False, True, False]
    finally:
        client.delete(key)
        client.close()
