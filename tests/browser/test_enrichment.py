"""Enrichment in real Chromium: a bulk re-enrich's live progress bar, choosing a competing value."""

import pytest
from playwright.sync_api import expect

from enrichment.orchestrator import enrich_leads
from leads.models import EnrichmentRequest, Lead
from primesync import tenancy
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD
from tests.simulator import forget_enrichment_cache
from tests.workers import wait_until

pytestmark = pytest.mark.browser


def test_bulk_re_enrich_shows_a_live_progress_bar(page, relay, celery_worker_thread, simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        Lead.objects.bulk_create([Lead(team=acme.team, first_name=f"Lead{i}", last_name="Bulk", owner=acme.rep,
                                       email=f"lead{i}@bulk{i % 7}.example") for i in range(40)])
    def created_ones_done():
        with tenancy.use_team(acme.team):
            return EnrichmentRequest.objects.filter(status__in=["done", "failed"]).count() == 40

    wait_until(created_ones_done, timeout=60, message="the enrichment of the new leads")
    forget_enrichment_cache()  # so the re-enrichment asks the vendors again, slowly
    simulator.configure(**{v: {"latency_ms": 1500} for v in ("zoominfo", "apollo", "linkedin", "zerobounce")})
    log_in(page, acme.manager.email, PASSWORD)
    page.goto("/leads/?q=Bulk")
    expect(page.locator("#lead-rows tr")).to_have_count(40)
    page.check("[data-select-all]")
    page.select_option("#bulk-action", "enrich")
    page.click("#bulk-bar button[type=submit]")
    page.wait_for_url("**/enrichment/batches/**")
    bar = page.locator("#batch-bar")
    assert int(bar.get_attribute("max")) == 40
    first = int(bar.get_attribute("value"))
    expect(page.locator("[data-finished]")).to_be_visible(timeout=60_000)
    assert first < 40 and int(bar.get_attribute("value")) == 40  # it moved on its own, no reload
    expect(page.locator("#batch-progress")).to_contain_text("40 of 40 leads done")
    expect(page.locator("#batch-progress")).to_contain_text("40 enriched")


def test_a_rep_picks_another_sources_value_on_the_lead_page(page, committed, simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        lead = Lead.objects.create(team=acme.team, first_name="Dana", last_name="Novak", owner=acme.rep,
                                   email="dana.novak@initech.example")
    enrich_leads(acme.team.pk, [lead.pk])
    log_in(page, acme.rep.email, PASSWORD)
    page.goto(f"/leads/{lead.pk}/")
    panel = page.locator("#enrichment-panel")
    expect(panel.locator("[data-enrichment-status]")).to_have_text("Enriched")
    expect(panel.locator('[data-field="company.industry"] .value')).not_to_be_empty()
    candidate = panel.locator('[data-field="title"] .other-value button').first
    if not candidate.count():  # every source agreed on the title: pick among the seniorities instead
        candidate = panel.locator(".other-value button").first
    field = candidate.locator("xpath=ancestor::div[@data-field]").get_attribute("data-field")
    picked = candidate.inner_text().removeprefix("or ").rsplit(" (", 1)[0]
    candidate.click()
    expect(panel.locator(f'[data-field="{field}"] .value')).to_have_text(picked)
    expect(panel.locator(f'[data-field="{field}"]')).to_contain_text("person")
