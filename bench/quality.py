"""Quality rescoring: the nightly job's bulk path against the plain per-lead way, on the same leads.

N leads, each with an enrichment state (verdicts, LinkedIn, company), all scored from scratch:

- bulk: ``quality_rescore_team`` as the nightly job runs it (chunks of 2,000: one read with the
  company, enrichment and quality rows joined, one UPDATE of the changed scores, one upsert of the
  review states that moved), first on new leads, then again with nothing changed (a quiet night);
- the peer way, in the same run: for each lead, load it with its relations, score it with the same
  rule and ``save(update_fields=...)`` it, as a signal or a per-lead task would.

    python bench/quality.py [--leads 20000] [--peer 2000]
"""

from __future__ import annotations

import argparse
import random
import time

from common import header, setup_django

DB = "primesync_bench_quality"
STATUSES = ["valid"] * 6 + ["catch-all", "unknown", "invalid", ""]


def make_leads(team, count: int) -> list[int]:
    from django.utils import timezone

    from enrichment.models import LeadEnrichment
    from leads.models import Company, Lead
    from primesync import tenancy

    rng = random.Random(7)
    with tenancy.use_team(team):
        companies = Company.objects.bulk_create([
            Company(team=team, name=f"Company {i}", domain=f"company{i}.example", industry="Software" if i % 3 else "")
            for i in range(count // 10)])
        leads = Lead.objects.bulk_create([
            Lead(team=team, first_name=f"P{i}", last_name="Quality", email=f"p{i}@company{i // 10}.example",
                 phone=rng.choice(["+1 512 555 0147", "+1 800 555 0199", "", "12"]), company=companies[i // 10])
            for i in range(count)], batch_size=2000)
        now = timezone.now()
        LeadEnrichment.objects.bulk_create([
            LeadEnrichment(team=team, lead=lead, status="enriched", email_status=rng.choice(STATUSES),
                           email_free=rng.random() < 0.1, email_disposable=False,
                           linkedin_url="linkedin.com/in/x" if rng.random() < 0.7 else "",
                           chosen={"linkedin_url": {"confidence": rng.choice([0.5, 0.9])}},
                           detail={"zerobounce": "ok", "linkedin": "no match", "zoominfo_company": "ok"},
                           enriched_at=now)
            for lead in leads], batch_size=2000)
    return [lead.pk for lead in leads]


def peer_rescore(team_id: int, ids: list[int]) -> None:
    """One lead at a time: what a post_save signal or a per-lead task does."""
    from django.db import transaction
    from django.utils import timezone

    from enrichment import quality
    from enrichment.scoring import _facts
    from leads.models import Lead
    from primesync import tenancy

    with tenancy.use_team(team_id):
        for pk in ids:
            with transaction.atomic():
                lead = Lead.objects.select_related("company", "enrichment").get(pk=pk)
                lead.quality_score, lead.quality_factors = quality.score(_facts(lead), now=timezone.now())
                lead.save(update_fields=["quality_score", "quality_factors"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=20000)
    parser.add_argument("--peer", type=int, default=2000, help="leads the per-lead peer scores (it is slow)")
    args = parser.parse_args()
    header("Quality rescoring", f"python bench/quality.py --leads {args.leads} --peer {args.peer}")
    setup_django(DB)
    from enrichment.scoring import quality_rescore_team
    from leads.models import Lead
    from primesync import tenancy
    from primesync.models import Team

    team = Team.objects.create(name="Bench", slug="bench")
    ids = make_leads(team, args.leads)

    def bulk_pass() -> float:
        start = time.perf_counter()
        quality_rescore_team(team_id=team.pk)
        return args.leads / (time.perf_counter() - start)

    def peer_pass() -> float:
        start = time.perf_counter()
        peer_rescore(team.pk, ids[: args.peer])
        return args.peer / (time.perf_counter() - start)

    first_bulk, again_bulk = bulk_pass(), bulk_pass()  # every score new; then a night where nothing moved
    with tenancy.use_team(team):
        Lead.objects.update(quality_score=0, quality_factors={})
    first_peer, again_peer = peer_pass(), peer_pass()
    for label, bulk_rate, peer_rate in (("first scoring", first_bulk, first_peer),
                                        ("nightly rerun, nothing changed", again_bulk, again_peer)):
        print(f"{label}: bulk {bulk_rate:,.0f} leads/s ({args.leads} leads), "
              f"peer {peer_rate:,.0f} leads/s ({args.peer} leads): {bulk_rate / peer_rate:.1f}x")


if __name__ == "__main__":
    main()
