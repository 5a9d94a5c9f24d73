"""A LinkedIn-profile source, in the shape of People Data Labs' person enrichment.

``GET /v5/person/enrich`` with the ``X-Api-Key`` header: 200 with a ``likelihood`` 1-10 and
``data``; 404 is a miss (free); 402 means out of credits; 429 rate limited (wait for
``x-ratelimit-reset``). ``POST /v5/person/bulk`` takes up to 100 requests, each echoed back with its
``metadata``. The adapter only speaks this shape; nothing else of the vendor leaks out, so another
profile source with the same answers can replace it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from enrichment.providers.base import (
    AuthFailed,
    BadRequest,
    HttpResponse,
    Malformed,
    Match,
    Observed,
    OutOfCredits,
    RateLimited,
    Transient,
    send,
)

VENDOR = "linkedin"
BATCH = 100
DECISION_LEVELS = {"cxo", "owner", "vp", "director", "partner"}


def _headers(api_key: str) -> dict[str, str]:
    return {"X-Api-Key": api_key, "Accept-Encoding": "gzip"}


def fetch_person(session, base_url: str, api_key: str, email: str, min_likelihood: int = 2) -> HttpResponse:
    params = {"email": email, "min_likelihood": min_likelihood, "titlecase": "true"}
    return send(session, "GET", f"{base_url}/person/enrich", params=params, headers=_headers(api_key))


def fetch_people(session, base_url: str, api_key: str, emails: list[str], min_likelihood: int = 2) -> HttpResponse:
    body = {"requests": [{"params": {"email": [e], "min_likelihood": min_likelihood}, "metadata": {"key": e}}
                         for e in emails[:BATCH]]}
    return send(session, "POST", f"{base_url}/person/bulk", json=body, headers=_headers(api_key))


def _reset_wait(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            reset = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return max(0.0, (reset - datetime.now(UTC)).total_seconds())


def _raise_for(status: int, body: str, headers: dict | None = None) -> None:
    if status == 402:
        raise OutOfCredits("linkedin source: out of credits", status=402)
    if status == 429:
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        raise RateLimited("linkedin source: rate limited",
                          retry_after=_reset_wait(lowered.get("retry-after") or lowered.get("x-ratelimit-reset")))
    if status >= 500:
        raise Transient(f"linkedin source: server error {status}", status=status)
    if status == 401:
        raise AuthFailed("linkedin source: bad key", status=401)
    if status == 400:
        raise BadRequest(f"linkedin source: {body[:120]}", status=400)


def _person(key: str, item: dict) -> Match:
    status = item.get("status")
    if status == 404:
        return Match(key=key, found=False, detail="no match")
    if status != 200:
        _raise_for(int(status or 0), str(item.get("error", "")))
        raise Malformed(f"linkedin source: unexpected item status {status}")
    data = item.get("data") or {}
    likelihood = int(item.get("likelihood") or 0)
    confidence = max(0.1, min(1.0, likelihood / 10))
    levels = data.get("job_title_levels") or []
    seen = []
    for name, value in (
        ("linkedin_url", data.get("linkedin_url")),
        ("headline", data.get("job_title")),
        ("seniority", levels[0] if levels else None),
        ("reports_to", data.get("reports_to")),
        ("country", (data.get("location_country_code") or "").upper() or None),
    ):
        if value not in (None, ""):
            seen.append(Observed("lead", name, value, confidence))
    if levels:
        seen.append(Observed("lead", "decision_maker", bool(set(levels) & DECISION_LEVELS), confidence))
    return Match(key=key, found=True, observations=seen, billed=True)


def parse_person(response: HttpResponse, email: str) -> Match:
    if response.status == 404:
        return Match(key=email.lower(), found=False, detail="no match")
    _raise_for(response.status, response.body, response.headers)
    payload = response.json()
    if not isinstance(payload, dict) or "data" not in payload:
        raise Malformed("linkedin source: no data in the body")
    return _person(email.lower(), payload)


def parse_people(response: HttpResponse, emails: list[str]) -> list[Match]:
    _raise_for(response.status, response.body, response.headers)
    items = response.json()
    if not isinstance(items, list):
        raise Malformed("linkedin source: the bulk body is not a list")
    by_key = {}
    for item in items:
        key = ((item or {}).get("metadata") or {}).get("key")
        if key:
            by_key[key.lower()] = item
    if len(by_key) != len(emails):
        raise Malformed("linkedin source: answers do not match the requests")
    return [_person(e.lower(), by_key[e.lower()]) for e in emails]
