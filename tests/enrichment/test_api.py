"""API v1: a lead's enrichment with provenance; asking for a re-enrichment."""

import pytest

from enrichment.models import EnrichmentObservation, LeadEnrichment
from leads.models import EnrichmentRequest
from primesync import tenancy
from tests.factories import LeadFactory


@pytest.fixture
def enriched_lead(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep, title="VP Sales")
    with tenancy.use_team(acme.team):
        LeadEnrichment.objects.create(
            team=acme.team, lead=lead, status="partial", score=50, detail={"apollo": "ok", "linkedin": "error: 502"},
            chosen={"title": {"value": "VP Sales", "source": "apollo", "confidence": 0.7,
                              "observed_at": "2026-11-24T10:00:00+00:00"}})
        EnrichmentObservation.objects.create(team=acme.team, lead=lead, field="title", value="VP Sales",
                                             source="apollo", confidence=0.7)
    return lead


def test_a_leads_enrichment_has_each_fields_provenance(api, acme, enriched_lead, django_assert_max_num_queries):
    client = api(acme.rep)
    with django_assert_max_num_queries(11):
        body = client.get(f"/api/v1/leads/{enriched_lead.pk}/enrichment/").json()
    assert body["status"] == "partial" and body["detail"]["linkedin"] == "error: 502"
    assert body["fields"]["title"] == {"value": "VP Sales", "source": "apollo", "confidence": 0.7,
                                       "observed_at": "2026-11-24T10:00:00+00:00"}
    [observation] = body["observations"]
    assert observation["source"] == "apollo" and observation["field"] == "title"


def test_a_lead_never_enriched_is_pending(api, acme):
    lead = LeadFactory(team=acme.team)
    assert api(acme.rep).get(f"/api/v1/leads/{lead.pk}/enrichment/").json() == {
        "status": "pending", "score": 0, "detail": {}, "fields": {}, "observations": []}


def test_another_teams_lead_is_not_found(api, acme, globex, enriched_lead):
    client = api(globex.manager)
    assert client.get(f"/api/v1/leads/{enriched_lead.pk}/enrichment/").status_code == 404
    assert client.post(f"/api/v1/leads/{enriched_lead.pk}/enrich/").status_code == 404


def test_a_re_enrichment_is_accepted_once(api, acme, enriched_lead):
    client = api(acme.rep)
    first = client.post(f"/api/v1/leads/{enriched_lead.pk}/enrich/")
    again = client.post(f"/api/v1/leads/{enriched_lead.pk}/enrich/")
    assert (first.status_code, first.json()) == (202, {"status": "pending", "queued": True})
    assert again.json()["queued"] is False
    with tenancy.use_team(acme.team):
        assert EnrichmentRequest.objects.filter(lead=enriched_lead, reason="api").count() == 1


def test_a_rep_may_not_re_enrich_someone_elses_lead(api, acme):
    lead = LeadFactory(team=acme.team, owner=acme.manager)
    assert api(acme.rep).post(f"/api/v1/leads/{lead.pk}/enrich/").status_code == 403


def test_the_lead_api_explains_its_quality_score(api, acme, enriched_lead):
    from enrichment.scoring import quality_rescore

    score = quality_rescore(team_id=acme.team.pk, lead_ids=[enriched_lead.pk])[enriched_lead.pk]
    body = api(acme.rep).get(f"/api/v1/leads/{enriched_lead.pk}/").json()
    assert body["quality_score"] == score
    assert set(body["quality_factors"]) == {"email", "phone", "company", "linkedin", "freshness"}
    assert body["quality_factors"]["email"] == {"label": "Email verified", "points": 0, "max": 30, "lost": 30,
                                                "reason": "email not verified yet"}
    assert sum(f["points"] for f in body["quality_factors"].values()) == score
