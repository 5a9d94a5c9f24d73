"""Webhook settings in real Chromium: a manager creates an endpoint, an event is delivered, the log shows it."""

import pytest
from playwright.sync_api import expect

from primesync import events, tenancy
from primesync.webhooks.models import WebhookEndpoint
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD
from tests.workers import wait_until

pytestmark = pytest.mark.browser


def test_a_manager_creates_an_endpoint_and_sees_its_delivery_in_the_log(page, relay, celery_worker_thread, receiver):
    acme = make_team("acme")
    log_in(page, acme.manager.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="New endpoint").click()
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("Warehouse sync")
    page.get_by_label("EMAIL_CLICKED").check()
    page.get_by_role("button", name="Create endpoint").click()

    expect(page.get_by_role("heading", name="Endpoint created")).to_be_visible()
    secret = page.locator("#webhook-secret").inner_text()
    with tenancy.use_team(acme.team):
        endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret and endpoint.event_types == ["EMAIL_CLICKED"]

    with tenancy.use_team(acme.team):
        event = events.publish(events.EMAIL_CLICKED, team=acme.team, entity_type="lead", entity_id=42,
                               payload={"link": "https://initech.example/pricing"})
    wait_until(lambda: receiver.requests, timeout=20, message="the receiver to get the event")
    assert receiver.requests[0].signed_with(secret)

    page.get_by_role("link", name="Done").click()
    row = page.locator("#delivery-log tbody tr").first

    def logged():
        page.reload()
        return row.get_attribute("data-status") == "succeeded"

    wait_until(logged, timeout=10, message="the delivery log to show the delivery")
    expect(row).to_contain_text(f"EMAIL_CLICKED #{event.pk}")
    expect(row).to_contain_text("200")
    expect(row.get_by_role("button", name="Redeliver")).to_be_visible()
