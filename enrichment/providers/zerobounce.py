"""ZeroBounce email verification: status, sub-status, free-mail, did-you-mean; credits.

``GET /v2/validate?api_key&email&ip_address``; ``POST /v2/validatebatch`` up to 100 emails;
``GET /v2/getcredits``. Every outcome is a 200 with a status; ``unknown`` is not charged and means
"try later". A body with an ``error`` field (bad key, no credits) is an error, not a verdict.
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
    Transient,
    raise_for_common,
    send,
)

VENDOR = "zerobounce"
BATCH = 100
STATUSES = {"valid", "invalid", "catch-all", "unknown", "spamtrap", "abuse", "do_not_mail"}
VALIDATE_TIMEOUT = (3.05, 35.0)
BATCH_TIMEOUT = (3.05, 75.0)


def fetch_validate(session, base_url: str, api_key: str, email: str) -> HttpResponse:
    params = {"api_key": api_key, "email": email, "ip_address": ""}
    return send(session, "GET", f"{base_url}/validate", params=params, timeout=VALIDATE_TIMEOUT)


def fetch_batch(session, base_url: str, api_key: str, emails: list[str]) -> HttpResponse:
    body = {"api_key": api_key, "email_batch": [{"email_address": e, "ip_address": ""} for e in emails[:BATCH]]}
    return send(session, "POST", f"{base_url}/validatebatch", json=body, timeout=BATCH_TIMEOUT)


def fetch_credits(session, base_url: str, api_key: str) -> HttpResponse:
    return send(session, "GET", f"{base_url}/getcredits", params={"api_key": api_key})


def _error(payload: dict) -> None:
    message = str(payload.get("error") or "")
    if not message:
        return
    if "credit" in message.lower():
        raise OutOfCredits(f"zerobounce: {message}")
    if "key" in message.lower():
        raise AuthFailed(f"zerobounce: {message}")
    raise BadRequest(f"zerobounce: {message}")


def _verdict(item: dict) -> Match:
    email = str(item.get("address") or "").lower()
    status = item.get("status")
    if status not in STATUSES:
        raise Malformed(f"zerobounce: unknown status {status!r}")
    if status == "unknown":
        return Match(key=email, found=False, detail=f"unknown ({item.get('sub_status') or 'no answer'})")
    seen = [
        Observed("lead", "email_status", status, 0.95),
        Observed("lead", "email_sub_status", item.get("sub_status") or "", 0.95),
        Observed("lead", "email_free", str(item.get("free_email")).lower() == "true", 0.95),
    ]
    if item.get("did_you_mean"):
        seen.append(Observed("lead", "email_did_you_mean", str(item["did_you_mean"]).lower(), 0.95))
    return Match(key=email, found=True, observations=seen, billed=True)


def parse_validate(response: HttpResponse) -> Match:
    raise_for_common(response, VENDOR)
    if response.status == 403:
        raise Transient("zerobounce: API Shield engaged", status=403)
    payload = response.json()
    if not isinstance(payload, dict):
        raise Malformed("zerobounce: the body is not an object")
    _error(payload)
    return _verdict(payload)


def parse_batch(response: HttpResponse, emails: list[str]) -> list[Match]:
    raise_for_common(response, VENDOR)
    payload = response.json()
    if not isinstance(payload, dict):
        raise Malformed("zerobounce: the body is not an object")
    _error(payload)
    by_email = {str(i.get("address", "")).lower(): i for i in payload.get("email_batch") or []}
    missing = [e for e in emails if e.lower() not in by_email]
    if missing:
        raise Malformed(f"zerobounce: {len(missing)} addresses missing from the batch answer")
    return [_verdict(by_email[e.lower()]) for e in emails]


def parse_credits(response: HttpResponse) -> int:
    raise_for_common(response, VENDOR)
    credits = int(str(response.json().get("Credits", -1)))
    if credits < 0:
        raise AuthFailed("zerobounce: invalid key")
    return credits
