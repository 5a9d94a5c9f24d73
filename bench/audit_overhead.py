"""What the audit triggers cost: writes with and without them, single-row and bulk (10k rows).

Three ways, in one run, on the same table of the same scratch database:
- none: the pghistory triggers disabled (ALTER TABLE ... DISABLE TRIGGER USER, as the owner);
- triggers: PrimeSync's audit, written by the database in the same statement;
- python: the plain way a peer would do it (django-simple-history's approach): the app writes
  the history row itself after each save, and a bulk path writes its history rows in bulk.

Single-row runs are repeated ROUNDS times, bulk runs 4 x ROUNDS times, the three ways interleaved;
the median is reported.

    python bench/audit_overhead.py [--rows 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse

from common import header, median, setup_django, timed

SINGLE = "single-row (one INSERT then one UPDATE per row, each its own transaction)"
BULK_INSERT = "bulk insert (bulk_create, one transaction)"
BULK_UPDATE = "bulk update (queryset.update, one statement)"
BULK_ROUNDS_FACTOR = 4


def run(rows: int, rounds: int) -> dict:
    from django.db import connection, connections, transaction

    from leads.models import Lead, LeadEvent
    from primesync import audit, tenancy
    from primesync.services import team_create

    team = team_create(name="Bench", slug="bench")
    owner = connections["owner"]

    def set_triggers(enabled: bool) -> None:
        with owner.cursor() as cur:
            for table in ("leads_lead",):
                cur.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")

    def python_history(leads, label):
        LeadEvent.objects.bulk_create(
            LeadEvent(pgh_obj_id=lead.pk, pgh_label=label, pgh_context={"source": "bench"},
                      **{f.attname: getattr(lead, f.attname) for f in Lead._meta.concrete_fields})
            for lead in leads
        )

    def single_rows(mode: str) -> None:
        for i in range(rows):
            with tenancy.use_team(team):
                audit.set_context(source="worker")
                lead = Lead.objects.create(team=team, first_name=f"F{i}", last_name="L", email=f"{mode}{i}@b.example")
                if mode == "python":
                    python_history([lead], "insert")
            with tenancy.use_team(team):
                audit.set_context(source="worker")
                lead.title = "Updated"
                lead.save(update_fields=["title", "updated_at"])
                if mode == "python":
                    python_history([lead], "update")

    def bulk(mode: str, results: dict) -> None:
        with transaction.atomic(), tenancy.use_team(team):
            audit.set_context(source="import")
            with timed(results, f"{BULK_INSERT}|{mode}"):
                leads = Lead.objects.bulk_create(
                    Lead(team=team, first_name=f"B{i}", last_name="L", email=f"bulk-{mode}{i}@b.example")
                    for i in range(rows)
                )
                if mode == "python":
                    python_history(leads, "insert")
        with transaction.atomic(), tenancy.use_team(team):
            audit.set_context(source="worker")
            with timed(results, f"{BULK_UPDATE}|{mode}"):
                Lead.objects.filter(team=team).update(status="working")
                if mode == "python":
                    # a peer re-reads the rows to write their history: signals do not fire on update()
                    python_history(list(Lead.objects.filter(team=team)), "update")

    def reset() -> None:
        with owner.cursor() as cur:
            cur.execute("TRUNCATE leads_lead, leads_leadevent CASCADE")

    results: dict = {}
    for _ in range(rounds):
        for mode in ("none", "triggers", "python"):
            set_triggers(mode == "triggers")
            reset()
            with timed(results, f"{SINGLE}|{mode}"):
                single_rows(mode)
    # Bulk runs take a fraction of a second: more rounds, so one noisy round does not decide.
    for _ in range(rounds * BULK_ROUNDS_FACTOR):
        for mode in ("none", "triggers", "python"):
            set_triggers(mode == "triggers")
            reset()
            bulk(mode, results)
    set_triggers(True)
    connection.close()
    return results


def report(results: dict, rows: int) -> None:
    print(f"\nrows per scenario: {rows}; median of {len(results[SINGLE + '|none'])} rounds (single-row)"
          f" and {len(results[BULK_INSERT + '|none'])} rounds (bulk), modes interleaved\n")
    print("| scenario | no audit | audit triggers | ratio | python history (peer) | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for scenario in (SINGLE, BULK_INSERT, BULK_UPDATE):
        none = median(results[f"{scenario}|none"])
        trig = median(results[f"{scenario}|triggers"])
        py = median(results[f"{scenario}|python"])
        print(f"| {scenario} | {none:.3f} s | {trig:.3f} s | {trig / none:.2f}x | {py:.3f} s | {py / none:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    header("Audit trigger overhead", f"python bench/audit_overhead.py --rows {args.rows} --rounds {args.rounds}")
    setup_django("primesync_bench")
    report(run(args.rows, args.rounds), args.rows)


if __name__ == "__main__":
    main()
