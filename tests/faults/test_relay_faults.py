"""Fault tests: a relay killed mid-stream loses nothing and a worker killed mid-task finishes the task once."""

import os
import signal
import time

import psutil
import pytest
from django.core.cache import cache

from leads.models import Activity, EnrichmentRequest, LeadSla
from primesync import events, tenancy
from primesync.models import OutboxEvent, ProcessedEvent
from tests.conftest import make_team
from tests.factories import LeadFactory
from tests.faults.fault_handlers import SLOW_EVENT
from tests.faults.processes import start_relay, start_worker, stop
from tests.workers import RelayThread, wait_until

pytestmark = pytest.mark.slow


def undelivered() -> int:
    with tenancy.bypass(reason="fault test: count undelivered"):
        return OutboxEvent.objects.filter(delivered_at__isnull=True).count()


def test_a_relay_killed_mid_stream_loses_nothing_and_no_handler_runs_twice(committed):
    acme = make_team("acme")
    relay = start_relay()
    worker = start_worker()
    try:
        leads = []
        for round_ in range(4):
            leads += [LeadFactory(team=acme.team, owner=acme.rep) for _ in range(50)]
            time.sleep(0.3)
            relay.send_signal(signal.SIGKILL)  # mid-stream: some of this round claimed, some not
            relay.wait(10)
            relay = start_relay()
        wait_until(lambda: undelivered() == 0, timeout=60, message="the restarted relay to deliver everything")

        def all_handled():
            with tenancy.use_team(acme.team):
                return ProcessedEvent.objects.filter(handler="leads.handlers.start_sla_clock").count() == 200
        wait_until(all_handled, timeout=90, message="every LEAD_CREATED handled")
    finally:
        stop(relay)
        stop(worker)
    with tenancy.use_team(acme.team):
        lead_ids = [lead.pk for lead in leads]
        assert LeadSla.objects.filter(lead_id__in=lead_ids).count() == 200
        assert EnrichmentRequest.objects.filter(lead_id__in=lead_ids, reason="created").count() == 200
        created = OutboxEvent.objects.filter(type=events.LEAD_CREATED)
        assert created.count() == 200 and not created.filter(delivered_at__isnull=True).exists()
        per_handler = ProcessedEvent.objects.values_list("event_id", "handler")
        assert len(per_handler) == len(set(per_handler))


def test_a_worker_killed_mid_task_finishes_it_once(committed):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    worker = start_worker("--include", "tests.faults.fault_handlers")
    relay = RelayThread(sweep_interval=0.2).start()
    try:
        time.sleep(2)  # the worker connects to the broker
        with tenancy.use_team(acme.team):
            event = events.publish(SLOW_EVENT, team=acme.team, entity_type="lead", entity_id=lead.pk,
                                   payload={"seconds": 4})
        wait_until(lambda: cache.get(f"slow-started:{event.id}"), timeout=30, message="the slow task to start")
        children = psutil.Process(worker.pid).children()
        assert children, "the prefork pool has a child process"
        for child in children:
            os.kill(child.pid, signal.SIGKILL)  # the pool process dies in the middle of the task

        def noted():
            with tenancy.use_team(acme.team):
                return Activity.objects.filter(lead=lead, subject=f"processed event {event.id}").count()
        wait_until(noted, timeout=60, message="the task to run again to completion")
        time.sleep(1)
        assert noted() == 1
    finally:
        relay.stop()
        stop(worker)
    with tenancy.use_team(acme.team):
        assert ProcessedEvent.objects.filter(event_id=event.id, handler="tests.slow_note").count() == 1
