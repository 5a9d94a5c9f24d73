"""The offline lead form in real Chromium: leads entered without a network wait on the device, survive a
reload (the page comes from the service worker), and are created exactly once when the network returns."""

import re

import pytest
from playwright.sync_api import expect

from leads.models import Lead
from primesync import tenancy
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# Twenty people no duplicate check confuses with one another.
PEOPLE = [
    ("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing"), ("Edsger", "Dijkstra"), ("Barbara", "Liskov"),
    ("Donald", "Knuth"), ("Margaret", "Hamilton"), ("Claude", "Shannon"), ("Frances", "Allen"), ("John", "Backus"),
    ("Radia", "Perlman"), ("Ken", "Thompson"), ("Hedy", "Lamarr"), ("Tony", "Hoare"), ("Katherine", "Johnson"),
    ("Niklaus", "Wirth"), ("Sophie", "Wilson"), ("Dennis", "Ritchie"), ("Annie", "Easley"), ("Leslie", "Lamport"),
]


@pytest.fixture
def acme(committed):
    return make_team("acme")


def open_the_form(page, acme):
    log_in(page, acme.rep.email, PASSWORD)
    page.goto("/leads/new/")
    # the service worker controls the page: the form and its assets are cached
    expect(page.locator("#offline-queue")).to_have_attribute("data-offline-ready", "true")
    return page.locator("#offline-queue")


def enter(page, people, queue, *, before: int = 0):
    for i, (first, last) in enumerate(people, 1):
        page.fill("#id_first_name", first)
        page.fill("#id_last_name", last)
        page.fill("#id_email", f"{first}.{last}@prospect.example".lower())
        page.click("text=Create lead")
        expect(queue).to_have_attribute("data-pending", str(before + i))
        expect(page.locator("#id_first_name")).to_have_value("")  # the form is ready for the next one


def created(acme) -> list[tuple[str, str]]:
    with tenancy.use_team(acme.team):
        return sorted(Lead.objects.values_list("first_name", "last_name"))


def test_twenty_leads_entered_offline_are_created_once_when_the_network_returns(page, acme):
    queue = open_the_form(page, acme)
    page.context.set_offline(True)
    enter(page, PEOPLE, queue)
    expect(queue.locator("[data-queue-count]")).to_have_text("20 leads waiting to sync")
    expect(queue.locator("[data-offline-status]")).to_contain_text("You are offline")

    page.reload()  # still offline: the page comes from the service worker's cache
    expect(page.locator("h1")).to_have_text("New lead")
    expect(queue.locator("[data-queue-count]")).to_have_text("20 leads waiting to sync")
    assert created(acme) == []
    # the cached page's CSRF token is stale once the cookie is gone: replays fetch a fresh one
    page.context.clear_cookies(name="csrftoken")

    page.context.set_offline(False)
    expect(queue).to_have_attribute("data-pending", "0", timeout=30_000)
    expect(queue).to_have_attribute("data-attention", "0")
    assert created(acme) == sorted(PEOPLE)
    with tenancy.use_team(acme.team):
        assert set(Lead.objects.values_list("owner", flat=True)) == {acme.rep.pk}
    expect(queue).to_be_hidden()


def test_a_replay_cut_off_midway_doubles_nothing(page, acme):
    """The third send reaches the server but its answer is lost, then the network is gone again: the
    third stays queued, and its resend with the same key is answered without a second lead."""
    people = PEOPLE[:6]
    queue = open_the_form(page, acme)
    page.context.set_offline(True)
    enter(page, people, queue)

    sends = []

    def cut_off_after_the_third_commit(route):
        if route.request.method != "POST":
            return route.continue_()
        sends.append(route.request.post_data)
        if len(sends) < 3:
            return route.continue_()
        if len(sends) == 3:
            route.fetch()  # the server creates the lead ...
        route.abort("internetdisconnected")  # ... and the page never hears of it

    page.route("**/leads/new/", cut_off_after_the_third_commit)
    page.context.set_offline(False)
    expect(queue).to_have_attribute("data-pending", "4")
    expect(queue).to_have_attribute("data-syncing", "false")
    assert len(sends) == 3
    assert created(acme) == sorted(people[:3])

    page.unroute("**/leads/new/")
    page.context.set_offline(True)
    page.context.set_offline(False)  # the "online" event sends what waits
    expect(queue).to_have_attribute("data-pending", "0", timeout=20_000)
    # the third was answered as sent before, not refused as a duplicate of itself
    expect(queue).to_have_attribute("data-attention", "0")
    assert created(acme) == sorted(people)


def test_a_lead_refused_on_replay_stays_listed_until_the_rep_fixes_it(page, acme):
    queue = open_the_form(page, acme)
    page.context.set_offline(True)
    page.fill("#id_first_name", "<b>Bold</b>")
    page.fill("#id_last_name", "Tester")
    page.fill("#id_email", "not-an-email")
    page.click("text=Create lead")
    expect(queue).to_have_attribute("data-pending", "1")
    enter(page, [("Grace", "Hopper")], queue, before=1)

    page.context.set_offline(False)
    expect(queue).to_have_attribute("data-pending", "0")
    expect(queue).to_have_attribute("data-attention", "1")
    refused = queue.locator("[data-queue-attention] li", has_text="Tester")
    expect(refused).to_contain_text("<b>Bold</b> Tester")  # the rep's text, shown as text
    expect(refused).to_contain_text("Email: Enter a valid email address.")
    assert queue.locator("[data-queue-attention] b").count() == 0
    assert created(acme) == [("Grace", "Hopper")]

    page.reload()  # nothing is dropped: it is still there, and still not sent
    expect(queue).to_have_attribute("data-attention", "1")
    refused.get_by_role("button", name="Fix in the form").click()
    expect(page.locator("#id_email")).to_have_value("not-an-email")
    expect(page.locator("#id_first_name")).to_have_value("<b>Bold</b>")
    page.fill("#id_email", "bold@prospect.example")
    page.click("text=Create lead")  # online: the browser posts the form itself
    expect(page).to_have_url(re.compile(r"/leads/\d+/$"))
    assert created(acme) == sorted([("<b>Bold</b>", "Tester"), ("Grace", "Hopper")])
    page.goto("/leads/new/")
    expect(queue).to_have_attribute("data-attention", "0")
    expect(queue).to_be_hidden()


def test_a_form_posted_while_the_server_cannot_be_reached_is_kept_and_created_once(page, acme):
    """The browser thinks it is online, so it posts the form itself; the post reaches the server but
    its answer is lost. The service worker keeps it under the page's key; its replay is answered as
    the first send was."""
    queue = open_the_form(page, acme)

    def server_unreachable(route):
        if route.request.method == "POST":
            route.fetch()  # the server creates the lead ...
        route.abort("connectionrefused")  # ... and nothing comes back, to the form or anything else

    page.context.route("**/*", server_unreachable)
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Lovelace")
    page.click("text=Create lead")
    expect(page.locator("h1")).to_have_text("New lead")  # the form again, from the worker's cache
    expect(queue).to_have_attribute("data-pending", "1")
    expect(queue.locator("[data-offline-status]")).to_contain_text("cannot be reached")
    assert created(acme) == [("Ada", "Lovelace")]

    page.context.unroute("**/*")
    page.reload()
    expect(queue).to_have_attribute("data-pending", "0")
    expect(queue).to_have_attribute("data-attention", "0")
    assert created(acme) == [("Ada", "Lovelace")]


def test_leads_wait_for_the_account_that_entered_them(browser, asgi_server, acme):
    """A lead entered offline by the rep is neither shown to nor sent by the manager who logs in next on
    the same browser; it is sent when the rep is back."""
    context = browser.new_context(base_url=asgi_server.url)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        open_the_form(page, acme)
        context.set_offline(True)
        enter(page, [("Ada", "Lovelace")], page.locator("#offline-queue"))
        page.close()  # the rep leaves with the lead unsent

        context.set_offline(False)
        context.clear_cookies()
        page = context.new_page()
        log_in(page, acme.manager.email, PASSWORD)
        page.goto("/leads/new/")
        queue = page.locator("#offline-queue")
        expect(queue).to_have_attribute("data-offline-ready", "true")
        expect(queue).to_have_attribute("data-pending", "0")
        assert created(acme) == []
        # the worker controls the form only, not the rest of the app
        page.goto("/leads/")
        assert page.evaluate("() => navigator.serviceWorker.controller") is None

        context.clear_cookies()
        log_in(page, acme.rep.email, PASSWORD)
        page.goto("/leads/new/")
        expect(queue).to_have_attribute("data-pending", "0")
        expect(queue).to_have_attribute("data-attention", "0")
        assert created(acme) == [("Ada", "Lovelace")]
        with tenancy.use_team(acme.team):
            assert Lead.objects.get().owner == acme.rep
    finally:
        context.close()
