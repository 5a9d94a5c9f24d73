"""/dashboard/ on a team of 1,000,000 deals and 1,000,000 leads, against the same page computed with plain ORM
aggregates on every load (bench/peer_dashboard.py); and how fast a deal change reaches an open dashboard.

Server time: requests run in-process through Django's test client (as bench/workspace.py), so it is the whole
Django + PostgreSQL time of a request without the network; the query count comes from the same request.
Cold: the first load with nothing cached and no snapshot of today (what the background jobs would have
computed), then the jobs themselves. Live: uvicorn and the outbox relay run as in production; one dashboard
socket is open; deals move through ``deals.services.deal_move`` at a quiet pace; latency = the frame
``<div id="dash-signal" ...>`` received - the move's commit (same clock), then the page's reload of the
active-deals fragment over HTTP.

    python bench/dashboard.py [--deals 1000000] [--leads 1000000] [--runs 40] [--peer-runs 10] [--moves 50]
                              [--reuse]   # keep the seeded database of an earlier run if it has the data
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import uuid

from common import BASE_DIR, free_port, header, setup_django, wait_http

DB = "primesync_bench_dash"
REDIS_PREFIX = f"bench-dash-{uuid.uuid4().hex[:6]}"  # an empty cache, and no other run's keys


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


# --- the data ----------------------------------------------------------------------------------


def _seeded_deals(db: str) -> int:
    """Deals of the bench team with their dashboard data in ``db``, 0 if the database or the data is missing."""
    import psycopg
    from django.conf import settings

    from primesync import db_setup

    try:
        with psycopg.connect(db_setup.admin_conninfo(settings.DATABASE_URL, db), autocommit=True) as conn:
            row = conn.execute(
                "SELECT (SELECT coalesce(sum(deals), 0) FROM dashboards_dealstagetotal t JOIN primesync_team m "
                "ON m.id = t.team_id WHERE m.slug = 'bench'), (SELECT count(*) FROM deals_quota)").fetchone()
    except psycopg.Error:
        return 0
    return int(row[0]) if row[1] else 0


def prepare(args) -> dict | None:
    """The seeded team: reused if asked and present, else seeded. Returns the seeding timings, or None."""
    os.environ["DATABASE_NAME"] = args.db
    import django

    django.setup()
    if args.reuse and _seeded_deals(args.db) >= args.deals:
        from django.core.management import call_command

        setup_django(args.db, recreate=False)
        # the dashboards app's own migrations (the indexes its queries need) are brought up to date; the
        # other apps keep the schema the data was seeded with (reseed without --reuse for theirs)
        call_command("migrate", "dashboards", database="owner", verbosity=0, interactive=False)
        return None
    import seed_large

    setup_django(args.db)
    started = time.perf_counter()
    timings = seed_large.seed(args.leads, args.deals, dashboard_data=True)
    timings["total (with migrate)"] = time.perf_counter() - started
    return timings


# --- server time -------------------------------------------------------------------------------


def once(client, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    return elapsed, len(ctx.captured_queries), response.status_code


def measure(client, url: str, runs: int, *, before=None) -> tuple[list[float], int]:
    """``runs`` timed requests after 3 warm-ups; ``before()`` runs ahead of each (untimed)."""
    for _ in range(3):
        client.get(url)
    times, queries = [], 0
    for _ in range(runs):
        if before:
            before()
        elapsed, queries, status = once(client, url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        times.append(elapsed)
    return times, queries


def forget_today(team) -> None:
    """What a first look of the day finds: no snapshot of today (the cache is empty: a fresh key prefix)."""
    from django.utils import timezone

    from dashboards.models import MetricSnapshot
    from primesync import tenancy

    with tenancy.use_team(team):
        MetricSnapshot.objects.filter(team=team, day=timezone.localdate()).delete()


def metric_times(team_id: int, period, owner_id: int | None) -> dict[str, float]:
    """Each metric's own computation (what a cache miss costs), median of 3."""
    from dashboards.metrics import conversion, forecast, leaderboard, response_time, velocity
    from dashboards.metrics.active_deals import active_deals
    from primesync import tenancy

    computations = {
        "active_deals (live, from the trigger-kept totals)": lambda: active_deals(team_id=team_id, owner_id=owner_id),
        "conversion_by_stage (cached 5 min)":
            lambda: conversion.conversion_by_stage(team_id=team_id, period=period, owner_id=owner_id),
        "lead_response_time (cached until a lead event)":
            lambda: response_time.lead_response_time(team_id=team_id, period=period, owner_id=owner_id),
        "deal_velocity (hourly snapshot)":
            lambda: velocity.deal_velocity(team_id=team_id, period=period, owner_id=owner_id),
        "revenue_forecast (daily snapshot)":
            lambda: forecast.revenue_forecast(team_id=team_id, period=period, owner_id=owner_id),
    }
    if owner_id is None:
        computations["leaderboard (cached 5 min)"] = lambda: leaderboard.leaderboard(team_id=team_id, period=period)
    out = {}
    for label, compute in computations.items():
        times = []
        for _ in range(3):
            with tenancy.use_team(team_id):
                start = time.perf_counter()
                compute()
                times.append(time.perf_counter() - start)
        out[label] = statistics.median(times)
    return out


def background_jobs(team_id: int) -> dict[str, float]:
    from dashboards.metrics.refresh import cache_warm, snapshots_refresh

    jobs = {
        "cache_warm (every 4 min: conversion + leaderboard, month and quarter)": lambda: cache_warm(team_id=team_id),
        "snapshots_refresh deal_velocity (hourly: team + each person, 2 periods)":
            lambda: snapshots_refresh(team_id=team_id, metric="deal_velocity"),
        "snapshots_refresh revenue_forecast (nightly: team + each person, 2 periods)":
            lambda: snapshots_refresh(team_id=team_id, metric="revenue_forecast"),
    }
    out = {}
    for label, job in jobs.items():
        start = time.perf_counter()
        job()
        out[label] = time.perf_counter() - start
    return out


def agreement(ours: dict, theirs: dict, path: str = "") -> list[str]:
    """Where the page's figures and the peer's differ (floats to the cent)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return [d for key in ours.keys() | theirs.keys() for d in agreement(ours.get(key), theirs.get(key),
                                                                             f"{path}.{key}")]
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [d for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) for d in agreement(a, b, f"{path}[{i}]")]
    if isinstance(ours, int | float) and isinstance(theirs, int | float):
        return [] if abs(ours - theirs) <= max(0.01, 1e-9 * abs(ours)) else [f"{path}: {ours} != {theirs}"]
    return [] if ours == theirs else [f"{path}: {ours!r} != {theirs!r}"]


# --- live --------------------------------------------------------------------------------------


def live_latency(*, team, manager, moves: int, db: str) -> dict[str, list[float]]:
    import requests
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from websockets.sync.client import connect

    from deals.models import Deal, Stage, StageKind
    from deals.services import deal_move
    from primesync import tenancy

    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(manager.pk), settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = manager.get_session_auth_hash()
    store.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    env = os.environ | {"DATABASE_NAME": db, "DATABASE_URL": settings.DATABASE_URL, "REDIS_URL": settings.REDIS_URL,
                        "REDIS_KEY_PREFIX": REDIS_PREFIX, "DJANGO_SETTINGS_MODULE": "primesync.settings",
                        "PYTHONPATH": str(BASE_DIR)}
    port = free_port()
    web = subprocess.Popen([sys.executable, "-m", "uvicorn", "primesync.asgi:application", "--port", str(port),
                            "--lifespan", "off", "--no-access-log", "--log-level", "warning",
                            "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"], cwd=BASE_DIR, env=env)
    relay = subprocess.Popen([sys.executable, "manage.py", "relay", "--sweep-interval", "1"], cwd=BASE_DIR, env=env)
    frames: queue.Queue = queue.Queue()
    opened, stop = threading.Event(), threading.Event()
    origin = f"http://127.0.0.1:{port}"

    def listen():
        with connect(f"ws://127.0.0.1:{port}/ws/live/?dashboard=1", open_timeout=30,
                     additional_headers={"Cookie": cookie, "Origin": origin}) as ws:
            opened.set()
            while not stop.is_set():
                try:
                    frame = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                if 'id="dash-signal"' in frame:
                    frames.put(time.time())

    results: dict[str, list[float]] = {"frame": [], "fragment": [], "total": []}
    try:
        wait_http(f"{origin}/healthz")
        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        if not opened.wait(30):
            raise RuntimeError("the dashboard socket did not open")
        time.sleep(2)  # the relay drains what was waiting; the group subscription settles
        while not frames.empty():
            frames.get()
        http = requests.Session()
        http.headers.update({"Cookie": cookie, "HX-Request": "true"})
        with tenancy.use_team(team):
            stages = list(Stage.objects.filter(team=team, kind=StageKind.OPEN).order_by("order"))
            picked = list(Deal.objects.filter(team=team, stage__in=stages[:-1]).order_by("?")
                          .values_list("pk", flat=True)[:moves])
        following = {s.pk: stages[i + 1] for i, s in enumerate(stages[:-1])}
        for deal_id in picked:
            with tenancy.use_team(team):  # one transaction: it commits on the way out
                deal = Deal.objects.select_related("stage", "pipeline", "owner", "team").get(pk=deal_id)
                deal_move(deal=deal, stage=following[deal.stage_id], by=manager)
            committed = time.time()
            try:
                received = frames.get(timeout=10)
            except queue.Empty:
                print(f"no frame for the move of deal {deal_id}", flush=True)
                continue
            start = time.perf_counter()
            fragment = http.get(f"{origin}/dashboard/metrics/active_deals/?period=quarter", timeout=10)
            fetched = time.perf_counter() - start
            if fragment.status_code != 200:
                raise RuntimeError(f"the fragment answered {fragment.status_code}")
            results["frame"].append(received - committed)
            results["fragment"].append(fetched)
            results["total"].append(received - committed + fetched)
            time.sleep(0.25)  # a quiet pace: latency, not a queue
        stop.set()
        listener.join(5)
    finally:
        for process in (web, relay):
            process.terminate()
        for process in (web, relay):
            process.wait(20)
    return results


def forget_redis_keys() -> None:
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(match=f"{REDIS_PREFIX}*", count=1000):
        client.delete(key)


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--peer-runs", type=int, default=10)
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's seeded database if it has the data")
    parser.add_argument("--db", default=DB)
    args = parser.parse_args()
    header("Dashboard at 1M deals and 1M leads", "python bench/dashboard.py " + " ".join(sys.argv[1:]))
    os.environ["REDIS_KEY_PREFIX"] = REDIS_PREFIX
    started = time.perf_counter()
    seeding = prepare(args)
    if seeding:
        print("\nseeding: " + "; ".join(f"{step} {seconds:.1f} s" for step, seconds in seeding.items()), flush=True)
    else:
        print(f"\nreused the seeded database {args.db}", flush=True)

    import peer_dashboard
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from dashboards import selectors
    from dashboards.metrics import periods, store
    from dashboards.models import DealStageChange
    from deals.models import Deal
    from leads.models import Lead, LeadSla
    from primesync import tenancy
    from primesync.models import Team, User

    setup_test_environment()
    override_settings(ROOT_URLCONF="peer_dashboard").enable()  # every product URL, plus the peer's page
    team = Team.objects.get(slug="bench")
    manager = User.objects.get(email="manager@bench.test")
    rep = User.objects.get(email="rep3@bench.test")
    quarter = periods.this_quarter(timezone.localdate())
    with tenancy.use_team(team):
        sizes = {"deals": Deal.objects.count(), "leads": Lead.objects.count(),
                 "stage log rows": DealStageChange.objects.count(), "speed-to-lead clocks": LeadSla.objects.count()}
    print("team 'bench': " + ", ".join(f"{n:,} {what}" for what, n in sizes.items()), flush=True)
    manager_client, rep_client = Client(), Client()
    manager_client.force_login(manager)
    rep_client.force_login(rep)

    # templates compiled and connections open on a period with no data, so "cold" is the data's cost only
    manager_client.get("/dashboard/?period=custom&start=2001-01-01&end=2001-01-31")
    forget_today(team)
    cold = {
        "manager, whole team (this quarter)": once(manager_client, "/dashboard/"),
        "rep (this quarter)": once(rep_client, "/dashboard/"),
    }
    per_metric = metric_times(team.pk, quarter, None)
    jobs = background_jobs(team.pk)

    pages = [
        ("manager, whole team, this quarter", manager_client, "/dashboard/", None),
        ("manager, whole team, this month", manager_client, "/dashboard/?period=month", None),
        ("manager, one rep drilled into", manager_client, f"/dashboard/?rep={rep.pk}", None),
        ("rep, own numbers, this quarter", rep_client, "/dashboard/", None),
        ("manager, right after a lead event (response time recomputed)", manager_client, "/dashboard/",
         lambda: store.bump(team.pk, "lead_response_time")),
    ]
    warm = {label: measure(client, url, args.runs, before=before) for label, client, url, before in pages}
    peers = {
        "manager, whole team, this quarter": measure(manager_client, "/bench/peer-dashboard/", args.peer_runs),
        "rep, own numbers, this quarter": measure(rep_client, "/bench/peer-dashboard/", args.peer_runs),
    }
    with tenancy.use_team(team):
        ours = selectors.dashboard(team_id=team.pk, period=quarter, owner=None, with_team_views=True)
        theirs = peer_dashboard.figures(team_id=team.pk, period=quarter, owner_id=None)
    differences = [d for name, reading in ours.metrics.items() for d in agreement(reading.value, theirs[name], name)]
    differences += agreement(ours.leaderboard.value, theirs["leaderboard"], "leaderboard")

    live = live_latency(team=team, manager=manager, moves=args.moves, db=args.db)
    forget_redis_keys()

    print("\n## cold: the first load with nothing cached and no snapshot of today\n")
    print("| page | server time | queries |")
    print("| --- | --- | --- |")
    for label, (seconds, queries, _) in cold.items():
        print(f"| {label} | {ms(seconds)} | {queries} |")
    print("\n| one metric computed, whole team, this quarter (median of 3) | time |")
    print("| --- | --- |")
    for label, seconds in per_metric.items():
        print(f"| {label} | {ms(seconds)} |")
    print("\n| background job, at this size | time |")
    print("| --- | --- |")
    for label, seconds in jobs.items():
        print(f"| {label} | {ms(seconds)} |")

    print(f"\n## warm: {args.runs} timed requests per page after 3 warm-ups (server time, in-process)\n")
    print("| page | p50 | p95 | queries | peer p50 / p95 / queries | peer / ours (p50, p95) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, (times, queries) in warm.items():
        peer = peers.get(label)
        peer_cells = "| |"
        if peer:
            peer_times, peer_queries = peer
            peer_cells = (f"{ms(statistics.median(peer_times))} / {ms(p95(peer_times))} / {peer_queries} | "
                          f"{statistics.median(peer_times) / statistics.median(times):.0f}x, "
                          f"{p95(peer_times) / p95(times):.0f}x |")
        print(f"| {label} | {ms(statistics.median(times))} | {ms(p95(times))} | {queries} | {peer_cells}")
    print(f"\npeer: {args.peer_runs} timed requests after 3 warm-ups, the same template and client. "
          + ("Its figures and the page's agree." if not differences
             else f"Its figures differ from the page's in {len(differences)} places: {differences[:5]}"))

    print(f"\n## live: {len(live['frame'])} deal moves (deal_move, 4 a second at most), one open dashboard\n")
    print("| measure | p50 | p95 | max |")
    print("| --- | --- | --- | --- |")
    for label, key in (("commit -> dash-signal frame received", "frame"),
                       ("the page's reload of the active-deals fragment (HTTP, uvicorn)", "fragment"),
                       ("commit -> new figure on the page", "total")):
        values = live[key]
        if values:
            print(f"| {label} | {ms(statistics.median(values))} | {ms(p95(values))} | {ms(max(values))} |")
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s; load average at the end "
          f"{' / '.join(f'{n:.1f}' for n in os.getloadavg())} (1, 5, 15 min; the machine is shared)")


if __name__ == "__main__":
    main()
