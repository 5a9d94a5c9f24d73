"""Build a large team for the speed benchmarks: 1,000,000 leads and 200,000 deals by default.

Rows go in with COPY through the administrative login of DATABASE_URL (a superuser on the dev
machine): COPY cannot run under row-level security, and seeding is set-up, not the code we
measure. Secondary indexes are dropped before the COPY and rebuilt after (the usual bulk-load
technique), audit triggers are off for the seeded rows (session_replication_role), and the
tables are vacuumed and analyzed at the end.

    python bench/seed_large.py [--leads 1000000] [--deals 200000] [--db primesync_bench_large]

With ``--with-dashboard-data`` (bench/dashboard.py) the team also gets what its dashboard reads, as
if it had been kept by the app all along: deals that walked through the stages (their stage log,
with the time spent in each, and the per-stage totals the deal triggers keep), deals linked to the
leads they came from, speed-to-lead clocks for the last year's leads and their first touches,
quotas for this quarter, stale-deal alerts and a forecast snapshot a day since the quarter began.
The COPY does not fire triggers (session_replication_role), so these are filled set-based after
it. Ids then follow creation time, as in a live system.
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


STAGE_WEIGHTS = [30, 22, 16, 10, 14, 8]  # how many seeded deals are in each stage, Prospecting to Lost
LEAD_SPAN = 2 * 365 * 24 * 60  # minutes: leads came in over two years
# With dashboard data: the days a deal spent in each open stage before moving on (Prospecting to Negotiation)
DAYS_IN_STAGE = [(2, 12), (4, 20), (6, 30), (3, 25)]


def seed(leads: int, deals: int, *, dashboard_data: bool = False) -> dict:
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
                # with dashboard data, ids follow creation time as in a live system (the time ranges of the
                # dashboard's queries then meet neighbouring rows, as they do in production)
                age = rng.randint(0, LEAD_SPAN) if not dashboard_data else (leads - i) * LEAD_SPAN // leads
                created = now - timedelta(minutes=age)
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
                    "f",
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
                "email_opt_out",
            ],
            lead_rows(),
        )
        timings["copy leads"] = time.perf_counter() - start
        cur.execute("SELECT min(id) FROM leads_lead WHERE team_id = %s", [team.pk])
        first_lead = cur.fetchone()[0]

        def deal_rows():
            today = date.today()
            for i in range(deals):
                stage = rng.choices(stages, weights=STAGE_WEIGHTS)[0]
                days = rng.randint(0, 700) if not dashboard_data else 700 * (deals - i) / deals
                created = now - timedelta(days=days)
                entered, lead = created, "\\N"
                if dashboard_data:
                    entered = _stage_entered(rng, stage, created, now)
                    if rng.random() < 0.4:  # converted from a lead that came in during the 60 days before
                        age = (now - created + timedelta(days=rng.uniform(0, 60))).total_seconds() / 60
                        lead = str(first_lead + min(leads - 1, max(0, int(leads * (1 - age / LEAD_SPAN)))))
                closed = entered.isoformat() if stage.kind != "open" else "\\N"
                yield [
                    str(team.pk),
                    f"Deal {i} - {rng.choice(WORDS)}",
                    f"{rng.randint(1, 400) * 500}.00",
                    "USD",
                    str(pipeline.pk),
                    str(stage.pk),
                    str(rng.choice(reps)),
                    (today + timedelta(days=rng.randint(-60, 180))).isoformat(),
                    entered.isoformat(),
                    closed,
                    "Lost to a competitor" if stage.kind == "lost" else "",
                    rng.choice(["", "Send proposal", "Demo for the team"]),
                    created.isoformat(),
                    entered.isoformat(),
                    lead,
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
                "lead_id",
            ],
            deal_rows(),
        )
        timings["copy deals"] = time.perf_counter() - start
        other_indexes = []
        if dashboard_data:
            start = time.perf_counter()
            other_indexes = [definition for table in ("dashboards_dealstagechange", "leads_leadsla", "leads_activity")
                             for definition in _drop_indexes(cur, table)]
            _dashboard_rows(cur, team_id=team.pk, stage_ids=[s.pk for s in stages], now=now)
            timings["stage log, totals, speed-to-lead clocks, first touches (set-based)"] = time.perf_counter() - start
        conn.commit()
    start = time.perf_counter()
    _rebuild(conninfo, lead_indexes + deal_indexes + other_indexes)
    timings["rebuild indexes (2 connections)"] = time.perf_counter() - start
    if dashboard_data:
        _dashboard_extras(team=team, rep_ids=reps, rng=rng)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        start = time.perf_counter()
        # VACUUM too: it sets the visibility map (index-only scans) and spares the benchmark an autovacuum
        tables = ["leads_lead", "deals_deal"]
        if dashboard_data:
            tables += ["dashboards_dealstagechange", "dashboards_dealstagetotal", "leads_leadsla", "leads_activity"]
        for table in tables:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        timings["vacuum analyze"] = time.perf_counter() - start
    return timings


def _stage_entered(rng: random.Random, stage, created: datetime, now: datetime) -> datetime:
    """When a deal entered the stage it is in: after some days in each earlier stage (not in the future)."""
    moves = stage.order if stage.kind != "lost" else rng.randint(1, 4)
    days = sum(rng.uniform(*DAYS_IN_STAGE[min(step, 3)]) for step in range(moves))
    return max(created, min(created + timedelta(days=days), now - timedelta(minutes=rng.randint(1, 600))))


# The stage log: each deal's entries, from its creation to the stage it is in. A deal went through every
# open stage before its own (a lost deal was lost after reaching stage ``id % 4``); one in five was
# created straight into its stage (an import). The time between its creation and its entry into its
# stage is split between the stages it left by the weights below (Prospecting 1, Qualification 1.5, ...).
STAGE_LOG_SQL = """
INSERT INTO dashboards_dealstagechange (team_id, deal_id, pipeline_id, from_stage_id, to_stage_id, owner_id,
                                        amount, changed_at, seconds_in_from_stage)
SELECT * FROM (SELECT d.team_id, d.id, d.pipeline_id,
       CASE WHEN g.i > 1 THEN (%(stages)s::bigint[])[g.i - 1] END,
       CASE WHEN g.i = d.n THEN d.stage_id ELSE (%(stages)s::bigint[])[g.i] END,
       d.owner_id, d.amount,
       CASE WHEN d.n = 1 THEN d.created_at
            ELSE d.created_at + (d.stage_entered_at - d.created_at) * (w.at[g.i] / w.at[d.n]) END AS changed_at,
       CASE WHEN g.i > 1 THEN extract(epoch FROM (d.stage_entered_at - d.created_at)
                                             * ((w.at[g.i] - w.at[g.i - 1]) / w.at[d.n]))::bigint END
FROM (SELECT d.id, d.team_id, d.pipeline_id, d.stage_id, d.owner_id, d.amount, d.created_at, d.stage_entered_at,
             CASE WHEN d.id %% 5 = 0 THEN 1 WHEN s.kind = 'lost' THEN d.id %% 4 + 2 ELSE s."order" + 1 END AS n
      FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id WHERE d.team_id = %(team)s) d
CROSS JOIN (SELECT ARRAY[0, 1, 2.5, 4.5, 5.7]::float8[] AS at) w
CROSS JOIN LATERAL generate_series(1, d.n) AS g(i)) AS log
ORDER BY changed_at  -- appended as the moves happened
"""

# Per stage and owner, what the deal triggers keep (as dashboards/migrations/0002_metrics.py backfills it).
STAGE_TOTALS_SQL = """
INSERT INTO dashboards_dealstagetotal (team_id, pipeline_id, stage_id, owner_id, deals, amount)
SELECT team_id, pipeline_id, stage_id, owner_id, count(*), sum(amount) FROM deals_deal WHERE team_id = %(team)s
GROUP BY team_id, pipeline_id, stage_id, owner_id
"""

# The first touch of each touched lead, by its owner: the activity that stopped its clock.
FIRST_TOUCH_SQL = """
INSERT INTO leads_activity (team_id, lead_id, kind, direction, subject, body, occurred_at, created_at, created_by_id)
SELECT s.team_id, s.lead_id, CASE WHEN s.lead_id %% 3 = 0 THEN 'email' ELSE 'call' END, 'out', 'First touch', '',
       s.first_touch_at, s.first_touch_at, l.owner_id
FROM leads_leadsla s JOIN leads_lead l ON l.id = s.lead_id
WHERE s.team_id = %(team)s AND s.first_touch_at IS NOT NULL ORDER BY s.first_touch_at
"""

# Speed-to-lead clocks for the last year's leads (15 minutes to a first touch): most were touched, after an
# exponentially distributed wait of 8 minutes on average; the late and the never touched are breaches.
LEAD_SLA_SQL = """
INSERT INTO leads_leadsla (team_id, lead_id, started_at, due_at, first_touch_at, response_seconds, breached_at)
SELECT team_id, id, created_at, created_at + interval '15 minutes',
       created_at + wait * interval '1 second', wait,
       CASE WHEN (wait IS NULL OR wait > 900) AND created_at + interval '15 minutes' < %(now)s
            THEN created_at + interval '15 minutes' END
FROM (SELECT team_id, id, created_at,
             CASE WHEN random() < 0.93 AND created_at + interval '15 minutes' < %(now)s
                  THEN (5 - 480 * ln(1 - random()))::int END AS wait
      FROM leads_lead WHERE team_id = %(team)s AND created_at >= %(now)s - interval '365 days') l
"""


def _dashboard_rows(cur, *, team_id: int, stage_ids: list[int], now: datetime) -> None:
    params = {"team": team_id, "stages": stage_ids, "now": now}
    cur.execute("SET work_mem = '256MB'")  # the stage log is sorted by time in memory
    cur.execute("SELECT setseed(0.7)")
    cur.execute(STAGE_LOG_SQL, params)
    cur.execute(STAGE_TOTALS_SQL, params)
    cur.execute(LEAD_SLA_SQL, params)
    cur.execute(FIRST_TOUCH_SQL, params)


def _dashboard_extras(*, team, rep_ids: list[int], rng: random.Random) -> None:
    """Small tables, through the app: quotas for this quarter, stale-deal alerts, the forecast's daily trend."""
    from django.utils import timezone

    from dashboards.metrics import periods
    from dashboards.models import MetricSnapshot
    from deals.models import Deal, DealStaleAlert, StageKind
    from deals.services import quota_set
    from primesync import tenancy
    from primesync.models import User

    today = timezone.localdate()
    quarter = periods.this_quarter(today)
    with tenancy.use_team(team):
        for user in User.objects.filter(pk__in=rep_ids):
            quota_set(team=team, user=user, period_start=quarter.start, period_end=quarter.end,
                      amount=rng.randint(60, 140) * 1_000_000)
        # what the hourly stale check (deals.alerts) would have found: 300 open deals quiet for a month
        quiet = (Deal.objects.filter(team=team, stage__kind=StageKind.OPEN,
                                     stage_entered_at__lt=timezone.now() - timedelta(days=30))
                 .order_by("id").values_list("id", "stage_entered_at")[:300])
        DealStaleAlert.objects.bulk_create(DealStaleAlert(team=team, deal_id=i, since=since) for i, since in quiet)
        snapshots = []
        for make_period in periods.STANDARD:
            period = make_period(today)
            for owner_id in [None, *rep_ids]:
                scale = 20 if owner_id is None else 1
                won, forecast = 0.0, rng.uniform(70, 120) * 1_000_000 * scale
                for offset in range((today - period.start).days):
                    day = period.start + timedelta(days=offset)
                    won += rng.uniform(0.5, 1.5) * 1_000_000 * scale
                    forecast *= rng.uniform(0.98, 1.03)
                    snapshots.append(MetricSnapshot(
                        team=team, metric="revenue_forecast", owner_id=owner_id, day=day, period=period.key,
                        value={"won": round(won, 2), "forecast": round(max(forecast, won), 2)},
                        computed_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)))
        MetricSnapshot.objects.bulk_create(snapshots)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--db", default="primesync_bench_large")
    parser.add_argument("--with-dashboard-data", action="store_true",
                        help="also the stage log, totals, speed-to-lead clocks, quotas, alerts and forecast trend")
    args = parser.parse_args()
    started = time.perf_counter()
    setup_django(args.db)
    timings = seed(args.leads, args.deals, dashboard_data=args.with_dashboard_data)
    for step, seconds in timings.items():
        print(f"{step}: {seconds:.1f} s")
    elapsed = time.perf_counter() - started
    print(f"seeded {args.leads:,} leads and {args.deals:,} deals into {args.db} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
