"""A new lead is enriched by the real relay and a real Celery worker, against the simulator."""

from enrichment.models import LeadEnrichment
from leads.models import EnrichmentRequest, Lead
from primesync import events, tenancy
from primesync.models import OutboxEvent
from tests.conftest import make_team
from tests.workers import wait_until


def test_a_new_lead_is_enriched_by_the_workers(relay, celery_worker_thread, simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        lead = Lead.objects.create(team=acme.team, first_name="Dana", email="dana.novak@initech.example")

    def enriched():
        with tenancy.use_team(acme.team):
            return LeadEnrichment.objects.filter(lead=lead, status="enriched").first()

    state = wait_until(enriched, timeout=30, message="the lead to be enriched")
    with tenancy.use_team(acme.team):
        request = EnrichmentRequest.objects.get(lead=lead)
        assert (request.reason, request.status, request.detail) == ("created", "done", "lead enriched")
        assert Lead.objects.get(pk=lead.pk).title
        published = OutboxEvent.objects.get(type=events.LEAD_ENRICHED, entity_id=lead.pk)
    assert published.payload["score"] == state.score
