"""The API's per-token rate limit (primesync/throttling.py), on the real Redis."""

from rest_framework.test import APIClient

from primesync.services import api_token_create
from tests.primesync.test_ratelimit import limiter_warnings


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_it_answers_429_past_the_limit_for_one_token_only(acme, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": (3, 60)}
    _, first = api_token_create(user=acme.rep, name="busy")
    _, second = api_token_create(user=acme.rep, name="quiet")
    busy = client_with(first)
    statuses = [busy.get("/api/v1/leads/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = busy.get("/api/v1/leads/")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/json" and "throttled" in refused.json()["detail"]
    # the same user's other token has its own budget
    assert client_with(second).get("/api/v1/leads/").status_code == 200


def test_session_calls_are_not_limited_per_token(client, acme, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": (2, 60)}
    client.force_login(acme.rep)
    assert [client.get("/api/v1/leads/").status_code for _ in range(4)] == [200] * 4


def test_it_fails_open_and_logs_when_redis_is_down(acme, settings):
    # a port nothing listens on: the limiter's own connection fails, as with Redis down
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": (2, 60)}
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    _, key = api_token_create(user=acme.rep)
    with limiter_warnings() as records:
        statuses = [client_with(key).get("/api/v1/leads/").status_code for _ in range(4)]
    assert statuses == [200] * 4
    assert len(records) == 4 and "Redis unavailable" in records[0].getMessage()


def test_the_schema_describes_429_on_token_authenticated_operations(acme, client):
    client.force_login(acme.manager)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/leads/"]["get"]
    assert operation["responses"]["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
