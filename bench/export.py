"""Peak memory of a 1,000,000-lead CSV export, served the ASGI way (as uvicorn serves PrimeSync).

- PrimeSync: ``CsvStreamingResponse`` (a server-side cursor in a team-scoped transaction, parts taken
  one at a time on the request's thread);
- peer: the same rows in Django's own ``StreamingHttpResponse``, whose ``__aiter__`` reads a
  synchronous iterator whole (``sync_to_async(list)``) before it sends the first byte.

Each way runs in a fresh child process; the figure is the growth of its peak RSS while streaming.
Rows are seeded once with INSERT ... SELECT generate_series through the administrative login
(set-up, not what is measured), audit and outbox triggers off for the seeding.

    python bench/export.py [--leads 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from common import BASE_DIR, header, setup_django

DB = "primesync_bench_export"


def seed(leads: int) -> None:
    import psycopg
    from django.conf import settings

    from primesync import db_setup
    from primesync.models import Membership, Team, User

    team = Team.objects.create(name="Export", slug="export")
    user = User.objects.create_user("manager@export.bench", "bench-password")
    Membership.objects.create(team=team, user=user, role="manager")
    start = time.perf_counter()
    with psycopg.connect(db_setup.admin_conninfo(settings.DATABASE_URL, DB), autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # no audit or outbox rows for the seed
        conn.execute(
            """
            INSERT INTO leads_lead (team_id, first_name, last_name, email, phone, title, company_name, country,
                                    owner_id, status, source, quality_score, quality_factors, email_opt_out,
                                    created_at, updated_at)
            SELECT %s, 'Ana' || g, CASE WHEN g %% 50 = 0 THEN '=HYPERLINK("x")' ELSE 'Silva' END,
                   'lead' || g || '@prospect.example', '+1 415 555 ' || lpad((g %% 10000)::text, 4, '0'),
                   'VP Sales', 'Prospect ' || (g %% 5000), 'US', %s, 'new', 'import', g %% 100, '{}', false,
                   now(), now()
            FROM generate_series(1, %s) g
            """,
            [team.pk, user.pk, leads],
        )
        conn.execute("VACUUM ANALYZE leads_lead")
    print(f"seeded {leads:,} leads in {time.perf_counter() - start:.1f} s")


def child(way: str) -> None:
    """Stream the team's export once through ASGI-style iteration; print what it cost as JSON."""
    import asyncio

    from asgiref.sync import ThreadSensitiveContext, sync_to_async
    from django.http import QueryDict, StreamingHttpResponse

    from leads import exports
    from primesync import tenancy
    from primesync.models import Team, User

    team = Team.objects.get(slug="export")
    user = User.objects.get(email="manager@export.bench")

    def respond():
        with tenancy.use_team(team):  # the request transaction: it writes the ExportLog row
            response = exports.filtered_leads_csv(team=team, user=user, query=QueryDict(""))
        return response if way == "primesync" else StreamingHttpResponse(response.streaming_content)

    async def serve() -> dict:
        async with ThreadSensitiveContext():
            response = await sync_to_async(respond)()
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start, first_byte, sent = time.perf_counter(), None, 0
            async for part in response:
                first_byte = first_byte or time.perf_counter() - start
                sent += len(part)
            elapsed = time.perf_counter() - start
            await sync_to_async(response.close)()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {"mb_sent": sent / 2**20, "seconds": elapsed, "first_byte_s": first_byte,
                "peak_growth_mb": (peak - before) / 1024, "peak_rss_mb": peak / 1024}

    print(json.dumps(asyncio.run(serve())))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["primesync", "peer"])
    args = parser.parse_args()
    if args.child:
        setup_django(DB, recreate=False)
        child(args.child)
        return
    header("CSV export", f"python bench/export.py --leads {args.leads}")
    setup_django(DB)
    seed(args.leads)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "primesync.settings"}
    for way in ("primesync", "peer"):
        done = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "export.py"), "--child", way],
                              capture_output=True, text=True, env=env, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        rate = figures["mb_sent"] / figures["seconds"]
        print(f"{way:10} {figures['mb_sent']:7.1f} MiB sent in {figures['seconds']:6.1f} s ({rate:5.1f} MiB/s), "
              f"first byte after {figures['first_byte_s']:.3f} s, peak RSS +{figures['peak_growth_mb']:.0f} MiB "
              f"while streaming ({figures['peak_rss_mb']:.0f} MiB in all)")


if __name__ == "__main__":
    main()
