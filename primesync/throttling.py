"""The API's per-token rate limit, a DRF throttle on the Redis fixed windows of primesync/ratelimit.py.

Keyed on the token's id, not the user or address: each integration gets its own budget, so one
runaway script cannot starve the user's other tokens. Requests authenticated by session (the pages'
own htmx calls, Swagger UI) are not counted. Like every limit of ratelimit.py it fails open when
Redis is unreachable.
"""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from primesync import ratelimit
from primesync.models import ApiToken

SCOPE = "api_token"


class ApiTokenRateThrottle(BaseThrottle):
    """Allows ``RATE_LIMITS["api_token"]`` requests per token and window; past that DRF answers 429.

    DRF turns the refusal into ``{"detail": "Request was throttled. ..."}`` with Retry-After, through
    primesync/api_errors.py like every other API error.
    """

    def __init__(self):
        self.retry_after: int | None = None

    def allow_request(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        verdict = ratelimit.hit(SCOPE, str(token.pk))
        self.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> int | None:
        return self.retry_after
