"""Fault test: 200 workflow tasks while the Celery worker is killed with SIGKILL 25 times.

The tasks are the product's own: ``primesync.run_handler`` running the speed-to-lead clock of 200 new
leads (LEAD_CREATED → ``leads.handlers.start_sla_clock``), queued as the relay queues them. The worker
(prefork, as in the Procfile) is killed with its pool at random moments while it works, and started
again each time. Every task must be done once: the tasks are acknowledged late, a dead worker's tasks
come back to the queue after the visibility timeout, and the handler's claim makes a second run a no-op.
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from leads.models import LeadSla
from primesync import events, tenancy
from primesync.models import HandlerFailure, OutboxEvent, ProcessedEvent
from tests.conftest import make_team
from tests.factories import LeadFactory
from tests.faults.processes import RedisServer, kill_worker, queue_handler_runs, start_relay, start_worker, stop
from tests.workers import wait_until

pytestmark = pytest.mark.slow

TASKS, KILLS = 200, 25
HANDLER = "leads.handlers.start_sla_clock"
# Short, so that the tasks of a killed worker come back within the test (production: 600 s, see settings).
VISIBILITY_TIMEOUT = 3
RERUN_AFTER = 5  # seconds (production: 900, OUTBOX_RERUN_AFTER)


def done() -> int:
    with tenancy.bypass(reason="fault test: count handled tasks"):
        return ProcessedEvent.objects.filter(handler=HANDLER).count()


def enqueue(broker_url: str, runs: list[tuple[int, int]]) -> None:
    """Queue run_handler tasks on the test's own broker and mark their events delivered, as the relay does."""
    queue_handler_runs(broker_url, [(event_id, team_id, HANDLER) for event_id, team_id in runs])
    with tenancy.bypass(reason="fault test: events handed to the broker"):
        OutboxEvent.objects.filter(pk__in=[event_id for event_id, _ in runs]).update(delivered_at=timezone.now())


def only_the_clock_is_owed(runs: list[tuple[int, int]]) -> None:
    """The events' other handlers (assignment, enrichment...) are not this test's: recorded as done, so the
    relay's sweep for lost runs owes only the clock's."""
    others = [h.name for h in events.handlers_for(events.LEAD_CREATED) if h.name != HANDLER]
    with tenancy.bypass(reason="fault test: other handlers out of scope"):
        ProcessedEvent.objects.bulk_create([ProcessedEvent(team_id=team_id, event_id=event_id, handler=name)
                                            for event_id, team_id in runs for name in others])


def test_two_hundred_tasks_survive_twenty_five_worker_kills_and_none_runs_twice(committed):
    began = time.monotonic()
    acme = make_team("acme")
    leads = [LeadFactory(team=acme.team, owner=acme.rep) for _ in range(TASKS)]  # no relay: nothing runs yet
    with tenancy.bypass(reason="fault test: the leads' events"):
        runs = list(OutboxEvent.objects.filter(type=events.LEAD_CREATED).order_by("id").values_list("id", "team_id"))
    assert len(runs) == TASKS
    broker = RedisServer().start()  # its own: no other test's worker takes these tasks
    env = {"REDIS_URL": broker.url, "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
           "CELERY_UNACKED_RESTORE_INTERVAL": "1"}
    unacked = f"{settings.REDIS_KEY_PREFIX}:unacked"  # kombu's hash of the tasks workers hold, not yet acknowledged
    client = redis.Redis.from_url(broker.url)
    log = Path(tempfile.mkdtemp(prefix="primesync-kills-")) / "worker.log"
    rng = random.Random(25)
    relay_log = log.with_name("relay.log")
    in_hand_at_kill = []
    worker = relay = None
    try:
        per_round = -(-TASKS // KILLS)
        for kill in range(KILLS):
            enqueue(broker.url, runs[kill * per_round:(kill + 1) * per_round])
            before = done()
            worker = start_worker("--loglevel", "INFO", env=env, log_path=str(log))
            # a random moment once it works: mid-task or between two (a few kills land while it starts)
            wait_until(lambda: done() > before or done() == TASKS, timeout=30, interval=0.02,
                       message="the restarted worker to take tasks")
            time.sleep(rng.uniform(0, 0.25))
            in_hand_at_kill.append(client.hlen(unacked))
            kill_worker(worker)
        worker = start_worker("--loglevel", "INFO", env=env, log_path=str(log))
        # A kill between the worker taking a task from Redis and recording it as unacknowledged loses it
        # (kombu moves it in two steps): the relay queues again runs still owed OUTBOX_RERUN_AFTER later.
        only_the_clock_is_owed(runs)
        relay = start_relay(env={**env, "OUTBOX_RERUN_AFTER": str(RERUN_AFTER)}, log_path=str(relay_log))
        wait_until(lambda: done() == TASKS, timeout=60, interval=0.2, message=f"all {TASKS} tasks done")
        # late redeliveries (tasks a killed worker held) must find their work done, not do it again
        wait_until(lambda: client.hlen(unacked) == 0 and client.llen(f"{settings.REDIS_KEY_PREFIX}:{settings.CELERY_TASK_DEFAULT_QUEUE}") == 0,
                   timeout=30, message="every task acknowledged")
    finally:
        if relay is not None:
            stop(relay)
        if worker is not None:
            kill_worker(worker)
        client.close()
        broker.stop()
    output = log.read_text()
    skipped = output.count("'already processed'")
    rerun = re.findall(r"queued (\d+) handler runs again", relay_log.read_text())
    print(f"\n{TASKS} tasks, {len(in_hand_at_kill)} kills ({sum(1 for n in in_hand_at_kill if n)} with tasks in hand, "
          f"{sum(in_hand_at_kill)} tasks in all); {skipped} redelivered runs found their work done; "
          f"runs the relay queued again, owed after {RERUN_AFTER} s: {sum(map(int, rerun))}; "
          f"{time.monotonic() - began:.0f} s")

    assert len(in_hand_at_kill) == KILLS
    assert sum(1 for n in in_hand_at_kill if n) >= KILLS // 2  # the kills did interrupt work
    with tenancy.use_team(acme.team):
        assert ProcessedEvent.objects.filter(handler=HANDLER).count() == TASKS  # one claim per run, none twice
        clocks = LeadSla.objects.filter(lead__in=leads)
        assert clocks.count() == TASKS
        assert not clocks.values("lead").annotate(n=Count("id")).filter(n__gt=1).exists()
        # the clock's start is announced once per lead: a second committed run would announce it again
        assert OutboxEvent.objects.filter(type=events.LEAD_SLA_CHANGED).count() == TASKS
        assert not HandlerFailure.objects.exists()
