"""Fixed-window request limits kept in Redis, for the endpoints anyone can reach.

Each scope (``login``, ``token``, ``tracking``) allows ``RATE_LIMITS[scope] = (requests, seconds)``
per client address and window. Over the limit the answer is 429 with Retry-After. The limiter
fails open: if Redis cannot be reached the request goes through and the outage is logged, because
a login page that breaks with the cache is worse than a few unthrottled requests.
"""

import logging
import time
from dataclasses import dataclass
from functools import cache, wraps

import redis
from django.conf import settings
from django.http import HttpResponse

from primesync.client_ip import client_ip

log = logging.getLogger(__name__)

@cache
def _client_for(url: str) -> redis.Redis:
    # Short timeouts: a hung Redis must not hold the login page for long before we fail open.
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def _redis() -> redis.Redis:
    return _client_for(settings.REDIS_URL)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def hit(scope: str, who: str) -> Verdict:
    """Count one request of ``who`` in ``scope``'s current window and say whether it may pass."""
    limit, window = settings.RATE_LIMITS[scope]
    now = int(time.time())
    window_start = now - now % window
    key = f"{settings.REDIS_KEY_PREFIX}:rl:{scope}:{who}:{window_start}"
    try:
        pipe = _redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, window + 1)
        count, _ = pipe.execute()
    except redis.RedisError as error:
        log.warning("rate limit %s not enforced, Redis unavailable: %s", scope, error)
        return Verdict(allowed=True)
    if count > limit:
        return Verdict(allowed=False, retry_after=max(1, window_start + window - now))
    return Verdict(allowed=True)


def too_many_requests(retry_after: int) -> HttpResponse:
    response = HttpResponse("Too many requests. Try again later.\n", status=429, content_type="text/plain")
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope: str, methods: tuple[str, ...] | None = None):
    """Limit a view per client address; ``methods`` limits only those (a login form's POST, not its GET)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if methods is None or request.method in methods:
                verdict = hit(scope, client_ip(request) or "unknown")
                if not verdict.allowed:
                    return too_many_requests(verdict.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
