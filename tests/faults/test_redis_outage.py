"""Fault test: Redis (cache, channel layer and Celery broker) stops for 30 s in the middle of a minute of writes.

A redis-server of the test's own serves a live uvicorn, a relay and a Celery worker. 20 writes a second go
through real HTTP for 60 s (a lead created through the API, three calls logged through the lead page's form);
Redis is stopped at 10 s, losing its data (no persistence: the queued Celery tasks go with it), and started
again at 40 s. Writes must keep committing, pages keep rendering, /readyz name the parts on Redis (503), the
events wait in the outbox, and once Redis is back the outbox's backlog is relayed within 120 s and every
handler run the events owe is done (0 lost), by itself: the runs the broker lost are queued again by the relay.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.db.models import Count
from django.utils import timezone

from primesync import events, tenancy
from primesync.models import HandlerFailure, OutboxEvent, ProcessedEvent
from primesync.services import api_token_create
from tests.conftest import make_team
from tests.factories import PASSWORD, LeadFactory
from tests.faults.processes import RedisServer, start_relay, start_worker, stop
from tests.live import AsgiServer, log_in
from tests.workers import wait_until

pytestmark = pytest.mark.slow

RATE = 20  # writes a second
DURATION = 60.0
REDIS_DOWN_AT, REDIS_UP_AT = 10.0, 40.0
REDIS_PARTS = ("cache", "channel_layer", "broker")  # what /readyz names when their Redis is down
DRAIN_DEADLINE = 120.0  # the outbox's backlog relayed, from the restart
# Every handler run the events owe done, from the restart: the writes go on for 20 s after it, and the
# workflows they start (enrichment, scoring, duplicates) take the worker about 100 s more on a 2-core box.
HANDLED_DEADLINE = 150.0
# Pool processes of the one worker: the writes owe about 5 handler runs each (100 a second), short tasks that
# mostly wait on PostgreSQL; two processes (the Procfile's) fall behind on a 2-core box before Redis even stops.
WORKER_PROCESSES = 16


@dataclass
class Call:
    at: float  # seconds since the start of the run
    path: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    body: str = ""

    @property
    def during_outage(self) -> bool:
        return REDIS_DOWN_AT + 0.5 <= self.at <= REDIS_UP_AT - 0.5


class Timeline:
    """Every request of the run, with when it was sent relative to the start."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.monotonic() - self.start

    def call(self, session: requests.Session, method: str, url: str, path: str, **kwargs) -> Call:
        at = self.now()
        began = time.monotonic()
        try:
            response = session.request(method, url, timeout=15, **kwargs)
            status, body = response.status_code, response.text[:300]
        except requests.RequestException as exc:
            status, body = 0, repr(exc)
        call = Call(at=at, path=path, status=status, seconds=time.monotonic() - began, body=body)
        with self._lock:
            self.calls.append(call)
        return call

    def of(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]


def new_lead(i: int) -> dict:
    """A lead unlike the others (similar names would make every new lead a duplicate candidate of the last)."""
    person, company = uuid.uuid4().hex[:10], uuid.uuid4().hex[:8]
    return {"first_name": person, "last_name": f"n{i}", "email": f"{person}@{company}.example"}


def drive_writes(base: str, token: str, cookies: dict, lead_ids: list[int], timeline: Timeline) -> None:
    """RATE writes a second for DURATION, each sent on schedule (a slow answer does not delay the next).

    The mix of a sales floor: one write in four creates a lead through the API, the others log a call on
    a lead through the lead page's form (htmx), as reps do many times a day.
    """
    local = threading.local()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.cookies.update(cookies)
            local.session.headers.update({"Authorization": f"Token {token}", "X-CSRFToken": cookies["csrftoken"]})
        return local.session

    def write(i: int) -> None:
        if i % 4 == 0:
            timeline.call(session(), "POST", f"{base}/api/v1/leads/", "lead create", json=new_lead(i))
        else:
            lead_id = lead_ids[i % len(lead_ids)]
            timeline.call(session(), "POST", f"{base}/leads/{lead_id}/activities/", "call logged",
                          headers={"HX-Request": "true"}, data={"kind": "call", "subject": f"Call {i}"})

    with ThreadPoolExecutor(max_workers=24) as pool:
        for i in range(int(RATE * DURATION)):
            delay = i / RATE - timeline.now()
            if delay > 0:
                time.sleep(delay)
            pool.submit(write, i)


def watch_pages(base: str, session: requests.Session, lead_id: int, timeline: Timeline, done: threading.Event):
    while not done.is_set():
        timeline.call(session, "GET", f"{base}/leads/", "lead list")
        timeline.call(session, "GET", f"{base}/leads/{lead_id}/", "lead page")
        timeline.call(requests, "GET", f"{base}/readyz", "readyz")
        done.wait(0.5)


def unhandled(*, created_before=None) -> tuple[int, int]:
    """(undelivered outbox rows, (event, handler) runs owed and neither done nor given up): (0, 0) when all
    caught up. ``created_before``: count only the undelivered rows written before that time."""
    waiting, owed = outbox_state(created_before=created_before)
    return len(waiting), len(owed)


def outbox_state(*, created_before=None) -> tuple[list[int], set[tuple[int, str]]]:
    """The undelivered events' ids and the (event id, handler) runs owed and neither done nor given up. A run
    is owed if its handler wants the event (the relay queues no others)."""
    with tenancy.bypass(reason="fault test: count unhandled events"):
        rows = list(OutboxEvent.objects.values_list("id", "team_id", "type", "delivered_at", "created_at"))
        done = set(ProcessedEvent.objects.values_list("event_id", "handler"))
        done |= set(HandlerFailure.objects.values_list("event_id", "handler"))
    wishes = events.Wishes()
    owed = {(event_id, h.name) for event_id, team_id, type_, *_ in rows for h in events.handlers_for(type_)
            if wishes.wants(h, team_id, type_)}
    waiting = [r[0] for r in rows if r[3] is None and (created_before is None or r[4] < created_before)]
    return waiting, owed - done


class Outage:
    """Stops the test's Redis at REDIS_DOWN_AT and starts it again (empty) at REDIS_UP_AT of the timeline."""

    def __init__(self, server: RedisServer, timeline: Timeline):
        self.server, self.timeline = server, timeline
        self.ended_at = None  # wall clock, to compare with the outbox's created_at
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        time.sleep(max(0.0, REDIS_DOWN_AT - self.timeline.now()))
        self.server.stop()
        time.sleep(max(0.0, REDIS_UP_AT - self.timeline.now()))
        self.server.start()
        self.ended_at = timezone.now()

    def start(self) -> Outage:
        self._thread.start()
        return self

    def join(self) -> None:
        self._thread.join()


def seconds_until(predicate, timeline: Timeline, *, since: float, deadline: float) -> float | None:
    """Seconds from ``since`` (on the timeline) until ``predicate()`` holds; None if not by ``since + deadline``."""
    while timeline.now() - since <= deadline:
        if predicate():
            return timeline.now() - since
        time.sleep(1.0)  # each look reads the outbox: not so often that it slows what it waits for
    return None


def test_a_redis_outage_loses_no_write_and_no_event_and_catches_up_by_itself(committed, simulator):
    acme = make_team("acme")
    _, token = api_token_create(user=acme.rep, team=acme.team)
    lead_ids = [LeadFactory(team=acme.team, owner=acme.rep).pk for _ in range(20)]
    redis_server = RedisServer().start()
    env = {"REDIS_URL": redis_server.url}
    logs = Path(tempfile.mkdtemp(prefix="primesync-outage-"))
    web = AsgiServer(**env).start()
    relay = start_relay(env=env, log_path=str(logs / "relay.log"))
    worker = start_worker("--loglevel", "INFO", concurrency=WORKER_PROCESSES, env=env, log_path=str(logs / "worker.log"))
    done = threading.Event()
    try:
        wait_until(lambda: unhandled() == (0, 0), timeout=60, message="the setup's events to be handled")
        pages = log_in(web.url, acme.rep.email, PASSWORD)
        timeline = Timeline()
        watcher = threading.Thread(target=watch_pages, args=(web.url, pages, lead_ids[0], timeline, done))
        watcher.start()
        outage = Outage(redis_server, timeline).start()
        drive_writes(web.url, token, pages.cookies.get_dict(), lead_ids, timeline)
        outage.join()
        wait_until(lambda: timeline.of("readyz")[-1].status == 200, timeout=30, message="/readyz to answer 200")
        done.set()  # the outage's pages are checked: the machine is the workers' now
        backlog_at_end_of_writes = unhandled()
        relayed = seconds_until(lambda: unhandled(created_before=outage.ended_at)[0] == 0, timeline,
                                since=REDIS_UP_AT, deadline=DRAIN_DEADLINE)
        handled = seconds_until(lambda: unhandled() == (0, 0), timeline, since=REDIS_UP_AT, deadline=HANDLED_DEADLINE)
        left = unhandled()
        left_runs = sorted(outbox_state()[1])[:20]  # which, when a deadline is missed: look them up in the logs
        processes_alive = {"relay": relay.poll() is None, "worker": worker.poll() is None}
        with tenancy.bypass(reason="fault test: runs per handler"):
            per_handler = dict(ProcessedEvent.objects.values_list("handler").annotate(n=Count("id")).order_by("-n"))
    finally:
        done.set()
        for process in (relay, worker):
            stop(process)
        web.stop()
        redis_server.stop()

    writes = [c for c in timeline.calls if c.path in ("lead create", "call logged")]
    succeeded = [c for c in writes if c.status in (200, 201)]
    outage_writes = [c for c in writes if c.during_outage]
    outage_pages = [c for c in timeline.calls if c.during_outage and c.path in ("lead list", "lead page")]
    outage_ready = [c for c in timeline.of("readyz") if c.during_outage]
    print(f"\nwrites: {len(succeeded)}/{len(writes)} succeeded ({100 * len(succeeded) / len(writes):.2f}%); "
          f"max latency during the outage {max(c.seconds for c in outage_writes) * 1000:.0f} ms, "
          f"outside it {max(c.seconds for c in writes if not c.during_outage) * 1000:.0f} ms; "
          f"pages during the outage: {len(outage_pages)}, max {max(c.seconds for c in outage_pages) * 1000:.0f} ms; "
          f"backlog (undelivered, unhandled) {backlog_at_end_of_writes} when the writes ended; outbox backlog "
          f"relayed {relayed} s and every handler run done {handled} s after Redis came back ({left} left); "
          f"runs per handler {per_handler}; logs in {logs}")

    assert len(writes) == RATE * DURATION
    assert len(succeeded) >= 0.999 * len(writes), {c.status: c.body for c in writes if c not in succeeded}
    assert outage_writes and all(c.status in (200, 201) for c in outage_writes)
    assert outage_pages and all(c.status == 200 for c in outage_pages), [c for c in outage_pages if c.status != 200]
    assert outage_ready and all(c.status == 503 and all(part in c.body for part in REDIS_PARTS) for c in outage_ready)
    assert timeline.of("readyz")[-1].status == 200
    with tenancy.bypass(reason="fault test: count events"):
        assert OutboxEvent.objects.filter(type=events.LEAD_CREATED, entity_id__gt=max(lead_ids)).count() == \
            len([c for c in succeeded if c.path == "lead create"])  # one event per committed lead
        assert OutboxEvent.objects.filter(type=events.ACTIVITY_LOGGED).count() == \
            len([c for c in succeeded if c.path == "call logged"])
    assert processes_alive == {"relay": True, "worker": True}, f"a process stopped: see {logs}"
    assert relayed is not None and relayed <= DRAIN_DEADLINE
    assert handled is not None and handled <= HANDLED_DEADLINE, f"runs left: {left_runs}; logs in {logs}"  # 0 lost
    shutil.rmtree(logs)  # kept when the test fails


def test_a_hung_redis_holds_no_page_for_long(committed):
    """Redis up but not answering (a partition, a stuck node): connections open, replies never come."""
    acme = make_team("acme")
    redis_server = RedisServer().start()
    web = AsgiServer(REDIS_URL=redis_server.url).start()
    timed = {}
    try:
        session = log_in(web.url, acme.manager.email, PASSWORD)
        session.get(f"{web.url}/dashboard/", timeout=30)  # the cache's connections are open
        os.kill(redis_server.process.pid, signal.SIGSTOP)
        for path in ("/dashboard/", "/leads/", "/readyz"):
            began = time.monotonic()
            try:
                status = session.get(f"{web.url}{path}", timeout=20).status_code
            except requests.Timeout:
                status = 0
            timed[path] = (status, round(time.monotonic() - began, 2))
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
        web.stop()
        redis_server.stop()
    print(f"\nwith Redis hung: {timed}")

    assert [status for status, _ in timed.values()] == [200, 200, 503]
    # one socket timeout (0.5 s) per page: after it the metric cache is skipped, /readyz waits its own 1 s
    assert all(seconds < 2.5 for _, seconds in timed.values())
