"""A person logs in with Chromium and lands in their team."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_rep_logs_in_and_sees_their_team(page, committed):
    acme = make_team("acme")
    log_in(page, acme.rep.email, PASSWORD)
    assert page.url.endswith("/my-day/")
    assert page.locator("h1").inner_text() == "My day"
    assert page.locator(".team-name").inner_text() == "Acme"
    assert page.locator(".role-badge").inner_text() == "Rep"


def test_a_wrong_password_shows_an_error_and_keeps_the_email(page, committed):
    make_team("acme")
    log_in(page, "rep@acme.test", "not the password")
    assert "/accounts/login/" in page.url
    assert page.locator("[role=alert]").is_visible()
    assert page.input_value("#id_username") == "rep@acme.test"


def test_logging_out_returns_to_the_login_page(page, committed):
    acme = make_team("acme")
    log_in(page, acme.manager.email, PASSWORD)
    page.click("text=Log out")
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url
