"""Server time of the workspace pages on a large team, against Django admin's changelist on the same rows.

Needs the data of bench/seed_large.py (1,000,000 leads and 200,000 deals in one team). Requests
run in-process through Django's test client, so "server time" is the whole Django + PostgreSQL
time of a request without the network; the query count comes from the same request.

    python bench/seed_large.py            # once
    python bench/workspace.py [--runs 40]
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import header, setup_django


def measure(client, url: str, runs: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url)  # warm caches and connections
    times = []
    queries = 0
    status = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        queries, status = len(ctx.captured_queries), response.status_code
    return times, queries, status


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--db", default="primesync_bench_large")
    args = parser.parse_args()
    header("Workspace pages at 1M leads / 200k deals", f"python bench/workspace.py --runs {args.runs}")
    setup_django(args.db, recreate=False)

    from django.test import Client
    from django.test.utils import setup_test_environment

    from deals.models import Stage
    from leads.models import Lead
    from primesync import tenancy
    from primesync.models import Team, User
    from primesync.services import user_create

    setup_test_environment()
    team = Team.objects.get(slug="bench")
    rep = User.objects.get(email="rep3@bench.test")
    admin_user = User.objects.filter(email="root@bench.test").first() or user_create(
        email="root@bench.test", password="x", is_superuser=True
    )
    with tenancy.use_team(team):
        lead_count = Lead.objects.count()
        stage = Stage.objects.filter(team=team, name="Proposal").get()
        sample = Lead.objects.order_by("id")[lead_count // 2]
    rep_client, admin_client = Client(), Client()
    rep_client.force_login(rep)
    admin_client.force_login(admin_user)

    pages = [
        ("/leads/ first page", rep_client, "/leads/", admin_client, "/admin/leads/lead/"),
        ("/leads/ search by name (\"marco sil\")", rep_client, "/leads/?q=marco+sil", admin_client,
         "/admin/leads/lead/?q=marco+silva"),
        ("/leads/ search by email prefix", rep_client, f"/leads/?q={sample.email[:12]}", admin_client,
         f"/admin/leads/lead/?q={sample.email[:12]}"),
        ("/leads/ filtered (mine, new)", rep_client, "/leads/?owner=me&status=new", admin_client,
         f"/admin/leads/lead/?status__exact=new&owner__id__exact={rep.pk}"),
        ("/leads/ sorted by name", rep_client, "/leads/?sort=name", admin_client, "/admin/leads/lead/?o=1"),
        ("/pipeline/ (board page)", rep_client, "/pipeline/", admin_client, "/admin/deals/deal/"),
        ("/pipeline/ column (Proposal, ~32k deals)", rep_client, f"/pipeline/columns/{stage.pk}/", admin_client,
         f"/admin/deals/deal/?stage__id__exact={stage.pk}"),
    ]
    print(f"\nteam 'bench': {lead_count:,} leads; {args.runs} timed requests per page after 3 warm-ups\n")
    print("| page | p50 | p95 | queries | Django admin changelist p50 / p95 / queries | admin / ours (p95) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, client, url, peer_client, peer_url in pages:
        ours, ours_queries, status = measure(client, url, args.runs)
        theirs, their_queries, peer_status = measure(peer_client, peer_url, max(5, args.runs // 4))
        assert status == 200 and peer_status == 200, (url, status, peer_url, peer_status)
        print(
            f"| {label} | {statistics.median(ours) * 1000:.1f} ms | {p95(ours) * 1000:.1f} ms | {ours_queries} | "
            f"{statistics.median(theirs) * 1000:.0f} ms / {p95(theirs) * 1000:.0f} ms / {their_queries} | "
            f"{p95(theirs) / p95(ours):.1f}x |"
        )


if __name__ == "__main__":
    main()
