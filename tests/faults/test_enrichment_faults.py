"""Fault test: 1,000 leads enriched by two workers at once while 30% of vendor calls fail.

Mixed faults on every vendor: 500/502, 429 with Retry-After, timeouts and malformed bodies. Nothing
may be lost (every request finishes, every lead is enriched or partial with its reason), no credit
may be counted twice, and a later retry fills the partial leads in.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Sum

from enrichment.models import EnrichmentCall, LeadEnrichment
from enrichment.services import enrichment_process_pending, enrichment_retry_partial
from leads.models import EnrichmentRequest, Lead
from leads.services import enrichment_request
from primesync import tenancy
from tests.conftest import make_team

pytestmark = pytest.mark.slow
VENDORS = ("zoominfo", "apollo", "linkedin", "zerobounce")
LEADS = 1000
FAULTS = {"error_rate": 0.10, "rate_limit_rate": 0.08, "retry_after_s": 1, "timeout_rate": 0.04, "timeout_s": 5,
          "malformed_rate": 0.08, "latency_ms": 20, "jitter_ms": 30, "miss_rate": 0.1}


def work_the_queue_with_two_workers(team_id: int) -> None:
    def worker():
        try:
            enrichment_process_pending(team_id=team_id, batch=100)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)


def test_thirty_percent_failures_lose_nothing_and_charge_nothing_twice(committed, simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        leads = Lead.objects.bulk_create([
            Lead(team=acme.team, first_name=f"P{i}", email=f"person{i}@company{i % 150}.example")
            for i in range(LEADS)])
        enrichment_request(team=acme.team, by=None, leads=leads, reason="fault-test")
    simulator.configure(**{v: FAULTS for v in VENDORS})

    work_the_queue_with_two_workers(acme.team.pk)

    stats = simulator.stats()
    faults = sum(stats[v].get(f, 0) for v in VENDORS for f in ("error", "rate_limited", "timeout", "malformed"))
    assert faults >= 0.15 * sum(stats[v]["requests"] for v in VENDORS)  # 30% expected: the faults did happen
    with tenancy.use_team(acme.team):
        assert EnrichmentRequest.objects.filter(status__in=["pending", "running"]).count() == 0
        states = dict(LeadEnrichment.objects.values_list("status").annotate(n=Count("id")).order_by())
        assert sum(states.values()) == LEADS and set(states) <= {"enriched", "partial"}
        for detail in LeadEnrichment.objects.filter(status="partial").values_list("detail", flat=True):
            assert any(reason.startswith("error: ") for reason in detail.values())
        billed = dict(EnrichmentCall.objects.values_list("vendor").annotate(n=Sum("billed")).order_by())
    # every credit the vendors charged is counted once: no more, no less
    assert {v: billed.get(v, 0) for v in VENDORS} == {v: stats[v].get("billed", 0) for v in VENDORS}

    simulator.configure(**{v: {"error_rate": 0, "rate_limit_rate": 0, "timeout_rate": 0, "malformed_rate": 0}
                           for v in VENDORS})
    for vendor in VENDORS:  # the circuits may have opened during the storm; let the retry in at once
        from enrichment.breaker import Breaker

        Breaker(vendor).reset()
    enrichment_retry_partial(team_id=acme.team.pk, older_than=timedelta(0))
    work_the_queue_with_two_workers(acme.team.pk)
    with tenancy.use_team(acme.team):
        assert set(LeadEnrichment.objects.values_list("status", flat=True)) == {"enriched"}
        billed = dict(EnrichmentCall.objects.values_list("vendor").annotate(n=Sum("billed")).order_by())
    stats = simulator.stats()
    assert {v: billed.get(v, 0) for v in VENDORS} == {v: stats[v].get("billed", 0) for v in VENDORS}
