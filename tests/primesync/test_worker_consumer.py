"""The worker outlives a broker that goes away while it holds late-acknowledged tasks (primesync/worker_consumer.py)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from primesync import events, tenancy
from primesync.models import OutboxEvent, ProcessedEvent
from tests.conftest import make_team
from tests.factories import LeadFactory
from tests.faults.processes import RedisServer, queue_handler_runs, start_worker, stop
from tests.workers import wait_until

pytestmark = pytest.mark.slow

HANDLER = "leads.handlers.start_sla_clock"


def done(event_ids: list[int]) -> int:
    with tenancy.bypass(reason="test: count handled runs"):
        return ProcessedEvent.objects.filter(handler=HANDLER, event_id__in=event_ids).count()


def blocked_on_the_lock(db: psycopg.Connection) -> int:
    with db.cursor() as cur:  # the lock holder's own connection sees the others wait
        cur.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'primesync_processedevent'::regclass")
        return cur.fetchone()[0]


def test_the_worker_survives_the_broker_going_away_with_tasks_in_hand_and_takes_new_ones_after(committed):
    acme = make_team("acme")
    for _ in range(3):
        LeadFactory(team=acme.team, owner=acme.rep)  # no relay: their events wait for this test to queue them
    with tenancy.bypass(reason="test: the leads' events"):
        event_ids = list(OutboxEvent.objects.filter(type=events.LEAD_CREATED).order_by("id").values_list("id", flat=True))
    in_hand, after = event_ids[:2], event_ids[2]
    broker = RedisServer().start()
    log = Path(tempfile.mkdtemp(prefix="primesync-consumer-")) / "worker.log"
    # A free pool process keeps the consumer waiting on Redis for more (BRPOP) while two tasks are in hand:
    # the loss then surfaces mid-wait, which is the path where Celery 5.7 stopped the worker.
    worker = start_worker("--loglevel", "INFO", concurrency=3, env={"REDIS_URL": broker.url}, log_path=str(log))
    locker = psycopg.connect(**connection.get_connection_params())
    try:
        # Hold the runs' claim table: the worker takes both tasks and they wait, unacknowledged, in its pool.
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE primesync_processedevent IN SHARE MODE")
        queue_handler_runs(broker.url, [(event_id, acme.team.pk, HANDLER) for event_id in in_hand])
        wait_until(lambda: blocked_on_the_lock(locker) == 2, timeout=60, message="both tasks running, blocked")

        broker.stop()  # the broker dies with the worker's connection and its two unacknowledged deliveries
        wait_until(lambda: "Connection to broker lost" in log.read_text(), timeout=30, message="the worker to notice")
        time.sleep(1.0)  # the consumer's clean-up after the loss is where Celery 5.7 stopped the worker
        locker.execute("ROLLBACK")  # the tasks in hand finish; their acknowledgement is lost with the connection
        broker.start()  # empty, as a crashed Redis comes back

        wait_until(lambda: done(in_hand) == 2, timeout=30, message="the tasks in hand to finish")
        queue_handler_runs(broker.url, [(after, acme.team.pk, HANDLER)])
        wait_until(lambda: done([after]) == 1, timeout=60, message="the worker to reconnect and take a new task")
        alive = worker.poll() is None
    finally:
        locker.close()
        stop(worker)
        broker.stop()
    output = log.read_text()

    assert alive
    assert "Unrecoverable error" not in output, output[-3000:]
    assert "2 unacknowledged task(s) wait for the visibility timeout" in output
    assert output.count("not acknowledged: its broker connection was lost") == 2
