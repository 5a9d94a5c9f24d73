"""ZoomInfo (legacy Enterprise API): companies (revenue, employees, industry, tech stack, HQ) and contacts.

A JWT from ``POST /authenticate`` (60-minute life; we refresh after 55), then ``POST /enrich/company``
and ``POST /enrich/contact`` with up to 25 inputs each. A miss is a 200 with ``matchStatus`` other
than FULL_MATCH (CONTACT_ONLY_MATCH also counts as a hit for contacts). Credits: one per record
enriched; misses and errors are free.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

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

VENDOR = "zoominfo"
BATCH = 25
TOKEN_LIFETIME = 55 * 60
COMPANY_FIELDS = ["id", "name", "website", "employeeCount", "revenue", "primaryIndustry", "techAttributes",
                  "city", "state", "country"]
CONTACT_FIELDS = ["id", "firstName", "lastName", "email", "jobTitle", "managementLevel", "contactAccuracyScore",
                  "phone", "directPhone", "externalUrls", "companyName"]
HITS = {"FULL_MATCH", "CONTACT_ONLY_MATCH"}
COUNTRY_CODES = {"united states": "US", "united kingdom": "GB", "germany": "DE", "france": "FR", "netherlands": "NL",
                 "spain": "ES", "canada": "CA", "brazil": "BR", "australia": "AU", "singapore": "SG"}


@dataclass
class Token:
    jwt: str
    expires: float


class TokenCache:
    """The JWT, minted once and shared by a process's threads until it is about to expire."""

    def __init__(self) -> None:
        self._token: Token | None = None
        self._lock = threading.Lock()

    def get(self, session, base_url: str, username: str, password: str) -> str:
        with self._lock:
            if self._token is None or self._token.expires <= time.monotonic():
                self._token = authenticate(session, base_url, username, password)
            return self._token.jwt

    def forget(self) -> None:
        with self._lock:
            self._token = None


def authenticate(session, base_url: str, username: str, password: str) -> Token:
    response = send(session, "POST", f"{base_url}/authenticate", json={"username": username, "password": password})
    raise_for_common(response, VENDOR)
    jwt = response.json().get("jwt") if response.status == 200 else None
    if not jwt:
        raise AuthFailed("zoominfo: no token", status=response.status)
    return Token(jwt=jwt, expires=time.monotonic() + TOKEN_LIFETIME)


def fetch_companies(session, base_url: str, jwt: str, domains: list[str]) -> HttpResponse:
    body = {"matchCompanyInput": [{"companyWebsite": d} for d in domains[:BATCH]], "outputFields": COMPANY_FIELDS}
    return send(session, "POST", f"{base_url}/enrich/company", json=body, headers={"Authorization": f"Bearer {jwt}"})


def fetch_contacts(session, base_url: str, jwt: str, emails: list[str]) -> HttpResponse:
    body = {"matchPersonInput": [{"emailAddress": e} for e in emails[:BATCH]], "outputFields": CONTACT_FIELDS}
    return send(session, "POST", f"{base_url}/enrich/contact", json=body, headers={"Authorization": f"Bearer {jwt}"})


def _results(response: HttpResponse) -> list[dict]:
    raise_for_common(response, VENDOR)
    if response.status == 403:
        text = response.body.lower()
        if "limit" in text:
            raise OutOfCredits(f"zoominfo: {response.body[:120]}", status=403)
        raise AuthFailed(f"zoominfo: forbidden: {response.body[:120]}", status=403)
    if response.status != 200:
        raise BadRequest(f"zoominfo: unexpected status {response.status}", status=response.status)
    payload = response.json()
    try:
        return list(payload["data"]["result"])
    except (KeyError, TypeError) as exc:
        raise Malformed("zoominfo: no data.result in the body") from exc


def _input_value(result: dict, *names: str) -> str:
    given = {k.lower(): v for k, v in (result.get("input") or {}).items()}
    return next((str(given[n.lower()]).lower() for n in names if given.get(n.lower())), "")


def parse_companies(response: HttpResponse) -> list[Match]:
    matches = []
    for result in _results(response):
        key = _input_value(result, "companyWebsite")
        data = (result.get("data") or [None])[0]
        if result.get("matchStatus") not in HITS or not data:
            matches.append(Match(key=key, found=False, detail=result.get("matchStatus", "NO_MATCH")))
            continue
        country = (data.get("country") or "").strip()
        values = {
            "name": data.get("name"),
            "employees": data.get("employeeCount"),
            "annual_revenue": int(data["revenue"]) * 1000 if data.get("revenue") is not None else None,  # thousands
            "industry": data.get("primaryIndustry"),
            "tech_stack": data.get("techAttributes"),
            "hq_city": data.get("city"),
            "hq_country": COUNTRY_CODES.get(country.lower(), country.upper() if len(country) == 2 else ""),
        }
        seen = [Observed("company", name, value, 0.9) for name, value in values.items() if value not in (None, "", [])]
        matches.append(Match(key=key, found=True, observations=seen, billed=True))
    return matches


def parse_contacts(response: HttpResponse) -> list[Match]:
    matches = []
    for result in _results(response):
        key = _input_value(result, "emailAddress")
        data = (result.get("data") or [None])[0]
        if result.get("matchStatus") not in HITS or not data:
            matches.append(Match(key=key, found=False, detail=result.get("matchStatus", "NO_MATCH")))
            continue
        confidence = min(1.0, max(0.0, float(data.get("contactAccuracyScore") or 80) / 100))
        seen = []
        for name, value in (
            ("title", data.get("jobTitle")),
            ("phone", data.get("directPhone") or data.get("phone")),
            ("seniority", (data.get("managementLevel") or [None])[0]),
        ):
            if value:
                seen.append(Observed("lead", name, value, confidence))
        if data.get("directPhone"):
            seen.append(Observed("lead", "phone_type", "direct", confidence))
        matches.append(Match(key=key, found=True, observations=seen, billed=True))
    return matches
