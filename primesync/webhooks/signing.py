"""The ``PrimeSync-Signature`` header: ``t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.

During a secret rotation the header carries one ``v1=`` per valid secret (new first), so a receiver
verifying with either secret accepts the delivery. Pure functions: no settings, no I/O.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "PrimeSync-Signature"
EVENT_HEADER = "PrimeSync-Event"
DELIVERY_HEADER = "PrimeSync-Delivery"
SCHEME = "v1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"{SCHEME}={signature(s, timestamp, body)}" for s in secrets)])


def parse_header(header: str) -> tuple[int | None, list[str]]:
    """(timestamp, [v1 signatures]) of a header; unknown parts are ignored, as receivers should."""
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value)
    return timestamp, signatures


def verify(header: str, body: bytes, secret: str, *, now: float, tolerance: int = 300) -> bool:
    """What a receiver does (docs/webhooks.md): a fresh timestamp and one matching ``v1``."""
    timestamp, signatures = parse_header(header)
    if timestamp is None or abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
