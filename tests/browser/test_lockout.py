"""A person who keeps mistyping their password is told plainly that the login is locked, and until when."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_too_many_wrong_passwords_lock_the_login_and_say_until_when(page, committed):
    acme = make_team("acme")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, acme.rep.email, "not the password")
    expect(page.locator("h1")).to_have_text("Login locked")
    expect(page.locator("#login-locked")).to_contain_text("You can try again after")
    assert page.locator("#login-locked time").get_attribute("datetime")

    log_in(page, acme.rep.email, PASSWORD)  # the right password waits for the cool-off too
    expect(page.locator("h1")).to_have_text("Login locked")

    log_in(page, acme.manager.email, PASSWORD)  # a colleague in the same office is not locked out
    assert page.url.endswith("/my-day/")
