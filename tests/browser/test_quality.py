"""Data quality in real Chromium: the score explained on the lead page, the one-click "did you mean" fix,
and a manager working the review queue."""

import pytest
from playwright.sync_api import expect

from enrichment import scoring
from enrichment.models import LeadEnrichment, LeadQuality
from enrichment.orchestrator import enrich_leads
from leads.models import Lead
from primesync import tenancy
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD, LeadFactory

pytestmark = pytest.mark.browser


def test_a_rep_sees_why_the_score_is_low_and_fixes_a_typo_in_one_click(page, committed, simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        lead = Lead.objects.create(team=acme.team, first_name="Jane", last_name="Roe", owner=acme.rep,
                                   email="jane.roe@gmial.com")
    enrich_leads(acme.team.pk, [lead.pk])
    scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk])
    log_in(page, acme.rep.email, PASSWORD)
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator('#lead-quality [data-factor="email"]')).to_contain_text(
        "did you mean jane.roe@gmail.com?")
    expect(page.locator('#lead-quality [data-factor="email"] .lost')).to_have_text("\u221230")
    panel = page.locator("#enrichment-panel")
    expect(panel.locator("[data-did-you-mean]")).to_have_text("jane.roe@gmail.com")
    expect(panel.locator('[data-flag="free-mail"]')).to_have_count(0)  # gmial.com is no known free-mail domain
    panel.get_by_role("button", name="Use it and verify").click()
    expect(page.locator(".messages")).to_contain_text(
        "Email changed to jane.roe@gmail.com; verifying it now.")
    enrich_leads(acme.team.pk, [lead.pk])  # what the worker does with the new request
    page.reload()
    expect(page.locator("#enrichment-panel [data-flag='free-mail']")).to_be_visible()
    expect(page.locator("#enrichment-panel [data-did-you-mean]")).to_have_count(0)


def test_a_manager_keeps_a_lead_from_the_review_queue(page, committed):
    acme = make_team("acme")
    leads = [LeadFactory(team=acme.team, first_name=f"Queued{i}", company=None, company_name="") for i in range(3)]
    with tenancy.use_team(acme.team):
        for lead in leads:
            LeadEnrichment.objects.create(team=acme.team, lead=lead, status="enriched", email_status="invalid",
                                          detail={"zerobounce": "ok", "linkedin": "no match",
                                                  "zoominfo_company": "no match", "apollo": "ok", "zoominfo": "ok"})
    scoring.quality_rescore(team_id=acme.team.pk, lead_ids=[lead.pk for lead in leads])
    scoring.quality_snapshot(team_id=acme.team.pk)
    log_in(page, acme.manager.email, PASSWORD)
    page.goto("/quality/")
    expect(page.locator("#quality-rows tr[data-lead]")).to_have_count(3)
    expect(page.locator('[data-stat="poor"]')).to_have_text("100.0%")
    page.locator(f'#quality-row-{leads[0].pk} input[name="ids"]').check()
    page.select_option("#bulk-action", "reviewed")
    page.click("#bulk-bar button[type=submit]")
    expect(page.locator("body")).to_contain_text("1 leads marked reviewed and kept as they are.")
    expect(page.locator("#quality-rows tr[data-lead]")).to_have_count(2)
    with tenancy.use_team(acme.team):
        assert LeadQuality.objects.get(lead=leads[0]).reviewed_by_id == acme.manager.pk
