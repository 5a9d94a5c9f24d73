"""One delivery attempt: claim the delivery, POST it signed, record what happened, schedule the next try.

The claim is a conditional UPDATE that also pushes ``next_attempt_at`` one lease ahead, so two tasks
for the same delivery never both send it, and a worker that dies mid-request leaves the delivery
due again once the lease ends (the sweep picks it up). The HTTP request runs outside any transaction.
Delivery is at least once: receivers deduplicate by the ``PrimeSync-Delivery`` header.
"""

from __future__ import annotations

import http.cookiejar
import json
import random
import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from primesync import tenancy
from primesync.webhooks import guard, signing
from primesync.webhooks.models import OPEN_STATUSES, DeliveryStatus, WebhookDelivery

EXCERPT_CHARS = 1000
USER_AGENT = "PrimeSync-Webhooks/1.0"


def _session() -> requests.Session:
    session = requests.Session()
    # no cookies kept between endpoints (they belong to different teams), no proxies or .netrc from the environment
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.trust_env = False
    session.mount("http://", guard.GuardedAdapter())
    session.mount("https://", guard.GuardedAdapter())
    return session


SESSION = _session()


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    final: bool = False  # no point in retrying (the URL is refused, the endpoint is disabled)


@dataclass(frozen=True)
class Attempt:
    status: str  # what the delivery is now, or "not due" when there was nothing to claim
    retry_in: float | None = None  # seconds until the next attempt, when there is one


def lease() -> timedelta:
    """How long one attempt may take before another worker may try again."""
    return timedelta(seconds=settings.WEBHOOK_CONNECT_TIMEOUT + settings.WEBHOOK_READ_TIMEOUT + 30)


def retry_delay(attempts: int) -> float | None:
    """Seconds before the next attempt after ``attempts`` failed ones, with jitter; None: give up."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    if attempts > len(delays):
        return None
    return delays[attempts - 1] * (1 + random.uniform(0, settings.WEBHOOK_RETRY_JITTER))


def max_attempts() -> int:
    return len(settings.WEBHOOK_RETRY_DELAYS) + 1


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def delivery_attempt(*, team_id: int, delivery_id: int) -> Attempt:
    delivery = _claim(team_id, delivery_id)
    if delivery is None:
        return Attempt(status="not due")
    outcome = _send(delivery) if delivery.endpoint.active else Outcome(ok=False, error="endpoint disabled",
                                                                       final=True)
    return _record(team_id, delivery, outcome)


def _claim(team_id: int, delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    with tenancy.use_team(team_id):
        claimed = WebhookDelivery.objects.filter(
            pk=delivery_id, status__in=OPEN_STATUSES, next_attempt_at__lte=now,
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + lease(), last_attempt_at=now)
        if not claimed:
            return None
        return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def _send(delivery: WebhookDelivery) -> Outcome:
    endpoint = delivery.endpoint
    try:
        guard.check_delivery(endpoint.url)
    except guard.UrlRefused as exc:
        return Outcome(ok=False, error=f"refused: {exc}", final=True)
    body = body_bytes(delivery.payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.SIGNATURE_HEADER: signing.signature_header(endpoint.signing_secrets(at=timezone.now()), timestamp,
                                                           body),
        signing.EVENT_HEADER: delivery.event_type,
        signing.DELIVERY_HEADER: str(delivery.pk),
    }
    timeout = (settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT)
    try:
        # no redirects: a redirect to an internal address would walk around the guard
        with SESSION.post(endpoint.url, data=body, headers=headers, timeout=timeout, allow_redirects=False,
                          stream=True) as response:
            excerpt = response.raw.read(EXCERPT_CHARS * 4, decode_content=True).decode("utf-8", "replace")
    except guard.UrlRefused as exc:  # the address connected to was not the one checked (DNS rebinding)
        return Outcome(ok=False, error=f"refused: {exc}", final=True)
    except requests.Timeout:
        return Outcome(ok=False, error=f"timed out (connect {timeout[0]:g} s, read {timeout[1]:g} s)")
    except requests.RequestException as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}")
    ok = 200 <= response.status_code < 300
    return Outcome(ok=ok, status_code=response.status_code, excerpt=excerpt[:EXCERPT_CHARS],
                   error="" if ok else f"HTTP {response.status_code}")


def _record(team_id: int, delivery: WebhookDelivery, outcome: Outcome) -> Attempt:
    now = timezone.now()
    fields = {"last_status_code": outcome.status_code, "last_error": outcome.error[:500],
              "response_excerpt": outcome.excerpt}
    retry_in = None if outcome.ok or outcome.final else retry_delay(delivery.attempts)
    if outcome.ok:
        fields.update(status=DeliveryStatus.SUCCEEDED, next_attempt_at=None, delivered_at=now)
    elif retry_in is None:
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        fields.update(status=DeliveryStatus.RETRYING, next_attempt_at=now + timedelta(seconds=retry_in))
    with tenancy.use_team(team_id):
        # only if no later attempt claimed it meanwhile (this one outlived its lease)
        WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**fields)
    return Attempt(status=fields["status"], retry_in=retry_in)


def deliveries_due(*, limit: int = 500) -> list[tuple[int, int]]:
    """(team id, delivery id) of open deliveries whose time has come, each team read in its own scope."""
    from primesync.models import Team

    now, due = timezone.now(), []
    for team_id in Team.objects.values_list("pk", flat=True):
        with tenancy.use_team(team_id):
            ids = WebhookDelivery.objects.filter(
                team_id=team_id, status__in=OPEN_STATUSES, next_attempt_at__lte=now,
            ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
            due.extend((team_id, pk) for pk in ids)
    return due
