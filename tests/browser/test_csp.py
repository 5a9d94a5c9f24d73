"""The Content Security Policy is enforced (in DEBUG too) and the app runs under it without one violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD, DealFactory, LeadFactory

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = (window.__wsOpen || 0) + 1 });
"""


def test_pages_work_under_the_csp_with_htmx_and_the_websocket_and_no_violation(page, committed):
    acme = make_team("acme")
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Prospecting"), owner=acme.rep)
    lead = LeadFactory(team=acme.team, owner=acme.rep, first_name="Ada", last_name="Lovelace")
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.add_init_script(WATCH)
    log_in(page, acme.manager.email, PASSWORD)

    response = page.goto("/pipeline/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    # a function, not a string: Playwright would eval a string, which the CSP refuses
    page.wait_for_function("() => window.__wsOpen >= 1")  # the live socket connects under connect-src 'self'
    proposal = acme.stage("Proposal")
    page.drag_and_drop(f"#deal-card-{deal.pk}", f'[data-stage-id="{proposal.pk}"]')  # board.js + htmx
    expect(page.locator(f'[data-stage-id="{proposal.pk}"] #deal-card-{deal.pk}')).to_be_visible()
    expect(page.locator(f"#stage-head-{proposal.pk} [data-count]")).to_have_text("1")

    for path in (f"/leads/{lead.pk}/", "/leads/?q=Ada", "/dashboard/", "/quality/", "/my-day/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_be_visible()

    assert page.evaluate("window.__violations") == []
    assert [m for m in console if "Content Security Policy" in m] == []


def test_an_injected_inline_script_is_blocked_and_reported(page, committed):
    acme = make_team("acme")
    page.add_init_script(WATCH)
    log_in(page, acme.rep.email, PASSWORD)
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                            document.body.append(s); }""")
    page.wait_for_function("() => window.__violations.length > 0")
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("window.__violations")[0].startswith("script-src")
