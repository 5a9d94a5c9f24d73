"""Enrichment throughput and latency with every vendor answering in 300 ms, against sequential vendor calls.

Everything is real: the provider simulator (`manage.py provider_sim`) on loopback with a fixed
latency on every vendor, Celery workers (prefork) working the enrichment queue, PostgreSQL and
Redis. Three measures, each on leads the cache has never seen:

- bulk: N leads queued for enrichment at once (as a bulk re-enrich or an import does); leads/s
  from the tasks' dispatch to the last request done, by W worker processes using the vendors'
  batch endpoints with all calls of a batch in flight together;
- one lead: ``enrich_leads`` for a single lead, its sources in parallel; the ratio to the slowest
  vendor's own answer time (a bare HTTP call, measured in the same run);
- the peer way, in the same run: the same leads enriched one by one with one vendor call after
  another (single-record endpoints, no parallelism), as a straightforward integration would.

    python bench/enrichment.py [--leads 3000] [--workers 4] [--latency-ms 300] [--single 20] [--sequential 8]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
import uuid

from common import BASE_DIR, free_port, header, setup_django, wait_http

DB = "primesync_bench_enrich"
VENDORS = ("zoominfo", "apollo", "linkedin", "zerobounce")


def make_leads(team, count: int, tag: str, per_company: int = 5) -> list:
    from leads.models import Lead
    from primesync import tenancy

    with tenancy.use_team(team):
        return Lead.objects.bulk_create([
            Lead(team=team, first_name=f"P{i}", last_name=tag.title(), phone=f"+1 415 555 {i % 10000:04d}",
                 email=f"person{i}.{tag}@company{i // per_company}-{tag}.com")
            for i in range(count)], batch_size=2000)


def bare_vendor_call(sim: str) -> float:
    """One ZeroBounce validation over HTTP, nothing else: what 'the slowest vendor' takes here."""
    import requests

    start = time.perf_counter()
    requests.get(f"{sim}/zerobounce/v2/validate", params={"api_key": "k", "email": f"x{uuid.uuid4().hex}@a.com",
                                                           "ip_address": ""}, timeout=10).raise_for_status()
    return time.perf_counter() - start


def cpu_seconds(sim, worker) -> dict[str, float]:
    """CPU time used so far by the simulator and the Celery workers (with their children)."""
    import psutil

    def tree(pid: int) -> float:
        proc = psutil.Process(pid)
        total = 0.0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return total

    return {"simulator": tree(sim.pid), "workers": tree(worker.pid)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--latency-ms", type=float, default=300)
    parser.add_argument("--single", type=int, default=20)
    parser.add_argument("--sequential", type=int, default=8)
    args = parser.parse_args()
    header("Enrichment: bulk throughput and one lead's latency, vendors at "
           f"{args.latency_ms:.0f} ms", "python bench/enrichment.py " + " ".join(sys.argv[1:]))

    port = free_port()
    os.environ["PROVIDER_SIM_PORT"] = str(port)
    os.environ["REDIS_KEY_PREFIX"] = f"bench-enrich-{uuid.uuid4().hex[:6]}"  # an empty cache, no shared circuits
    os.environ["CELERY_QUEUE"] = f"bench-enrich-{uuid.uuid4().hex[:6]}"
    setup_django(DB, recreate=True)
    logging.getLogger("enrichment").setLevel(logging.WARNING)  # its per-batch lines are for the workers' logs

    import requests
    from django.conf import settings
    from django.db.models import Count

    from enrichment import orchestrator
    from enrichment.models import EnrichmentCall
    from enrichment.tasks import process_pending
    from leads.models import EnrichmentRequest
    from leads.services import enrichment_request
    from primesync import tenancy
    from primesync.models import Team

    sim_url = f"http://127.0.0.1:{port}"
    env = os.environ | {"DATABASE_NAME": DB, "DATABASE_URL": settings.DATABASE_URL, "REDIS_URL": settings.REDIS_URL}
    sim = subprocess.Popen([sys.executable, "manage.py", "provider_sim", "--port", str(port)], cwd=BASE_DIR, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "primesync", "worker", "--pool", "prefork", "--concurrency",
         str(args.workers), "--loglevel", os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"),
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR, env=env)
    try:
        wait_http(f"{sim_url}/_sim/config")
        requests.post(f"{sim_url}/_sim/config", timeout=5,
                      json={v: {"latency_ms": args.latency_ms, "jitter_ms": 0, "miss_rate": 0.1} for v in VENDORS})
        team = Team.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}")
        slowest = statistics.median(bare_vendor_call(sim_url) for _ in range(5))

        # --- one lead, sources in parallel ---------------------------------------------------------
        singles = make_leads(team, args.single, "single", per_company=1)  # nothing cached for any of them
        orchestrator.enrich_leads(team.pk, [make_leads(team, 1, "warm")[0].pk])  # ZoomInfo token, pools
        one = []
        for lead in singles:
            start = time.perf_counter()
            orchestrator.enrich_leads(team.pk, [lead.pk])
            one.append(time.perf_counter() - start)

        # --- the peer way: one vendor call after another --------------------------------------------
        sequential_leads = make_leads(team, args.sequential, "sequential", per_company=1)
        orchestrator.THREADS = 1
        seq = []
        for lead in sequential_leads:
            start = time.perf_counter()
            orchestrator.enrich_leads(team.pk, [lead.pk])
            seq.append(time.perf_counter() - start)
        orchestrator.THREADS = 24

        # --- bulk, by the Celery workers ------------------------------------------------------------
        bulk = make_leads(team, args.leads, "bulk")
        with tenancy.use_team(team):
            enrichment_request(team=team, by=None, leads=bulk, reason="bench")
        time.sleep(3)  # the workers are up (prefork children ready)
        cpu_before = cpu_seconds(sim, worker)
        start = time.perf_counter()
        for _ in range(args.workers):
            process_pending.delay(team.pk)
        while True:
            with tenancy.use_team(team):
                open_requests = EnrichmentRequest.objects.filter(status__in=["pending", "running"]).count()
            if not open_requests:
                break
            time.sleep(0.1)
        bulk_seconds = time.perf_counter() - start
        cpu_after = cpu_seconds(sim, worker)
        with tenancy.use_team(team):
            outcomes = dict(EnrichmentRequest.objects.filter(reason="bench").values_list("detail")
                            .annotate(n=Count("id")).order_by())
            calls = dict(EnrichmentCall.objects.values_list("vendor").annotate(n=Count("id")).order_by())
        stats = requests.get(f"{sim_url}/_sim/stats", timeout=5).json()
    finally:
        worker.terminate()
        sim.terminate()
        worker.wait(30)
        sim.wait(10)

    one_p50, one_p95 = statistics.median(one), statistics.quantiles(one, n=20)[-1]
    seq_mean = statistics.mean(seq)
    rate, seq_rate = args.leads / bulk_seconds, 1 / seq_mean
    print(f"slowest vendor, bare HTTP call (median of 5): {slowest * 1000:.0f} ms")
    print(f"one lead, sources in parallel ({args.single} leads): p50 {one_p50 * 1000:.0f} ms, "
          f"p95 {one_p95 * 1000:.0f} ms = {one_p50 / slowest:.2f}x / {one_p95 / slowest:.2f}x the slowest vendor")
    print(f"one lead, vendor calls one after another ({args.sequential} leads): mean {seq_mean * 1000:.0f} ms "
          f"= {seq_mean / slowest:.2f}x the slowest vendor; parallel is {seq_mean / one_p50:.1f}x faster")
    print(f"bulk: {args.leads} leads in {bulk_seconds:.1f} s by {args.workers} worker processes = {rate:.0f} leads/s; "
          f"sequential calls: {seq_rate:.2f} leads/s per worker; ratio {rate / (seq_rate * args.workers):.0f}x "
          f"at the same worker count")
    cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_after}
    print("CPU during the bulk run: " + ", ".join(f"{k} {v:.1f} s ({v / bulk_seconds * 100:.0f}% of a core)"
                                                   for k, v in cpu.items()))
    print(f"request outcomes: {outcomes}")
    print(f"vendor calls recorded: {calls}; simulator requests: "
          f"{ {v: stats.get(v, {}).get('requests', 0) for v in VENDORS} }")


if __name__ == "__main__":
    main()
