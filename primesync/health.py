"""Liveness and readiness for load balancers and `make run`."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """The process is alive and serving requests."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return "ok"


def _check_redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


CHECKS = {"database": _check_database, "redis": _check_redis}


def readyz(request):
    """Database and Redis reachable: 200; otherwise 503 naming what failed."""
    results, failed = {}, []
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; it is reported, not hidden
            results[name] = f"error: {type(exc).__name__}"
            failed.append(name)
    status = 503 if failed else 200
    return JsonResponse({"status": "ok" if not failed else "unavailable", "checks": results, "failed": failed},
                        status=status)
