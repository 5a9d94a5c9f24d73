"""The dashboard in real Chromium: a manager's active-deals figure follows a rep's win without a reload."""

import pytest
from playwright.sync_api import expect

from deals.models import Deal
from deals.services import deal_move
from primesync import tenancy
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD, DealFactory

pytestmark = pytest.mark.browser


def test_a_managers_dashboard_follows_a_reps_win_live(page, relay):
    acme = make_team("acme")
    deals = [DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Negotiation"), owner=acme.rep,
                         name=f"Initech {n}") for n in range(3)]
    log_in(page, acme.manager.email, PASSWORD)
    page.add_init_script("document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = 1 })")
    page.goto("/dashboard/")
    page.wait_for_function("() => window.__wsOpen === 1")
    figure = page.locator('[data-metric="active_deals"] [data-value="deals"]')
    expect(figure).to_have_text("3")
    expect(page.locator('[data-metric="active_deals"] [data-freshness="live"]')).to_have_text("live")
    with tenancy.use_team(acme.team):  # the rep wins one, from wherever
        deal_move(deal=Deal.objects.get(pk=deals[0].pk), stage=acme.stage("Won"), by=acme.rep)
    expect(figure).to_have_text("2")  # no reload: the socket said active deals changed
    expect(page.locator('[data-metric="active_deals"] [data-value="amount"]')).to_have_text("24k")


def test_picking_dates_shows_a_custom_period(page, committed):
    acme = make_team("acme")
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/dashboard/?period=month")
    page.fill("input[name=start]", "2026-11-02")
    page.wait_for_url("**period=custom**")
    page.fill("input[name=end]", "2026-11-08")
    page.wait_for_url("**end=2026-11-08**")
    expect(page.locator("h1")).to_contain_text("Nov 2, 2026 to Nov 8, 2026")
    expect(page.locator('select[name="rep"]')).to_have_count(0)  # a rep has no one else to pick
