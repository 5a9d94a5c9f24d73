"""The enrichment queue: claimed once, finished with the lead's outcome, stuck work released, partials retried."""

from datetime import timedelta

from django.utils import timezone

from enrichment import services
from enrichment.models import EnrichmentObservation, LeadEnrichment, VendorSettings
from leads.models import EnrichmentRequest, Lead
from leads.services import enrichment_request
from primesync import tenancy
from tests.conftest import make_team
from tests.factories import LeadFactory


def requests_of(team):
    with tenancy.use_team(team):
        return list(EnrichmentRequest.objects.order_by("id").values_list("lead_id", "status", "detail"))


def test_the_queue_is_worked_in_batches_and_each_request_says_how_it_went(committed, simulator):
    acme = make_team("acme")
    leads = [LeadFactory(team=acme.team, email=f"p{i}@initech.example") for i in range(5)]
    with tenancy.use_team(acme.team):
        enrichment_request(team=acme.team, by=acme.rep, leads=leads)
    assert services.enrichment_process_pending(team_id=acme.team.pk, batch=2) == 5
    assert {(status, detail) for _, status, detail in requests_of(acme.team)} == {("done", "lead enriched")}
    assert services.enrichment_process_pending(team_id=acme.team.pk) == 0  # nothing left, nothing done twice


def test_a_request_a_dead_worker_left_running_goes_back_to_the_queue(committed):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team)
    with tenancy.use_team(acme.team):
        enrichment_request(team=acme.team, by=None, leads=[lead])
        EnrichmentRequest.objects.update(status="running", started_at=timezone.now() - timedelta(minutes=11))
        fresh = LeadFactory(team=acme.team)
        enrichment_request(team=acme.team, by=None, leads=[fresh])
        EnrichmentRequest.objects.filter(lead=fresh).update(status="running", started_at=timezone.now(),
                                                            requested_at=timezone.now() - timedelta(hours=1))
    assert services.enrichment_release_stuck(team_id=acme.team.pk) == 1
    assert dict((lead_id, status) for lead_id, status, _ in requests_of(acme.team)) == {
        lead.pk: "pending", fresh.pk: "running"}


def test_partial_leads_are_asked_for_again_later(committed, simulator):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, email="dana@initech.example")
    simulator.configure(zerobounce={"error_rate": 1.0})
    with tenancy.use_team(acme.team):
        enrichment_request(team=acme.team, by=None, leads=[lead])
    services.enrichment_process_pending(team_id=acme.team.pk)
    assert services.enrichment_retry_partial(team_id=acme.team.pk) == 0  # too recent to retry yet
    simulator.configure(zerobounce={"error_rate": 0.0})
    assert services.enrichment_retry_partial(team_id=acme.team.pk, older_than=timedelta(0)) == 1
    services.enrichment_process_pending(team_id=acme.team.pk)
    with tenancy.use_team(acme.team):
        assert LeadEnrichment.objects.get(lead=lead).status == "enriched"
    assert [(s, r) for _, s, r in requests_of(acme.team)] == [("done", "lead partial"), ("done", "lead enriched")]


def test_a_persons_choice_is_written_and_outlives_later_enrichment(committed, simulator):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, email="dana.novak@initech.example", title="")
    services.enrich_leads(acme.team.pk, [lead.pk])
    with tenancy.use_team(acme.team):
        lead = Lead.objects.get(pk=lead.pk)
        other = EnrichmentObservation.objects.filter(lead=lead, field="title").exclude(value=lead.title).first() \
            or EnrichmentObservation.objects.create(team=acme.team, lead=lead, field="title", value="Field CTO",
                                                    source="apollo", confidence=0.2)
        services.enrichment_choose(lead=lead, by=acme.rep, observation=other)
    services.enrich_leads(acme.team.pk, [lead.pk])
    with tenancy.use_team(acme.team):
        assert Lead.objects.get(pk=lead.pk).title == other.value
        assert LeadEnrichment.objects.get(lead=lead).chosen["title"]["source"] == "person"


def test_a_cap_is_set_per_team_and_vendor(committed):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        services.vendor_cap_set(team=acme.team, vendor="apollo", monthly_cap=100)
        services.vendor_cap_set(team=acme.team, vendor="apollo", monthly_cap=50)
        assert list(VendorSettings.objects.values_list("vendor", "monthly_cap")) == [("apollo", 50)]


def test_teams_whose_requests_wait_with_no_worker_are_found(committed):
    acme, globex = make_team("acme"), make_team("globex")
    for ts, minutes in ((acme, 5), (globex, 0)):
        lead = LeadFactory(team=ts.team)
        with tenancy.use_team(ts.team):
            enrichment_request(team=ts.team, by=None, leads=[lead])
            EnrichmentRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=minutes))
    assert services.enrichment_teams_waiting() == [acme.team.pk]  # globex's request is fresh: its event is on the way
