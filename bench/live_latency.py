"""Commit-to-browser latency of the live pipeline board, with N open boards.

Everything is real: uvicorn serving primesync.asgi, the outbox relay (`manage.py relay`), Redis,
PostgreSQL. N websocket clients (split over client processes) open the board of one team; a
writer commits stage changes with raw SQL at a steady rate; each client timestamps every card
it receives. Latency = receive time - the writer's commit time (same machine clock).

The peer way, in the same run: a consumer that renders the card itself when told "deal X changed"
by a plain Channels group_send after commit (what a post-save hook would do), so every open page
reads the database and renders.

    python bench/live_latency.py [--clients 100 500 1000] [--events 40] [--rate 4] [--web-workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid

from common import BASE_DIR, free_port, header, setup_django, wait_http

DB = "primesync_bench_live"
CARD = re.compile(r"Live deal (\d+)")


def _client_process(url: str, cookie: str, origin: str, count: int, ready, results, duration: float) -> None:
    import websockets

    async def one(received: list):
        async with websockets.connect(url, additional_headers={"Cookie": cookie, "Origin": origin},
                                      open_timeout=60, max_queue=None) as ws:
            ready.put(1)
            end = time.time() + duration
            while time.time() < end:
                try:
                    frame = await asyncio.wait_for(ws.recv(), timeout=max(0.1, end - time.time()))
                except TimeoutError:
                    break
                now = time.time()
                match = CARD.search(frame)
                if match:
                    received.append((int(match.group(1)), now))

    async def main():
        buckets = [[] for _ in range(count)]
        await asyncio.gather(*(one(bucket) for bucket in buckets), return_exceptions=True)
        results.put([item for bucket in buckets for item in bucket])

    import uvloop  # the clients are the harness: keep their own cost low (the servers use uvloop too)

    uvloop.run(main())


NODE_CLIENTS = BASE_DIR / "bench" / "ws_clients.js"


def node_available() -> bool:
    return (BASE_DIR / "bench" / "node_modules" / "ws").is_dir() and bool(shutil.which("node"))


def run_scenario_node(*, label, ws_urls, cookie, origin, clients, events, rate, writer):
    """The same measure with Node clients (bench/ws_clients.js): cheaper per frame than Python ones."""
    import json

    proc = subprocess.Popen(["node", str(NODE_CLIENTS), ",".join(ws_urls), str(clients), cookie, origin],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=BASE_DIR / "bench")
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError("the websocket clients did not all connect")
    time.sleep(2)  # subscriptions settle
    commits = writer(events, rate)
    time.sleep(3)  # the last frames arrive
    proc.stdin.write("done\n")
    proc.stdin.flush()
    received = [(i, t / 1000) for i, t in json.loads(proc.stdout.readline())]
    proc.wait(10)
    return summarise(label, clients, commits, received)


def summarise(label, connected, commits, received) -> dict:
    latencies = sorted((t - commits[i]) * 1000 for i, t in received if i in commits)
    first_by_event: dict[int, float] = {}
    for i, t in received:
        if i in commits:
            first_by_event[i] = min(first_by_event.get(i, t), t)
    first = sorted((t - commits[i]) * 1000 for i, t in first_by_event.items())

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    return {
        "label": label, "clients": connected, "events": len(commits), "frames": len(latencies),
        "lost": connected * len(commits) - len(latencies), "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
        "first_p50": statistics.median(first) if first else float("nan"),
    }


def run_scenario(*, label, ws_urls, cookie, origin, clients, events, rate, writer, client_procs=2):
    ctx = mp.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    duration = 15 + events / rate + 10
    per_proc = [clients // client_procs + (1 if i < clients % client_procs else 0) for i in range(client_procs)]
    # as a load balancer would: client process i talks to web process i (round robin)
    procs = [ctx.Process(target=_client_process,
                         args=(ws_urls[i % len(ws_urls)], cookie, origin, n, ready, results, duration))
             for i, n in enumerate(per_proc) if n]
    for p in procs:
        p.start()
    connected = 0
    deadline = time.monotonic() + 120
    while connected < clients and time.monotonic() < deadline:
        try:
            connected += ready.get(timeout=1)
        except Exception:  # noqa: BLE001 - keep waiting until the deadline
            continue
    time.sleep(2)  # subscriptions settle
    commits = writer(events, rate)
    received = []
    for _ in procs:
        received += results.get(timeout=duration + 60)
    for p in procs:
        p.join(10)
    return summarise(label, connected, commits, received)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--peer-clients", type=int, nargs="*", default=[100, 500])
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--rate", type=float, default=4.0, help="stage changes per second")
    parser.add_argument("--web-workers", type=int, default=2, help="uvicorn processes, clients spread evenly")
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn --ws implementation")
    parser.add_argument("--deflate", default="false", help="uvicorn --ws-per-message-deflate")
    parser.add_argument("--python-clients", action="store_true", help="Python clients even if Node's are installed")
    args = parser.parse_args()
    header("Live board latency", "python bench/live_latency.py " + " ".join(sys.argv[1:]))
    os.environ["REDIS_KEY_PREFIX"] = f"bench-live-{uuid.uuid4().hex[:6]}"
    setup_django(DB)

    import psycopg
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from deals.models import Deal
    from deals.services import deal_create, pipeline_create_default
    from primesync import tenancy
    from primesync.models import Role
    from primesync.relay import app_conninfo
    from primesync.services import member_add, team_create, user_create

    team = team_create(name="Live", slug="live")
    manager = user_create(email="manager@live.test", password="x", full_name="Live Manager")
    member_add(team=team, user=manager, role=Role.MANAGER)
    with tenancy.use_team(team):
        pipeline = pipeline_create_default(team=team)
        stages = list(pipeline.stages.order_by("order"))[:4]
        deal = deal_create(team=team, by=manager, name="Live deal 0", owner=manager, amount=1000)
        deal_id = deal.pk
    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(manager.pk), settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = manager.get_session_auth_hash()
    store.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    env = os.environ | {"DATABASE_NAME": DB, "DATABASE_URL": settings.DATABASE_URL, "REDIS_URL": settings.REDIS_URL,
                        "DJANGO_SETTINGS_MODULE": "primesync.settings", "PYTHONPATH": str(BASE_DIR)}
    port = free_port()
    ws_args = ["--ws", args.ws, "--ws-per-message-deflate", args.deflate]
    # stateless web replicas, one per core, each on its own port behind an (imagined) balancer
    ports = [free_port() for _ in range(args.web_workers)]
    port = ports[0]
    webs = [subprocess.Popen([sys.executable, "-m", "uvicorn", "primesync.asgi:application", "--port", str(p),
                              "--lifespan", "off", "--no-access-log", "--log-level", "warning", *ws_args],
                             cwd=BASE_DIR, env=env) for p in ports]
    relay = subprocess.Popen([sys.executable, "manage.py", "relay", "--sweep-interval", "1"], cwd=BASE_DIR, env=env)
    peer_ports = [free_port() for _ in range(args.web_workers)]
    peer_port = peer_ports[0]
    peers = [subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.peer_asgi:application", "--port", str(p),
                               "--lifespan", "off", "--no-access-log", "--log-level", "warning", *ws_args],
                              cwd=BASE_DIR, env=env) for p in peer_ports]
    origin = f"http://127.0.0.1:{port}"
    try:
        for p in ports + peer_ports:
            wait_http(f"http://127.0.0.1:{p}/healthz")
        conn = psycopg.connect(app_conninfo(), autocommit=False)

        def commit_stage_change(i: int) -> float:
            with conn.transaction():
                conn.execute("SELECT set_config('app.team_id', %s, true)", [str(team.pk)])
                conn.execute("UPDATE deals_deal SET stage_id = %s, name = %s WHERE id = %s",
                             [stages[i % len(stages)].pk, f"Live deal {i}", deal_id])
            return time.time()

        def ours(events: int, rate: float) -> dict[int, float]:
            commits = {}
            for i in range(1, events + 1):
                commits[i] = commit_stage_change(i)
                time.sleep(1 / rate)
            return commits

        def plain_group_send(events: int, rate: float) -> dict[int, float]:
            from asgiref.sync import async_to_sync
            from channels.layers import get_channel_layer

            layer = get_channel_layer()
            send = async_to_sync(layer.group_send)
            commits = {}
            for i in range(1, events + 1):
                commits[i] = commit_stage_change(i)
                send(f"peer.team.{team.pk}", {"type": "deal.changed", "deal_id": deal_id})  # after commit
                time.sleep(1 / rate)
            return commits

        rows = []
        measure = run_scenario_node if node_available() and not args.python_clients else run_scenario
        print(f"clients: {'Node (bench/ws_clients.js)' if measure is run_scenario_node else 'Python'}", flush=True)
        for n in args.clients:
            rows.append(measure(label="PrimeSync (outbox relay, rendered once)", clients=n, events=args.events,
                                     rate=args.rate, writer=ours, cookie=cookie, origin=origin,
                                     ws_urls=[f"ws://127.0.0.1:{p}/ws/live/?board={pipeline.pk}" for p in ports]))
            print(rows[-1], flush=True)
        for n in args.peer_clients:
            rows.append(measure(label="peer: plain group_send, each page renders", clients=n,
                                     events=args.events, rate=args.rate, writer=plain_group_send, cookie=cookie,
                                     origin=f"http://127.0.0.1:{peer_port}",
                                     ws_urls=[f"ws://127.0.0.1:{p}/ws/peer/" for p in peer_ports]))
            print(rows[-1], flush=True)
        with tenancy.use_team(team):
            assert Deal.objects.filter(pk=deal_id).exists()
    finally:
        for process in (*webs, relay, *peers):
            process.terminate()
        for process in (*webs, relay, *peers):
            process.wait(20)

    print(f"\n{args.events} stage changes at {args.rate}/s; {args.web_workers} uvicorn processes (--ws {args.ws}, "
          f"per-message deflate {args.deflate}); "
          "latency = client receive - writer commit\n")
    print("| way | open boards | p50 | p95 | p99 | first page reached (p50) | lost frames |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['label']} | {r['clients']} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['p99']:.1f} ms | "
              f"{r['first_p50']:.1f} ms | {r['lost']} of {r['clients'] * r['events']} |")


if __name__ == "__main__":
    main()
