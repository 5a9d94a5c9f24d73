"""Redis-backed rate limits on login, token and the public tracking endpoints."""

import contextlib
import logging

from django.test import Client, override_settings
from rest_framework.test import APIClient

from primesync import ratelimit

LIMITS = {"login": (3, 60), "token": (3, 60), "tracking": (3, 60)}


@override_settings(RATE_LIMITS=LIMITS)
def test_it_answers_429_with_retry_after_past_the_limit_on_login_posts(db):
    client = Client(REMOTE_ADDR="10.1.0.1")
    statuses = [client.post("/accounts/login/", {"username": "x@y.test", "password": "p"}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.post("/accounts/login/", {"username": "x@y.test", "password": "p"})
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    assert client.get("/accounts/login/").status_code == 200  # reading the form is not limited
    assert Client(REMOTE_ADDR="10.1.0.2").post("/accounts/login/", {"username": "x@y.test",
                                                                    "password": "p"}).status_code == 200


@override_settings(RATE_LIMITS=LIMITS)
def test_it_limits_the_token_endpoint(db):
    client = APIClient(REMOTE_ADDR="10.1.0.3")
    statuses = [client.post("/api/v1/auth/token/", {"email": f"n{i}@y.test", "password": "p"},
                            format="json").status_code for i in range(4)]
    assert statuses == [400, 400, 400, 429]


@override_settings(RATE_LIMITS=LIMITS)
def test_it_limits_the_tracking_pixel_click_and_unsubscribe(db):
    client = Client(REMOTE_ADDR="10.1.0.4")
    urls = ["/t/o/bad.gif", "/t/c/bad/", "/t/u/bad/", "/t/o/bad.gif"]
    statuses = [client.get(url).status_code for url in urls]
    assert statuses == [200, 404, 404, 429]
    assert client.post("/t/u/bad/").status_code == 429


@override_settings(RATE_LIMITS=LIMITS, TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_it_counts_the_address_the_proxy_saw(db):
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    for i in range(3):
        Client(**proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, 10.2.0.{i}").get("/t/o/bad.gif")
    # three different clients behind one proxy: nobody limited; a forged left-most entry changes nothing
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="10.2.0.0").get("/t/o/bad.gif").status_code == 200
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="forged, 10.2.0.0").get("/t/o/bad.gif").status_code == 200
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="10.2.0.0").get("/t/o/bad.gif").status_code == 429


@contextlib.contextmanager
def limiter_warnings():
    """The warnings primesync.ratelimit logs in the block (the suite runs with pytest's logging plugin off)."""
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("primesync.ratelimit")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@override_settings(RATE_LIMITS=LIMITS, REDIS_URL="redis://127.0.0.1:1/0")
def test_it_fails_open_and_logs_when_redis_is_down(db):
    client = Client(REMOTE_ADDR="10.1.0.5")
    with limiter_warnings() as records:
        statuses = [client.get("/t/o/bad.gif").status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert len(records) == 5 and "Redis unavailable" in records[0].getMessage()


def test_a_window_holds_its_limit_and_then_resets(db, settings):
    settings.RATE_LIMITS = {"tracking": (2, 1)}
    verdicts = [ratelimit.hit("tracking", "10.1.0.6").allowed for _ in range(3)]
    assert verdicts == [True, True, False]
