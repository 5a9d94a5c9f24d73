"""CSV import of 100,000 leads (10% duplicates, 2% bad rows), end to end, against two peers in the same run.

- PrimeSync: upload, start, run (checks in Python, COPY into a staging table, set-based SQL for
  validation, dedupe and the writes, in chunks), as the worker runs it, with audit rows and
  LEAD_CREATED events written by the triggers;
- django-import-export (the usual Django way): a ModelResource with the email as import id (so a
  second run updates instead of duplicating), ``use_bulk``, on the same file;
- raw COPY alone: the file's good rows copied straight into ``leads_lead`` (no checks, no dedupe;
  triggers on), the floor for writing that many rows.

Each way runs on a fresh team holding the same 5,000 leads that half of the file's duplicates repeat.

    python bench/import.py [--rows 100000] [--peer-rows 100000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import time

from common import header, setup_django

EXISTING = 5000
HEADERS = ["First Name", "Last Name", "Email", "Phone", "Company", "Job Title", "Country", "Employees", "Created"]
FIRST = ["Ana", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kai", "Lena", "Marco"]
LAST = ["Silva", "Carter", "Novak", "Jensen", "Ito", "Moreau", "Rossi", "Schmidt", "Kowalski", "Haddad", "Okafor"]
COMPANIES = [f"{a} {b}" for a in ("Acme", "Globex", "Initech", "Hooli", "Wonka", "Tyrell", "Stark", "Wayne")
             for b in ("Inc", "Ltd", "GmbH", "Labs", "Systems", "Group", "Partners", "SA")]
BAD_KINDS = ["email", "phone", "nobody", "fields", "long", "number", "date"]


def person(i: int) -> list[str]:
    company = COMPANIES[i % len(COMPANIES)]
    return [FIRST[i % len(FIRST)], f"{LAST[i % len(LAST)]}{i}", f"person{i}@{company.split()[0].lower()}.example",
            f"+1 415 {200 + i // 10000:03d} {i % 10000:04d}", company, "VP Sales", "US", str(10 + i % 5000),
            f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"]


def bad_row(i: int, kind: str) -> list[str]:
    row = person(i)
    if kind == "email":
        row[2] = f"person{i}-at-nowhere"
    elif kind == "phone":
        row[3] = "call me"
    elif kind == "nobody":
        row[0:4] = ["", "", "", ""]
    elif kind == "fields":
        row = row[:5]
    elif kind == "long":
        row[5] = "Senior " * 30
    elif kind == "number":
        row[7] = "about ten"
    else:
        row[8] = "31/31/2024"
    return row


def make_file(rows: int, seed: int = 7) -> tuple[bytes, list[list[str]]]:
    """The CSV, and its good unique rows (what raw COPY loads).

    88% new people, 5% people the team has (their email in capitals), 5% people met earlier in the
    file (found again by phone, the email left out), 2% bad rows of every kind.
    """
    rng = random.Random(seed)
    kinds = ["good"] * 88 + ["dup_existing"] * 5 + ["dup_file"] * 5 + ["bad"] * 2
    out, good, good_people, next_person = [HEADERS], [], [], EXISTING
    for i in range(rows):
        kind = rng.choice(kinds) if i > 100 else "good"
        if kind == "good":
            row = person(next_person)
            good.append(row)
            good_people.append(next_person)
            next_person += 1
        elif kind == "dup_existing":
            row = person(rng.randrange(EXISTING))
            row[2] = row[2].upper()  # the same address, written otherwise
        elif kind == "dup_file":
            row = person(rng.choice(good_people))
            row[2] = ""  # found again by its phone number
        else:
            row = bad_row(next_person, rng.choice(BAD_KINDS))
            next_person += 1
        out.append(row)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(out)
    return buffer.getvalue().encode(), good


def fresh_team(slug: str):
    from django.utils import timezone

    from leads.models import Lead
    from primesync import bulk, tenancy
    from primesync.models import Membership, User
    from primesync.services import team_create

    team = team_create(name=slug.title(), slug=slug)
    user = User.objects.create_user(f"manager@{slug}.bench", "bench-password")
    Membership.objects.create(team=team, user=user, role="manager")
    with tenancy.use_team(team):
        rows = [person(i) for i in range(EXISTING)]
        bulk.insert(Lead, [Lead(team=team, first_name=r[0], last_name=r[1], email=r[2], phone=r[3], company_name=r[4],
                                title=r[5], country=r[6], updated_at=timezone.now()) for r in rows],
                    ["team", "first_name", "last_name", "email", "phone", "company_name", "title", "country",
                     "status", "source", "quality_score", "quality_factors", "email_opt_out", "created_at",
                     "updated_at"])
    return team, user


def count_rows(team) -> dict:
    from django.db import connection

    from primesync import tenancy

    with tenancy.use_team(team), connection.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM leads_lead), (SELECT count(*) FROM leads_leadevent), "
                    "(SELECT count(*) FROM primesync_outboxevent WHERE type = 'LEAD_CREATED')")
        leads, audit_rows, events = cur.fetchone()
    return {"leads": leads, "audit rows": audit_rows, "LEAD_CREATED events": events}


def run_primesync(data: bytes, slug: str) -> tuple[float, dict]:
    from leads import search
    from leads.imports import services
    from primesync import tenancy

    team, user = fresh_team(slug)
    start = time.perf_counter()
    with tenancy.use_team(team):
        upload = services.import_file_upload(team=team, by=user, name="bench.csv", data=data)
        job = services.import_start(team=team, by=user, may_assign=True, import_file=upload)
    job = services.import_run(team_id=team.pk, import_id=job.pk)
    elapsed = time.perf_counter() - start
    # what the worker does next, after the job is done: merge the search entries the import parked
    flush_start = time.perf_counter()
    search.search_index_flush()
    flush = time.perf_counter() - flush_start
    return elapsed, {"created": job.created, "duplicates": job.duplicates, "rejected": job.rejected,
                     **count_rows(team), "search index merge after (s)": round(flush, 2)}


def run_peer(data: bytes, slug: str) -> tuple[float, dict]:
    """django-import-export as its docs set it up for a large file: bulk writes, rows validated by the model."""
    import tablib
    from import_export import resources

    from leads.models import Lead
    from primesync import audit, tenancy

    team, _ = fresh_team(slug)

    class LeadResource(resources.ModelResource):
        class Meta:
            model = Lead
            fields = ("first_name", "last_name", "email", "phone", "company_name", "title", "country")
            import_id_fields = ("email",)  # a second run of the file updates instead of duplicating
            use_bulk = True
            batch_size = 1000
            skip_unchanged = True
            clean_model_instances = True  # full_clean(): email format, lengths, the lead's check constraint

        def init_instance(self, row=None):
            return Lead(team=team, source="import")  # before full_clean(), which wants the team

        def after_import(self, dataset, result, **kwargs):
            pass  # its default resets the id sequence (loaddata's way), which the app role may not do

        def get_instance(self, instance_loader, row):
            # by the indexed lower-cased email (a plain "email = %s" has no index here: each row would scan
            # the team), and no email: a new lead
            email = (row.get("email") or "").strip().lower()
            return next(iter(Lead.objects.filter(key_email=email).order_by()[:1]), None) if email else None

    names = ["first_name", "last_name", "email", "phone", "company_name", "title", "country", "employees", "created"]
    dataset = tablib.Dataset(headers=names)
    start = time.perf_counter()
    for row in list(csv.reader(io.StringIO(data.decode())))[1:]:
        if len(row) == len(names):  # tablib refuses rows of another length
            dataset.append(row)
    with tenancy.use_team(team):
        audit.set_context(source="import")
        result = LeadResource().import_data(dataset, raise_errors=False)
    if result.has_errors():  # it then rolls the whole file back: say why
        print("django-import-export:", (result.base_errors or result.row_errors()[0][1])[0].error)
    elapsed = time.perf_counter() - start
    return elapsed, {"new": result.totals.get("new", 0), "updated": result.totals.get("update", 0),
                     "skipped": result.totals.get("skip", 0), "invalid": result.totals.get("invalid", 0),
                     "errors": result.totals.get("error", 0), **count_rows(team)}


def run_copy(good: list[list[str]], slug: str) -> tuple[float, dict]:
    from django.db import connection

    from primesync import audit, tenancy

    team, _ = fresh_team(slug)
    start = time.perf_counter()
    # COPY FROM is refused under row-level security: the floor is measured through the audited bypass role
    with tenancy.use_team(team), tenancy.bypass(reason="bench: raw COPY floor"):
        audit.set_context(source="import")
        with connection.connection.cursor() as cur, cur.copy(
            "COPY leads_lead (team_id, first_name, last_name, email, phone, company_name, title, country, status, "
            "source, quality_score, quality_factors, email_opt_out, created_at, updated_at) FROM STDIN"
        ) as copy:
            for r in good:
                copy.write_row((team.pk, r[0], r[1], r[2].lower(), r[3], r[4], r[5], r[6], "new", "import", 0, "{}",
                                False, r[8], "now"))
    elapsed = time.perf_counter() - start
    return elapsed, count_rows(team)


def _times(runs) -> str:
    return ", ".join(f"{t:.2f} s" for t, _ in runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--peer-rows", type=int, default=100_000, help="fewer: the peer's time is scaled up")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    header("CSV import", f"python bench/import.py --rows {args.rows} --peer-rows {args.peer_rows} "
                         f"--rounds {args.rounds}")
    setup_django("primesync_bench_import")
    data, good = make_file(args.rows)
    print(f"file: {args.rows:,} rows, {len(data) / 2**20:.1f} MiB, {len(good):,} good unique rows; "
          f"the team holds {EXISTING:,} leads before each run")
    ours, copies = [], []
    for n in range(args.rounds):  # interleaved, best of the rounds (the machine is shared)
        ours.append(run_primesync(data, f"ps{n}"))
        copies.append(run_copy(good, f"copy{n}"))
    best, best_copy = min(t for t, _ in ours), min(t for t, _ in copies)
    print(f"PrimeSync import, end to end:  {best:6.2f} s  {ours[0][1]}  (rounds: {_times(ours)})")
    print(f"raw COPY of the good rows:     {best_copy:6.2f} s  {copies[0][1]}  (rounds: {_times(copies)})")
    peer_data = data if args.peer_rows == args.rows else make_file(args.peer_rows)[0]
    peer_time, peer_counts = run_peer(peer_data, "peer")
    scaled = peer_time * args.rows / args.peer_rows
    print(f"django-import-export, {args.peer_rows:,} rows: {peer_time:6.2f} s  {peer_counts}")
    print(f"django-import-export / PrimeSync: {scaled / best:.1f}x"
          f"{' (the peer time scaled to the same rows)' if args.peer_rows != args.rows else ''}")
    print(f"PrimeSync / raw COPY: {best / best_copy:.2f}x")


if __name__ == "__main__":
    main()
