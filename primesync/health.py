"""Liveness and readiness for load balancers and `make run`."""

from concurrent.futures import ThreadPoolExecutor

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

REDIS_TIMEOUT = 1.0  # seconds; a Redis that accepts connections but never answers counts as down


def healthz(request):
    """The process is alive and serving requests."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return "ok"


def _first(value):
    return value[0] if isinstance(value, list | tuple) else value


def redis_parts() -> dict[str, str]:
    """Each part the app needs Redis for, and the URL of the Redis it uses (one server in development)."""
    layer_host = _first(settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"])
    return {
        "cache": _first(settings.CACHES["default"]["LOCATION"]),
        "channel_layer": layer_host["address"] if isinstance(layer_host, dict) else layer_host,
        "broker": settings.CELERY_BROKER_URL,
    }


def _ping(url: str) -> str:
    client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _outcome(check) -> str | Exception:
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; it is reported, not hidden
        return exc


def readyz(request):
    """Database and every Redis part reachable: 200; otherwise 503 naming each part that is down.

    The Redis servers are pinged at once, each distinct URL once, so a hung server costs one timeout.
    """
    parts = redis_parts()
    urls = sorted(set(parts.values()))
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        pinged = dict(zip(urls, pool.map(lambda url: _outcome(lambda: _ping(url)), urls), strict=True))
    outcomes = {"database": _outcome(_check_database), **{part: pinged[url] for part, url in parts.items()}}
    failed = [part for part, outcome in outcomes.items() if isinstance(outcome, Exception)]
    checks = {part: (f"error: {type(outcome).__name__}" if part in failed else outcome)
              for part, outcome in outcomes.items()}
    return JsonResponse({"status": "unavailable" if failed else "ok", "checks": checks, "failed": failed},
                        status=503 if failed else 200)
