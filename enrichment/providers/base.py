"""What every adapter shares: the response it hands on, what it found, how it failed, its session."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

DEFAULT_TIMEOUT = (3.05, 30.0)  # connect, read (seconds)


@dataclass(frozen=True)
class HttpResponse:
    """A vendor's answer as plain data (recordable, comparable in tests)."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise Malformed(f"not JSON: {self.body[:80]!r}") from exc

    def header(self, name: str) -> str | None:
        lowered = {k.lower(): v for k, v in self.headers.items()}
        return lowered.get(name.lower())


@dataclass(frozen=True)
class Observed:
    """One value a source reports for one field, with how sure it is (0 to 1)."""

    entity: str  # "lead" or "company"
    field: str
    value: Any
    confidence: float


@dataclass
class Match:
    """A source's answer for one input (a person's email, a company's domain)."""

    key: str
    found: bool
    observations: list[Observed] = field(default_factory=list)
    billed: bool = False
    detail: str = ""
    cached: bool = False  # from the response cache, not from a call made now
    call_id: int | None = None  # the recorded call whose response said this (known once it is written)


class ProviderError(Exception):
    retryable = False

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class Transient(ProviderError):
    """5xx, timeouts, connection errors: try again with backoff."""

    retryable = True


class Malformed(Transient):
    """A body that does not parse: counted as a failure, retried."""


class RateLimited(Transient):
    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = 429):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class OutOfCredits(ProviderError):
    """The account has no credits left: stop calling until someone buys more."""


class AuthFailed(ProviderError):
    """Bad or expired credentials."""


class BadRequest(ProviderError):
    """We sent something the vendor refuses: retrying changes nothing."""


def new_session(pool_size: int = 64) -> requests.Session:
    """A pooled session: one per provider, shared by a process's threads."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def send(session: requests.Session, method: str, url: str, *, timeout=DEFAULT_TIMEOUT, **kwargs) -> HttpResponse:
    """One HTTP call; connection problems and timeouts become ``Transient``."""
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise Transient(f"{type(exc).__name__}: {exc}") from exc
    return HttpResponse(status=response.status_code, body=response.text, headers=dict(response.headers),
                        elapsed_ms=(time.perf_counter() - started) * 1000)


def retry_after_seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def raise_for_common(response: HttpResponse, vendor: str) -> None:
    """The error statuses every vendor shares."""
    if response.status == 429:
        raise RateLimited(f"{vendor}: rate limited", retry_after=retry_after_seconds(response.header("Retry-After")))
    if response.status >= 500:
        raise Transient(f"{vendor}: server error {response.status}", status=response.status)
    if response.status == 401:
        raise AuthFailed(f"{vendor}: authentication failed", status=401)
    if response.status == 400:
        raise BadRequest(f"{vendor}: bad request: {response.body[:120]}", status=400)
