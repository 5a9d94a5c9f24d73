"""Build a large team for the speed benchmarks: 1,000,000 leads and 200,000 deals by default.

Rows go in with COPY through the administrative login of DATABASE_URL (a superuser on the dev
machine): COPY cannot run under row-level security, and seeding is set-up, not the code we
measure. Secondary indexes are dropped before the COPY and rebuilt after (the usual bulk-load
technique), audit triggers are off for the seeded rows (session_replication_role), and the
tables are vacuumed and analyzed at the end.

    python bench/seed_large.py [--leads 1000000] [--deals 200000] [--db primesync_bench_large]
"""

from __future__ import annotations

import argparse
import io
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from common import setup_django

FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jon",
    "Kai",
    "Lena",
    "Marco",
    "Nina",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yara",
    "Zoe",
    "Maria",
    "Mark",
    "Martin",
    "Marta",
    "Oliver",
    "Olga",
    "Paul",
    "Petra",
    "Raj",
    "Rita",
    "Sofia",
    "Sven",
    "Tom",
    "Tina",
]
LAST = [
    "Silva",
    "Carter",
    "Novak",
    "Jensen",
    "Ito",
    "Moreau",
    "Rossi",
    "Schmidt",
    "Kowalski",
    "Haddad",
    "Okafor",
    "Larsen",
    "Weber",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ivanova",
    "Kim",
    "Lopez",
    "Murphy",
    "Nakamura",
    "Olsen",
    "Patel",
    "Quinn",
    "Reyes",
    "Smith",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Young",
    "Zimmer",
    "Baker",
    "Brooks",
    "Chen",
    "Diaz",
    "Ellis",
    "Ford",
    "Grant",
]
WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Gringotts",
    "Vandelay",
    "Oscorp",
    "Aperture",
    "Massive",
    "Dynamic",
    "Blue",
    "Sun",
    "Monarch",
    "Nakatomi",
    "Virtucon",
    "Pied",
    "Piper",
    "Bluth",
    "Dunder",
    "Sterling",
]
SUFFIX = ["Inc", "Ltd", "GmbH", "SA", "Group", "Labs", "Systems", "Partners"]
TITLES = ["VP Sales", "CTO", "Head of Ops", "CFO", "Procurement Lead", "IT Manager", "CEO", "RevOps Manager"]
STATUSES = ["new"] * 35 + ["working"] * 30 + ["qualified"] * 15 + ["disqualified"] * 12 + ["converted"] * 8
SOURCES = ["web", "referral", "outbound", "event", "partner", "import", "api", "other"]
COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "NL", "ES", "CA", "BR", "AU", "SG"]


def _copy(cur, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for n, row in enumerate(rows, 1):
            buffer.write("\t".join(row))
            buffer.write("\n")
            if n % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def _drop_indexes(cur, table: str) -> list[str]:
    cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_index x ON x.indexrelid = i.indexname::regclass "
        "WHERE i.tablename = %s AND NOT x.indisprimary AND NOT x.indisunique",
        [table],
    )
    saved = cur.fetchall()
    for name, _ in saved:
        cur.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in saved]


def _rebuild(conninfo: str, definitions: list[str]) -> None:
    """Recreate the dropped indexes on two connections at once (one per core); GIN first, it is the longest."""
    import psycopg

    def build(definition: str) -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            conn.execute(definition)

    ordered = sorted(definitions, key=lambda d: "USING gin" not in d)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(build, ordered))


def seed(leads: int, deals: int) -> dict:
    import psycopg
    from django.conf import settings

    from deals.models import Stage
    from deals.services import pipeline_create_default
    from primesync import db_setup, tenancy
    from primesync.models import Role
    from primesync.services import member_add, team_create, user_create

    team = team_create(name="Bench Co", slug="bench")
    manager = user_create(email="manager@bench.test", password="primesync-demo", full_name="Bench Manager")
    member_add(team=team, user=manager, role=Role.MANAGER)
    reps = []
    for i in range(20):
        rep = user_create(email=f"rep{i}@bench.test", password="primesync-demo", full_name=f"Rep {i}")
        member_add(team=team, user=rep, role=Role.REP)
        reps.append(rep.pk)
    with tenancy.use_team(team):
        pipeline = pipeline_create_default(team=team)
        stages = list(Stage.objects.filter(pipeline=pipeline).order_by("order"))

    rng = random.Random(7)
    now = datetime.now(UTC)
    timings = {}
    conninfo = db_setup.admin_conninfo(settings.DATABASE_URL, settings.DATABASES["default"]["NAME"])
    with psycopg.connect(conninfo, autocommit=False) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no audit rows for seeded data
        cur.execute("SET maintenance_work_mem = '512MB'")
        start = time.perf_counter()
        lead_indexes = _drop_indexes(cur, "leads_lead")
        deal_indexes = _drop_indexes(cur, "deals_deal")

        def lead_rows():
            for i in range(leads):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                company = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIX)}"
                domain = company.lower().replace(" ", "")[:40] + ".com"
                created = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
                owner = str(rng.choice(reps)) if rng.random() > 0.1 else "\\N"
                score = rng.randint(0, 100)
                yield [
                    str(team.pk),
                    first,
                    last,
                    f"{first}.{last}{i}@{domain}".lower(),
                    f"+1 {rng.randint(201, 989)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}",
                    rng.choice(TITLES),
                    company,
                    rng.choice(COUNTRIES),
                    owner,
                    rng.choice(STATUSES),
                    rng.choice(SOURCES),
                    str(score),
                    '{"seeded": 1}',
                    created.isoformat(),
                    created.isoformat(),
                ]

        _copy(
            cur,
            "leads_lead",
            [
                "team_id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "title",
                "company_name",
                "country",
                "owner_id",
                "status",
                "source",
                "quality_score",
                "quality_factors",
                "created_at",
                "updated_at",
            ],
            lead_rows(),
        )
        timings["copy leads"] = time.perf_counter() - start

        def deal_rows():
            today = date.today()
            for i in range(deals):
                stage = rng.choices(stages, weights=[30, 22, 16, 10, 14, 8])[0]
                created = now - timedelta(days=rng.randint(0, 700))
                closed = created.isoformat() if stage.kind != "open" else "\\N"
                yield [
                    str(team.pk),
                    f"Deal {i} - {rng.choice(WORDS)}",
                    f"{rng.randint(1, 400) * 500}.00",
                    "USD",
                    str(pipeline.pk),
                    str(stage.pk),
                    str(rng.choice(reps)),
                    (today + timedelta(days=rng.randint(-60, 180))).isoformat(),
                    created.isoformat(),
                    closed,
                    "Lost to a competitor" if stage.kind == "lost" else "",
                    rng.choice(["", "Send proposal", "Demo for the team"]),
                    created.isoformat(),
                    created.isoformat(),
                ]

        start = time.perf_counter()
        _copy(
            cur,
            "deals_deal",
            [
                "team_id",
                "name",
                "amount",
                "currency",
                "pipeline_id",
                "stage_id",
                "owner_id",
                "expected_close_date",
                "stage_entered_at",
                "closed_at",
                "lost_reason",
                "next_step",
                "created_at",
                "updated_at",
            ],
            deal_rows(),
        )
        timings["copy deals"] = time.perf_counter() - start
        conn.commit()
    start = time.perf_counter()
    _rebuild(conninfo, lead_indexes + deal_indexes)
    timings["rebuild indexes (2 connections)"] = time.perf_counter() - start
    with psycopg.connect(conninfo, autocommit=True) as conn:
        start = time.perf_counter()
        # VACUUM too: it sets the visibility map (index-only scans) and spares the benchmark an autovacuum
        conn.execute("VACUUM (ANALYZE) leads_lead")
        conn.execute("VACUUM (ANALYZE) deals_deal")
        timings["vacuum analyze"] = time.perf_counter() - start
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--db", default="primesync_bench_large")
    args = parser.parse_args()
    started = time.perf_counter()
    setup_django(args.db)
    timings = seed(args.leads, args.deals)
    for step, seconds in timings.items():
        print(f"{step}: {seconds:.1f} s")
    elapsed = time.perf_counter() - started
    print(f"seeded {args.leads:,} leads and {args.deals:,} deals into {args.db} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
