"""A user creates an API token, copies the key shown once, sees it listed, revokes it; all under the CSP."""

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from primesync.models import ApiToken
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));
"""


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/leads/").status_code


def test_a_user_creates_copies_and_revokes_a_token(page, committed):
    acme = make_team("acme")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.add_init_script(WATCH_CSP)
    log_in(page, acme.rep.email, PASSWORD)
    page.click("text=API tokens")
    expect(page.locator("h1")).to_have_text("API tokens")

    page.fill("#id_name", "Reporting script")
    page.click("text=Create token")
    key = page.input_value("#new-token-key")
    assert key.startswith(ApiToken.objects.get(user=acme.rep).prefix)
    page.click("[data-copy]")
    expect(page.locator("[data-copy]")).to_have_text("Copied")
    # plain http on 127.0.0.1 is a secure context: the script used the Clipboard API
    assert page.evaluate("() => navigator.clipboard.readText()") == key
    assert api_status(key) == 200

    page.click("#active-tokens a:has-text('Revoke')")
    expect(page.locator("h1")).to_contain_text("Revoke the token “Reporting script”?")
    page.click("button:has-text('Revoke token')")
    expect(page.locator("#messages")).to_contain_text("Revoked the token")
    expect(page.locator("#revoked-tokens")).to_contain_text("Reporting script")
    assert api_status(key) == 401
    assert page.evaluate("window.__violations") == []
