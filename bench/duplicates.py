"""Duplicate detection at 100,000 leads: the set-based sweep against per-lead lookups.

One team of N leads (default 100,000) built like a real prospect list: people at companies of very
uneven size, corporate and free-mail addresses, office lines shared by colleagues, and 2% planted
duplicates (the same person typed again: another email, a misspelt first name, a reformatted
phone, a company written with or without "Inc"). Measured, in the same run:

- sweep: ``leads.duplicates.scan(team, None)`` as the nightly task runs it: every lead read once,
  blocks by key, each pair in a block scored once; then the same sweep again (pairs exist: upserts);
- import: the scan of 5,000 new leads (10% of them people already there) against the N;
- per lead (the peer): the same finder called once per lead, as a sweep built on the new-lead
  lookup would (about six indexed queries per lead); timed on a sample and extrapolated;
- quality: of the planted pairs, how many the sweep found (recall), and how many pairs it found
  that were not planted (candidates a reviewer dismisses).

    python bench/duplicates.py [--leads 100000] [--sample 2000]
"""

from __future__ import annotations

import argparse
import random
import string
import time

from common import header, setup_django

DB = "primesync_bench_dup"
FIRST = [
    "Ana", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kai", "Lena", "Marco", "Nina",
    "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoe", "Maria", "Mark",
    "Martin", "Marta", "Oliver", "Olga", "Paul", "Petra", "Raj", "Rita", "Sofia", "Sven", "Tom", "Tina", "Jonathan",
    "Katherine", "Michael", "Stephanie", "Alexander", "Christina", "Daniel", "Natalie", "Frederick", "Isabelle",
]
SUFFIXES = ["", " Inc", " Inc.", " LLC", " Ltd", " GmbH", " Corp", " Group"]
FREE = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com"]
FIELDS = ["team", "first_name", "last_name", "email", "phone", "title", "company_name", "country", "status", "source",
          "quality_score", "quality_factors", "email_opt_out", "created_at", "updated_at"]


def word(rng: random.Random, syllables: int) -> str:
    parts = ["".join(rng.choice(c) for c in ("bcdfghklmnprstvz", "aeiou")) for _ in range(syllables)]
    return "".join(parts).capitalize() + rng.choice(["", "s", "n", "r", "t"])


def phone(rng: random.Random) -> str:
    return f"+1 {rng.randint(201, 989)} {rng.randint(200, 999)} {rng.randint(0, 9999):04d}"


def typo(rng: random.Random, name: str) -> str:
    """One letter doubled, dropped or swapped: the kind of slip a rep makes."""
    i = rng.randrange(1, len(name) - 1)
    return rng.choice([name[:i] + name[i] + name[i:], name[:i] + name[i + 1:],
                       name[:i] + name[i + 1] + name[i] + name[i + 2:]])


def prospects(count: int, seed: int = 7) -> tuple[list[dict], set[tuple[int, int]]]:
    """Rows of leads and the planted duplicate pairs, as (index, index)."""
    rng = random.Random(seed)
    surnames = list({word(rng, rng.choice([2, 3])) for _ in range(6000)})
    companies = []
    for _ in range(max(50, count // 12)):
        name = f"{word(rng, 2)} {rng.choice(['Systems', 'Labs', 'Partners', 'Logistics', 'Health', 'Foods', ''])}"
        companies.append((name.strip(), f"{name.split(maxsplit=1)[0].lower()}{rng.randint(1, 99)}.com", phone(rng)))
    weights = [1 / (rank + 1) for rank in range(len(companies))]  # a few big customers, a long tail
    rows: list[dict] = []
    planted: set[tuple[int, int]] = set()
    originals = count - count // 50
    for _ in range(originals):
        first, last = rng.choice(FIRST), rng.choice(surnames)
        company, domain, main_line = rng.choices(companies, weights)[0]
        free = rng.random() < 0.15
        address = f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(FREE)}" if free else f"{first}.{last}@{domain}"
        rows.append({
            "first_name": first, "last_name": last, "company_name": company + rng.choice(SUFFIXES),
            "email": address.lower(),
            "phone": main_line if rng.random() < 0.1 else ("" if rng.random() < 0.2 else phone(rng)),
        })
    while len(rows) < count:
        source = rng.randrange(originals)
        copy = dict(rows[source])
        change = rng.randrange(4)
        if change == 0:
            copy["email"] = copy["email"].upper()
        elif change == 1:
            copy["first_name"] = typo(rng, copy["first_name"]) if len(copy["first_name"]) > 3 else copy["first_name"]
            copy["email"] = f"{copy['first_name'][0]}{copy['last_name']}@{copy['email'].split('@')[1]}".lower()
        elif change == 2 and copy["phone"]:
            digits = "".join(c for c in copy["phone"] if c.isdigit())[-10:]
            copy["phone"] = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
            copy["email"] = ""
        else:
            copy["company_name"] = copy["company_name"].split(" ")[0] + rng.choice(SUFFIXES)
            copy["email"] = f"{copy['first_name'][0]}.{copy['last_name']}@{copy['email'].split('@')[1]}".lower()
        planted.add((source, len(rows)))
        rows.append(copy)
    return rows, planted


def load(team, rows: list[dict]) -> list[int]:
    from django.utils import timezone

    from leads.models import Lead
    from primesync import bulk, tenancy

    now = timezone.now()
    with tenancy.use_team(team):
        first_id = (Lead.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for start in range(0, len(rows), 10000):
            bulk.insert(Lead, [Lead(team=team, country="US", source="other", updated_at=now, **row)
                               for row in rows[start:start + 10000]], FIELDS)
        ids = list(Lead.objects.filter(pk__gte=first_id).order_by("id").values_list("id", flat=True))
    return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000, help="leads timed one by one for the peer")
    parser.add_argument("--import-rows", type=int, default=5000)
    args = parser.parse_args()
    header("Duplicate detection", f"python bench/duplicates.py --leads {args.leads} --sample {args.sample}")
    setup_django(DB)

    from django.db import connections

    from leads import duplicates
    from leads.models import DuplicateCandidate
    from primesync import tenancy
    from primesync.services import team_create

    team = team_create(name="Bench", slug=f"bench-{''.join(random.choices(string.ascii_lowercase, k=6))}")
    rows, planted = prospects(args.leads)
    start = time.perf_counter()
    ids = load(team, rows)
    print(f"loaded {len(ids):,} leads ({len(planted):,} planted duplicates) in {time.perf_counter() - start:.1f} s")
    with connections["owner"].cursor() as cur:  # statistics, as autovacuum would gather them
        cur.execute("ANALYZE leads_lead")

    timings = {}
    for label in ("sweep, first", "sweep, again"):
        start = time.perf_counter()
        with tenancy.use_team(team):
            result = duplicates.scan(team_id=team.pk)
        timings[label] = time.perf_counter() - start
        print(f"{label}: {timings[label]:.2f} s for {result.leads:,} leads, {result.pairs:,} pairs, "
              f"{result.oversized_blocks} oversized blocks skipped")
    with tenancy.use_team(team):
        found = set(DuplicateCandidate.objects.values_list("lead_a_id", "lead_b_id"))
    truth = {(ids[a], ids[b]) for a, b in planted}
    recall = len(found & truth) / len(truth)
    print(f"planted pairs found: {len(found & truth):,} of {len(truth):,} ({recall:.1%}); "
          f"other pairs proposed: {len(found - truth):,} ({len(found - truth) / len(ids):.2%} of the leads)")

    new_rows, _ = prospects(args.import_rows, seed=11)
    rng = random.Random(3)
    for i in range(0, len(new_rows), 10):  # one new lead in ten is someone already there
        new_rows[i] = dict(rng.choice(rows), email=rng.choice(rows)["email"].upper())
    new_ids = load(team, new_rows)
    start = time.perf_counter()
    with tenancy.use_team(team):
        result = duplicates.scan(team_id=team.pk, lead_ids=new_ids)
    imported = time.perf_counter() - start
    print(f"import scan: {imported:.2f} s for {len(new_ids):,} new leads against {len(ids):,}, "
          f"{result.pairs:,} pairs")

    sample = random.Random(5).sample(ids, min(args.sample, len(ids)))
    start = time.perf_counter()
    with tenancy.use_team(team):
        for lead_id in sample:
            probes = duplicates.keyed_leads(team_id=team.pk, lead_ids=[lead_id])
            duplicates.find(team_id=team.pk, probes=probes)
    per_lead = (time.perf_counter() - start) / len(sample)
    peer = per_lead * len(ids)
    print(f"per-lead lookups (peer): {per_lead * 1000:.2f} ms a lead over {len(sample):,} leads, "
          f"{peer:.0f} s extrapolated to {len(ids):,} ({peer / timings['sweep, first']:.0f}x the sweep)")


if __name__ == "__main__":
    main()
