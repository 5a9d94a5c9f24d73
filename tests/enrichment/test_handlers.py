"""A new lead is enriched by the real relay and a real Celery worker, against the simulator."""

from enrichment.models import LeadEnrichment
from leads.models import EnrichmentRequest, Lead
from leads.services import lead_update
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

    def finished():  # the request is closed by its own statement, just after the enrichment commits
        with tenancy.use_team(acme.team):
            return EnrichmentRequest.objects.filter(lead=lead, reason="created").exclude(status="running").first()

    state = wait_until(enriched, timeout=30, message="the lead to be enriched")
    request = wait_until(finished, timeout=10, message="the request to be closed")
    with tenancy.use_team(acme.team):
        assert (request.reason, request.status, request.detail) == ("created", "done", "lead enriched")
        assert Lead.objects.get(pk=lead.pk).title
        published = OutboxEvent.objects.get(type=events.LEAD_ENRICHED, entity_id=lead.pk)
    assert published.payload["score"] == state.score


def test_an_enriched_lead_is_scored_and_rescored_when_a_person_changes_its_phone(relay, celery_worker_thread,
                                                                                 simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        lead = Lead.objects.create(team=acme.team, first_name="Dana", last_name="Novak",
                                   email="dana.novak@initech.example")

    def scored():
        with tenancy.use_team(acme.team):
            return Lead.objects.filter(pk=lead.pk).exclude(quality_factors={}).first()

    first = wait_until(scored, timeout=30, message="the enriched lead to be scored")

    def nothing_open():  # a request still open would take the new one's place (one open per lead)
        with tenancy.use_team(acme.team):
            return not EnrichmentRequest.objects.filter(lead=lead, status__in=["pending", "running"]).exists()

    wait_until(nothing_open, timeout=30, message="the lead's requests to be closed")
    with tenancy.use_team(acme.team):
        lead_update(lead=first, by=acme.rep, phone="+1 800 555 0199")  # a person types a toll-free number

    def phone_scored():
        found = scored()
        return found if found.quality_factors["phone"]["reason"] == "toll-free number, not a direct dial" else None

    again = wait_until(phone_scored, timeout=30, message="the new phone to be scored")
    assert again.quality_factors["phone"]["points"] == 8

    def verification_requested():  # another handler's rescore can read the new phone first: wait for this one
        with tenancy.use_team(acme.team):
            return EnrichmentRequest.objects.filter(lead=lead, reason="contact changed").exists()

    wait_until(verification_requested, timeout=30, message="the new phone to be sent for verification")
