"""A rep's day in real Chromium: search, create (and be warned of a duplicate), log, convert, drag a card."""

import re

import pytest
from playwright.sync_api import expect

from deals.models import Deal
from leads.models import Activity, Lead
from primesync import tenancy
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD, DealFactory, LeadFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def acme(committed):
    return make_team("acme")


def test_search_as_you_type(page, acme):
    LeadFactory(team=acme.team, first_name="Quentin", last_name="Blake", owner=acme.rep)
    LeadFactory(team=acme.team, first_name="Roald", last_name="Dahl", owner=acme.rep)
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/leads/")
    expect(page.locator("#lead-rows tr")).to_have_count(2)
    page.fill("#id_q", "quen")
    expect(page.locator("#lead-rows tr")).to_have_count(1)
    expect(page.locator("#lead-rows")).to_contain_text("Quentin Blake")
    assert "q=quen" in page.url  # the search is in the address bar, so it can be shared or reloaded


def test_create_a_lead_with_a_duplicate_warning_then_log_and_convert(page, acme):
    existing = LeadFactory(team=acme.team, first_name="Jane", last_name="Doe", email="jane@initech.io",
                           owner=acme.manager)
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/leads/new/")
    page.fill("#id_first_name", "Janet")
    page.fill("#id_last_name", "Doe")
    page.fill("#id_email", "not-an-email")
    page.locator("#id_email").blur()
    expect(page.locator("#error-email")).to_have_text("Enter a valid email address.")
    page.fill("#id_email", "JANE@initech.io")
    page.locator("#id_email").blur()
    expect(page.locator("#error-email")).to_have_text("")
    warning = page.locator("[data-duplicates]")
    expect(warning).to_contain_text("same email")
    expect(warning.locator("a")).to_have_attribute("href", f"/leads/{existing.pk}/")

    page.fill("#id_company_name", "Initech")
    page.click("text=Create lead")
    expect(page.locator("[data-duplicates]")).to_be_visible()  # refused until confirmed
    page.check("input[name=confirm_duplicate]")
    page.click("text=Create lead")
    expect(page).to_have_url(re.compile(r"/leads/\d+/$"))
    expect(page.locator("h1")).to_have_text("Janet Doe")

    page.select_option("select[name=kind]", "call")
    page.fill("input[name=subject]", "Discovery call")
    page.fill("textarea[name=body]", "Wants a pilot in Q1")
    page.click("text=Log it")
    expect(page.locator(".timeline")).to_contain_text("Wants a pilot in Q1")

    page.click("[aria-label='Edit title']")
    page.fill("#input-title", "CTO")
    page.click("#field-title button[type=submit]")
    expect(page.locator("#field-title .value")).to_have_text("CTO")
    expect(page.locator(".timeline")).to_contain_text("Discovery call")

    page.click("text=Convert to deal")
    page.fill("#id_deal_name", "Initech - Pilot")
    page.fill("#id_amount", "12000")
    page.click("text=Create deal")
    expect(page).to_have_url(re.compile(r"/deals/\d+/$"))
    expect(page.locator("h1")).to_have_text("Initech - Pilot")
    with tenancy.use_team(acme.team):
        lead = Lead.objects.get(first_name="Janet")
        assert lead.status == "converted" and lead.company.name == "Initech"
        assert Activity.objects.filter(lead=lead, subject="Discovery call").exists()
        assert Deal.objects.get(lead=lead).amount == 12000


def test_drag_a_card_to_another_column_and_it_stays_after_reload(page, acme):
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Prospecting"), owner=acme.rep,
                       name="Hooli - Expansion", amount=30000)
    proposal = acme.stage("Proposal")
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/pipeline/")
    card = page.locator(f"#deal-card-{deal.pk}")
    expect(card).to_be_visible()
    page.drag_and_drop(f"#deal-card-{deal.pk}", f'[data-stage-id="{proposal.pk}"]')
    expect(page.locator(f'[data-stage-id="{proposal.pk}"] #deal-card-{deal.pk}')).to_be_visible()
    expect(page.locator(f"#stage-head-{proposal.pk} [data-count]")).to_have_text("1")
    expect(page.locator(f"#stage-head-{acme.stage('Prospecting').pk} [data-count]")).to_have_text("0")
    page.reload()
    expect(page.locator(f'[data-stage-id="{proposal.pk}"] #deal-card-{deal.pk}')).to_be_visible()


def test_moving_to_lost_asks_why_and_cancel_puts_the_card_back(page, acme):
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Negotiation"), owner=acme.rep,
                       name="Pied Piper - Platform")
    lost, negotiation = acme.stage("Lost"), acme.stage("Negotiation")
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/pipeline/")
    expect(page.locator(f"#deal-card-{deal.pk}")).to_be_visible()
    page.drag_and_drop(f"#deal-card-{deal.pk}", f'[data-stage-id="{lost.pk}"]')
    dialog = page.locator("#lost-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("button[value=cancel]").click()
    expect(page.locator(f'[data-stage-id="{negotiation.pk}"] #deal-card-{deal.pk}')).to_be_visible()

    page.select_option(f"#move-{deal.pk}", str(lost.pk))  # the keyboard way: the card's stage menu
    expect(dialog).to_be_visible()
    page.fill("#lost-reason", "Went with a competitor")
    dialog.locator("button[value=ok]").click()
    # the card moves at once; it loses .saving when the server's answer replaces it
    expect(page.locator(f'[data-stage-id="{lost.pk}"] #deal-card-{deal.pk}:not(.saving)')).to_be_visible()
    with tenancy.use_team(acme.team):
        assert Deal.objects.get(pk=deal.pk).lost_reason == "Went with a competitor"


def test_a_card_moved_to_lost_right_after_a_cancel_is_asked_again_and_escape_after_a_reason_moves_nothing(page, acme):
    first, second = (DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Negotiation"),
                                 owner=acme.rep) for _ in range(2))
    lost, negotiation = acme.stage("Lost"), acme.stage("Negotiation")
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/pipeline/")
    page.select_option(f"#move-{first.pk}", str(lost.pk))
    dialog = page.locator("#lost-dialog")
    expect(dialog).to_be_visible()
    # Cancel, then at once the menu again: the cancel's close event, fired later, must not answer the new ask.
    page.evaluate("""([dealId, lostId]) => {
        document.querySelector("#lost-dialog button[value=cancel]").click();
        const menu = document.getElementById("move-" + dealId);
        menu.value = String(lostId);
        menu.dispatchEvent(new Event("change", {bubbles: true}));
    }""", [first.pk, lost.pk])
    page.wait_for_timeout(300)  # the cancel's close event has been fired
    expect(dialog).to_be_visible()
    page.fill("#lost-reason", "Timing")
    dialog.locator("button[value=ok]").click()
    expect(page.locator(f'[data-stage-id="{lost.pk}"] #deal-card-{first.pk}:not(.saving)')).to_be_visible()

    # After a deal marked lost (the dialog last answered "ok"), a reason typed then Escape marks nothing.
    page.select_option(f"#move-{second.pk}", str(lost.pk))
    expect(dialog).to_be_visible()
    page.fill("#lost-reason", "No budget")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(300)
    expect(page.locator(f'[data-stage-id="{negotiation.pk}"] #deal-card-{second.pk}')).to_be_visible()
    expect(page.locator(f"#move-{second.pk}")).to_have_value(str(negotiation.pk))
    with tenancy.use_team(acme.team):
        assert Deal.objects.get(pk=first.pk).lost_reason == "Timing"
        assert Deal.objects.get(pk=second.pk).stage_id == negotiation.pk


def test_a_refused_move_puts_the_card_back_and_says_why(page, acme):
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Prospecting"), owner=acme.rep,
                       name="Soon not mine")
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/pipeline/")
    expect(page.locator(f"#deal-card-{deal.pk}")).to_be_visible()
    with tenancy.use_team(acme.team):
        Deal.objects.filter(pk=deal.pk).update(owner=acme.manager)  # reassigned while the board was open
    page.drag_and_drop(f"#deal-card-{deal.pk}", f'[data-stage-id="{acme.stage("Won").pk}"]')
    expect(page.locator("#messages")).to_contain_text("Only the owner or a manager")
    expect(page.locator(f'[data-stage-id="{acme.stage("Prospecting").pk}"] #deal-card-{deal.pk}')).to_be_visible()


def test_the_layout_works_on_a_phone(browser, asgi_server, acme):
    LeadFactory(team=acme.team, first_name="Mobile", last_name="Lead", owner=acme.rep)
    context = browser.new_context(base_url=asgi_server.url, viewport={"width": 390, "height": 800}, is_mobile=True)
    page = context.new_page()
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/leads/")
    expect(page.locator("#lead-rows")).to_contain_text("Mobile Lead")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing overflows sideways
    context.close()
