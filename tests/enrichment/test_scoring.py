"""Scoring leads in bulk: stored factors, the low-score rules (re-enrich once, then review), snapshots, and the
"did you mean" fix, against the real database (and the simulator where a vendor answers)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enrichment import scoring
from enrichment.models import LeadEnrichment, LeadQuality, QualitySnapshot
from enrichment.services import enrichment_process_pending
from enrichment.simulator import verdict_for
from leads.models import EnrichmentRequest, Lead
from leads.services import enrichment_request
from primesync import tenancy
from tests.conftest import make_team
from tests.factories import CompanyFactory, LeadFactory

ANSWERED = {"local": "ok", "zerobounce": "ok", "apollo": "ok", "zoominfo": "ok", "zoominfo_company": "ok",
            "linkedin": "ok"}


def enriched_lead(team, *, email_status="valid", linkedin_url="linkedin.com/in/x", detail=None, company=True,
                  **lead_fields):
    lead = LeadFactory(team=team, company=CompanyFactory(team=team) if company else None, **lead_fields)
    with tenancy.use_team(team):
        LeadEnrichment.objects.create(
            team=team, lead=lead, status="enriched", detail=detail or ANSWERED, email_status=email_status,
            email_free=False, email_disposable=False, phone_e164="+14155550100", phone_type="mobile",
            linkedin_url=linkedin_url, enriched_at=timezone.now(),
            chosen={"linkedin_url": {"value": linkedin_url, "source": "linkedin", "confidence": 0.9}})
    return lead


def reload(lead):
    with tenancy.use_team(lead.team_id):
        return Lead.objects.select_related("quality").get(pk=lead.pk)


def requests_for(lead):
    with tenancy.use_team(lead.team_id):
        return list(EnrichmentRequest.objects.filter(lead=lead).values_list("reason", flat=True))


def test_scores_and_factors_are_stored_without_touching_updated_at(acme):
    lead = enriched_lead(acme.team, email_status="catch-all")
    before = reload(lead).updated_at
    assert scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk]) == {lead.pk: 85}
    stored = reload(lead)
    assert stored.quality_score == 85 and stored.updated_at == before
    assert stored.quality_factors["email"] == {
        "label": "Email verified", "points": 15, "max": 30, "lost": 15,
        "reason": "email is catch-all: the domain accepts any address"}


def test_rescoring_is_idempotent(acme, django_assert_max_num_queries):
    leads = [enriched_lead(acme.team) for _ in range(20)]
    ids = [lead.pk for lead in leads]
    first = scoring.quality_rescore(team_id=acme.team.pk, lead_ids=ids)
    rows = lambda: list(LeadQuality.objects.order_by("lead_id").values_list("lead_id", "scored_at", "review_status"))  # noqa: E731
    with tenancy.use_team(acme.team):
        before = [(lead_id, status) for lead_id, _, status in rows()]
    with django_assert_max_num_queries(12):  # bulk: the same few statements for 20 leads as for 1
        assert scoring.quality_rescore(team_id=acme.team.pk, lead_ids=ids) == first
    with tenancy.use_team(acme.team):
        assert [(lead_id, status) for lead_id, _, status in rows()] == before
        assert EnrichmentRequest.objects.count() == 0


def test_a_low_score_that_a_source_could_raise_is_re_enriched_once_then_reviewed(acme):
    lead = enriched_lead(acme.team, email_status="", linkedin_url="", company=False,
                         detail={**ANSWERED, "zerobounce": "error: zerobounce: 500", "linkedin": "error: 502"})
    assert scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])[lead.pk] < 50
    assert requests_for(lead) == ["low quality"]
    assert reload(lead).quality.review_status == ""  # the re-enrichment is on its way: not judged yet
    with tenancy.use_team(acme.team):
        EnrichmentRequest.objects.update(status="done")
    scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])  # the vendors failed again
    assert requests_for(lead) == ["low quality"]  # once only
    quality = reload(lead).quality
    assert quality.review_status == "open"
    assert quality.review_reason.startswith("-30: email not verified yet; -15: ")


def test_a_low_score_no_source_can_raise_goes_straight_to_review(acme):
    lead = enriched_lead(acme.team, email_status="invalid", linkedin_url="", company=False,
                         detail={**ANSWERED, "linkedin": "no match"})
    scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])
    assert requests_for(lead) == []
    assert reload(lead).quality.review_status == "open"


def test_a_score_that_rises_to_50_leaves_the_queue_and_earns_a_new_attempt_later(acme):
    lead = enriched_lead(acme.team, email_status="invalid", linkedin_url="", company=False,
                         detail={**ANSWERED, "linkedin": "no match"})
    scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])
    with tenancy.use_team(acme.team):
        LeadEnrichment.objects.filter(lead=lead).update(email_status="valid")
    assert scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])[lead.pk] >= 50
    quality = reload(lead).quality
    assert (quality.review_status, quality.review_reason, quality.reenrich_requested_at) == ("", "", None)


def test_a_reviewed_lead_stays_out_of_the_queue(acme):
    lead = enriched_lead(acme.team, email_status="invalid", linkedin_url="", company=False,
                         detail={**ANSWERED, "linkedin": "no match"})
    scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])
    with tenancy.use_team(acme.team):
        assert scoring.quality_review_done(team=acme.team, by=acme.manager, lead_ids=[lead.pk]) == 1
    scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])
    quality = reload(lead).quality
    assert (quality.review_status, quality.reviewed_by_id) == ("reviewed", acme.manager.pk)


def test_freshness_decays_and_the_whole_team_is_rescored_in_chunks(acme, monkeypatch):
    monkeypatch.setattr(scoring, "CHUNK", 3)
    leads = [enriched_lead(acme.team) for _ in range(7)]
    old = timezone.now() - timedelta(days=120)
    with tenancy.use_team(acme.team):
        Lead.objects.filter(pk=leads[0].pk).update(updated_at=old)
        LeadEnrichment.objects.filter(lead=leads[0]).update(enriched_at=old)
    assert scoring.quality_rescore_team(team_id=acme.team.pk) == 7
    assert reload(leads[0]).quality_factors["freshness"]["points"] == 10
    assert {reload(lead).quality_score for lead in leads[1:]} == {100}


def test_a_snapshot_keeps_the_days_distribution(acme, globex):
    for status in ("valid", "valid", "catch-all"):
        lead = enriched_lead(acme.team, email_status=status)
        scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])
    other = enriched_lead(globex.team, email_status="invalid")
    scoring.quality_rescore(team_id=globex.team.pk, lead_ids=[other.pk])
    snapshot = scoring.quality_snapshot(team_id=acme.team.pk)
    assert (snapshot.histogram, snapshot.leads, snapshot.average) == ([0] * 8 + [1, 2], 3, 95.0)
    scoring.quality_snapshot(team_id=acme.team.pk)  # the same day again replaces, never doubles
    with tenancy.use_team(acme.team):
        assert QualitySnapshot.objects.count() == 1


@pytest.mark.usefixtures("committed")
def test_did_you_mean_is_fixed_in_one_step_and_the_new_address_verified(simulator):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, email="jane@gmial.com", company_name="")
    with tenancy.use_team(acme.team):
        enrichment_request(team=acme.team, by=None, leads=[lead])
    enrichment_process_pending(team_id=acme.team.pk)
    with tenancy.use_team(acme.team):
        state = LeadEnrichment.objects.get(lead=lead)
        assert (state.email_status, state.email_did_you_mean) == ("invalid", "jane@gmail.com")
        lead = Lead.objects.select_related("enrichment", "team").get(pk=lead.pk)
        assert scoring.quality_fix_email(lead=lead, by=acme.rep) == "jane@gmail.com"
        assert requests_for(lead)[-1] == "email corrected"
    enrichment_process_pending(team_id=acme.team.pk)
    with tenancy.use_team(acme.team):
        state = LeadEnrichment.objects.get(lead=lead)
        assert Lead.objects.get(pk=lead.pk).email == "jane@gmail.com"
        assert state.email_did_you_mean == ""  # the typo's suggestion is gone with the typo
        assert (state.email_status, state.email_free) == (verdict_for("jane@gmail.com")["status"], True)
