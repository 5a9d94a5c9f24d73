"""Apollo.io people enrichment: title, seniority, departments, email status, organization.

``POST /people/match`` with the ``x-api-key`` header; a null or absent ``person`` is a miss (HTTP
200, free). ``POST /people/bulk_match`` takes up to 10 ``details``; ``matches[]`` holds a person or
null per item, in order. Credits: 1 per person returned with data.
"""

from __future__ import annotations

from enrichment.providers.base import (
    AuthFailed,
    BadRequest,
    HttpResponse,
    Malformed,
    Match,
    Observed,
    OutOfCredits,
    raise_for_common,
    send,
)

VENDOR = "apollo"
BATCH = 10
EMAIL_STATUS_CONFIDENCE = {"verified": 0.85, "likely to engage": 0.7, "unverified": 0.55, "unavailable": 0.5}


def _headers(api_key: str) -> dict[str, str]:
    return {"x-api-key": api_key, "Content-Type": "application/json", "Cache-Control": "no-cache"}


def fetch_match(session, base_url: str, api_key: str, email: str) -> HttpResponse:
    return send(session, "POST", f"{base_url}/people/match", json={"email": email}, headers=_headers(api_key))


def fetch_bulk_match(session, base_url: str, api_key: str, emails: list[str]) -> HttpResponse:
    body = {"details": [{"email": e} for e in emails[:BATCH]]}
    return send(session, "POST", f"{base_url}/people/bulk_match", json=body, headers=_headers(api_key))


def _check(response: HttpResponse) -> dict:
    raise_for_common(response, VENDOR)
    if response.status == 403:
        raise AuthFailed(f"apollo: {response.body[:120]}", status=403)
    if response.status == 402 or (response.status == 422 and "credit" in response.body.lower()):
        raise OutOfCredits("apollo: out of credits", status=response.status)
    if response.status != 200:
        raise BadRequest(f"apollo: unexpected status {response.status}: {response.body[:120]}", status=response.status)
    payload = response.json()
    if not isinstance(payload, dict):
        raise Malformed("apollo: the body is not an object")
    return payload


def _person(key: str, person: dict | None) -> Match:
    if not person:
        return Match(key=key, found=False, detail="no match")
    confidence = EMAIL_STATUS_CONFIDENCE.get(person.get("email_status") or "", 0.6)
    seen = []
    for name, value in (
        ("title", person.get("title")),
        ("headline", person.get("headline")),
        ("seniority", person.get("seniority")),
        ("departments", person.get("departments")),
        ("linkedin_url", person.get("linkedin_url")),
    ):
        if value not in (None, "", []):
            seen.append(Observed("lead", name, value, confidence))
    organization = person.get("organization") or {}
    for name, value in (
        ("name", organization.get("name")),
        ("domain", organization.get("primary_domain")),
        ("industry", (organization.get("industry") or "").title() or None),
        ("employees", organization.get("estimated_num_employees")),
        ("annual_revenue", organization.get("annual_revenue")),
    ):
        if value not in (None, ""):
            seen.append(Observed("company", name, value, 0.7))
    return Match(key=key, found=True, observations=seen, billed=True)


def parse_match(response: HttpResponse, email: str) -> Match:
    return _person(email.lower(), _check(response).get("person"))


def parse_bulk_match(response: HttpResponse, emails: list[str]) -> list[Match]:
    payload = _check(response)
    matches = payload.get("matches")
    if not isinstance(matches, list) or len(matches) != len(emails):
        raise Malformed("apollo: matches[] does not line up with the details sent")
    return [_person(email.lower(), person) for email, person in zip(emails, matches, strict=True)]
