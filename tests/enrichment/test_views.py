"""Enrichment pages: the lead's panel and its choices, provider health, a bulk re-enrich's progress."""

import uuid

import pytest

from enrichment.models import EnrichmentObservation, LeadEnrichment, VendorSettings
from leads.models import EnrichmentRequest, Lead
from primesync import tenancy
from tests.factories import LeadFactory


@pytest.fixture
def enriched(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep, title="Chief <b>Hacker</b>")
    with tenancy.use_team(acme.team):
        LeadEnrichment.objects.create(
            team=acme.team, lead=lead, status="partial", score=60, detail={"linkedin": "error: linkedin: 502"},
            chosen={"title": {"value": "VP <script>Sales</script>", "source": "apollo", "confidence": 0.7,
                              "observed_at": "2026-11-24T10:00:00+00:00"},
                    "email_status": {"value": "valid", "source": "zerobounce", "confidence": 0.97,
                                     "observed_at": "2026-11-24T10:00:00+00:00"}})
        apollo = EnrichmentObservation.objects.create(team=acme.team, lead=lead, field="title",
                                                      value="VP <script>Sales</script>", source="apollo",
                                                      confidence=0.7)
        zoominfo = EnrichmentObservation.objects.create(team=acme.team, lead=lead, field="title",
                                                        value="Sales Director", source="zoominfo", confidence=0.6)
    return lead, apollo, zoominfo


def test_the_panel_shows_values_sources_the_reason_and_the_candidates(client, acme, enriched,
                                                                      django_assert_max_num_queries):
    lead, apollo, zoominfo = enriched
    client.force_login(acme.rep)
    with django_assert_max_num_queries(14):
        page = client.get(f"/leads/{lead.pk}/enrichment/").content.decode()
    assert 'data-enrichment-status="partial"' in page and "linkedin: 502" in page
    assert "Chief &lt;b&gt;Hacker&lt;/b&gt;" in page and "entered by a person, kept" in page  # typed: kept
    assert f'name="observation" value="{apollo.pk}"' in page and f'value="{zoominfo.pk}"' in page
    assert "<script>Sales" not in page and "VP &lt;script&gt;Sales&lt;/script&gt;" in page
    assert "ZeroBounce · 97% sure" in page and "or Sales Director (ZoomInfo)" in page


def test_choosing_a_candidate_writes_it_to_the_lead(client, acme, enriched):
    lead, _, zoominfo = enriched
    client.force_login(acme.rep)
    page = client.post(f"/leads/{lead.pk}/enrichment/choose/", {"observation": zoominfo.pk}).content.decode()
    with tenancy.use_team(acme.team):
        assert Lead.objects.get(pk=lead.pk).title == "Sales Director"
        assert EnrichmentObservation.objects.filter(lead=lead, source="person", value="Sales Director").exists()
    assert "Sales Director" in page


def test_another_teams_lead_and_observations_are_not_found(client, acme, globex, enriched):
    lead, apollo, _ = enriched
    client.force_login(globex.manager)
    assert client.get(f"/leads/{lead.pk}/enrichment/").status_code == 404
    assert client.post(f"/leads/{lead.pk}/enrichment/choose/", {"observation": apollo.pk}).status_code == 404


def test_a_rep_cannot_choose_for_someone_elses_lead(client, acme, enriched):
    lead, apollo, _ = enriched
    with tenancy.use_team(acme.team):
        Lead.objects.filter(pk=lead.pk).update(owner=acme.manager)
    client.force_login(acme.rep)
    assert client.post(f"/leads/{lead.pk}/enrichment/choose/", {"observation": apollo.pk}).status_code == 403


def test_provider_health_is_for_managers_who_can_set_a_cap(client, acme):
    client.force_login(acme.rep)
    assert client.get("/enrichment/providers/").status_code == 403
    client.force_login(acme.manager)
    page = client.get("/enrichment/providers/").content.decode()
    for vendor in ("zoominfo", "apollo", "linkedin", "zerobounce"):
        assert f'data-vendor="{vendor}"' in page
    response = client.post("/enrichment/providers/", {"vendor": "apollo", "monthly_cap": "500"}, follow=True)
    assert "Apollo: at most 500 credits a month." in response.content.decode()
    assert client.post("/enrichment/providers/", {"vendor": "apollo", "monthly_cap": "-3"}, follow=True)\
        .content.decode().count("whole number of credits") == 1
    with tenancy.use_team(acme.team):
        assert VendorSettings.objects.get(vendor="apollo").monthly_cap == 500


def test_a_bulk_re_enrich_shows_its_progress(client, acme, globex):
    leads = LeadFactory.create_batch(4, team=acme.team)
    client.force_login(acme.manager)
    response = client.post("/leads/bulk/", {"action": "enrich", "ids": [lead.pk for lead in leads]})
    url = response["Location"]
    assert url.startswith("/enrichment/batches/")
    with tenancy.use_team(acme.team):
        first = EnrichmentRequest.objects.filter(lead=leads[0]).get()
        EnrichmentRequest.objects.filter(pk=first.pk).update(status="done")
    page = client.get(url).content.decode()
    assert "1 of 4 leads done" in page and 'value="1"' in page and 'hx-trigger="every 1s"' in page
    assert "0 being enriched now, 3 waiting for a worker" in page
    with tenancy.use_team(acme.team):
        EnrichmentRequest.objects.update(status="done")
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "4 of 4 leads done" in fragment and "data-finished" in fragment and "every 1s" not in fragment
    client.force_login(globex.manager)
    assert client.get(url).status_code == 404
    assert client.get(f"/enrichment/batches/{uuid.uuid4()}/").status_code == 404
    assert client.get("/enrichment/batches/not-a-uuid/").status_code == 404


def test_values_read_like_a_person_would_write_them():
    from decimal import Decimal

    from enrichment.templatetags.enrichment_tags import enriched_value, source_name

    assert [enriched_value(v) for v in (True, False, ["AWS", "Stripe"], 2160000, Decimal("60000000.00"),
                                        Decimal("12.50"), None, "VP")] == [
        "Yes", "No", "AWS, Stripe", "2,160,000", "60,000,000", "12.5", "", "VP"]
    assert source_name("linkedin") == "LinkedIn source" and source_name("person") == "a person"
