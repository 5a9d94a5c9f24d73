"""One delivery attempt, run here against a real receiver: the SSRF guard, the backoff schedule, the signature."""

import time

import pytest

from primesync import tenancy
from primesync.webhooks import guard, signing
from primesync.webhooks.models import WebhookDelivery, WebhookEndpoint
from primesync.webhooks.sending import SESSION, delivery_attempt, max_attempts, retry_delay


def a_delivery(ts, url):
    with tenancy.use_team(ts.team):
        endpoint = WebhookEndpoint.objects.create(team=ts.team, url=url, event_types=["DEAL_STALE"])
        return WebhookDelivery.objects.create(team=ts.team, endpoint=endpoint, event_id=3, event_type="DEAL_STALE",
                                              payload={"id": 3}, next_attempt_at=endpoint.created_at)


def reread(delivery):
    with tenancy.use_team(delivery.team_id):
        return WebhookDelivery.objects.get(pk=delivery.pk)


def test_outside_debug_a_loopback_receiver_is_refused_without_a_request_and_not_retried(acme, receiver, settings):
    settings.WEBHOOK_BLOCK_PRIVATE, settings.WEBHOOK_ALLOW_LOOPBACK = True, False
    delivery = a_delivery(acme, receiver.url)
    attempt = delivery_attempt(team_id=acme.team.pk, delivery_id=delivery.pk)
    refused = reread(delivery)
    assert (attempt.status, attempt.retry_in) == ("failed", None)
    assert (refused.status, refused.attempts, refused.last_status_code) == ("failed", 1, None)
    assert refused.last_error.startswith("refused: 127.0.0.1 is a private, loopback or reserved address")
    assert receiver.requests == []


def test_a_name_that_resolves_to_loopback_is_refused_too(acme, receiver, settings):
    settings.WEBHOOK_BLOCK_PRIVATE, settings.WEBHOOK_ALLOW_LOOPBACK = True, False
    delivery = a_delivery(acme, receiver.url.replace("127.0.0.1", "localhost"))
    delivery_attempt(team_id=acme.team.pk, delivery_id=delivery.pk)
    assert "private, loopback or reserved" in reread(delivery).last_error and receiver.requests == []


def test_the_loopback_setting_lets_tests_and_development_deliver_locally(acme, receiver, settings):
    settings.WEBHOOK_BLOCK_PRIVATE, settings.WEBHOOK_ALLOW_LOOPBACK = True, True
    delivery = a_delivery(acme, receiver.url)
    assert delivery_attempt(team_id=acme.team.pk, delivery_id=delivery.pk).status == "succeeded"
    assert len(receiver.requests) == 1
    with pytest.raises(guard.UrlRefused):  # loopback only: the rest of the private ranges stay shut
        guard.check_delivery("http://10.1.2.3/hook")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_FLUSHALL", "ftp://files.example/"])
def test_only_http_and_https_urls_are_called_even_in_debug(url):
    with pytest.raises(guard.UrlRefused, match="Only http:// and https://"):
        guard.check_delivery(url)


def test_a_redirect_is_not_followed(acme, receiver):
    receiver.answers = [302]
    delivery = a_delivery(acme, receiver.url)
    delivery_attempt(team_id=acme.team.pk, delivery_id=delivery.pk)
    after = reread(delivery)
    assert (after.status, after.last_status_code, after.last_error) == ("retrying", 302, "HTTP 302")
    assert len(receiver.requests) == 1


def test_an_attempt_that_is_not_due_sends_nothing(acme, receiver):
    delivery = a_delivery(acme, receiver.url)
    with tenancy.use_team(acme.team):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at.replace(year=2999))
    assert delivery_attempt(team_id=acme.team.pk, delivery_id=delivery.pk).status == "not due"
    assert receiver.requests == [] and reread(delivery).attempts == 0


def test_the_default_schedule_backs_off_from_a_minute_to_a_day_over_eight_attempts(settings):
    settings.WEBHOOK_RETRY_DELAYS = [60, 300, 1800, 7200, 21600, 43200, 86400]
    settings.WEBHOOK_RETRY_JITTER = 0.2
    assert max_attempts() == 8
    for attempts, base in enumerate(settings.WEBHOOK_RETRY_DELAYS, start=1):
        delays = {retry_delay(attempts) for _ in range(20)}
        assert all(base <= d <= base * 1.2 for d in delays) and len(delays) > 1  # jittered, never early
    assert retry_delay(8) is None


def test_a_receiver_verifies_with_either_secret_and_refuses_old_or_forged_deliveries():
    body, now = b'{"id":1}', time.time()
    header = signing.signature_header(["whsec_new", "whsec_old"], int(now), body)
    assert signing.verify(header, body, "whsec_new", now=now) and signing.verify(header, body, "whsec_old", now=now)
    assert not signing.verify(header, body, "whsec_other", now=now)
    assert not signing.verify(header, b'{"id":2}', "whsec_new", now=now)  # another body
    assert not signing.verify(header, body, "whsec_new", now=now + 301)  # replayed after five minutes


def test_the_connection_itself_is_checked_so_a_changed_dns_answer_gets_nowhere(receiver, settings):
    settings.WEBHOOK_BLOCK_PRIVATE, settings.WEBHOOK_ALLOW_LOOPBACK = True, False
    # as if the name had resolved to a public address when checked, and to 127.0.0.1 when connecting
    with pytest.raises(guard.UrlRefused, match="127.0.0.1 is a private"):
        SESSION.post(receiver.url.replace("127.0.0.1", "localhost"), data=b"{}", timeout=2)
    with pytest.raises(guard.UrlRefused):
        SESSION.post(receiver.url, data=b"{}", timeout=2)
    with pytest.raises(guard.UrlRefused):  # https: refused before the TLS handshake
        SESSION.post(receiver.url.replace("http://", "https://"), data=b"{}", timeout=2)
    assert receiver.requests == []
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    assert SESSION.post(receiver.url, data=b"{}", timeout=2).status_code == 200
