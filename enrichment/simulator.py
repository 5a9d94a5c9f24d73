"""The provider simulator: ZoomInfo, Apollo, a People Data Labs-style profile source and ZeroBounce,
served on loopback in their real HTTP shapes, so the product runs offline and tests inject faults.

It answers any input, deterministically: a profile is derived from a hash of the email or the
domain, so the same address always gets the same plausible person. Faults are set per vendor at
run time (``POST /_sim/config``): miss rate, latency and jitter, 500/502 errors, 429 with
Retry-After, timeouts, out of credits and malformed bodies. ``GET /_sim/stats`` counts what it
answered, per vendor and outcome (and billable answers, to check credit counting).

A raw ASGI app on uvicorn: asyncio holds hundreds of slow requests at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, fields
from urllib.parse import parse_qs

VENDORS = ("zoominfo", "apollo", "linkedin", "zerobounce")
FIRST = ["Ana", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kai", "Lena", "Marco", "Nina"]
LAST = ["Silva", "Carter", "Novak", "Jensen", "Ito", "Moreau", "Rossi", "Schmidt", "Kowalski", "Haddad", "Okafor"]
TITLES = [("VP of Sales", "vp", ["master_sales"]), ("Chief Technology Officer", "c_suite", ["master_engineering"]),
          ("Head of Operations", "head", ["master_operations"]), ("Director of Marketing", "director",
          ["master_marketing"]), ("Procurement Manager", "manager", ["master_finance"]),
          ("Senior Account Executive", "senior", ["master_sales"]), ("IT Manager", "manager", ["master_it"]),
          ("Founder & CEO", "founder", ["master_executive"])]
PDL_LEVELS = {"vp": "vp", "c_suite": "cxo", "head": "director", "director": "director", "manager": "manager",
              "senior": "senior", "founder": "owner"}
INDUSTRIES = ["Software", "Fintech", "Healthcare", "Logistics", "Retail", "Manufacturing", "Media", "Education"]
TECH = ["Salesforce", "HubSpot", "AWS", "GCP", "Azure", "Snowflake", "Slack", "Zendesk", "Stripe", "Segment"]
PLACES = [("Austin", "Texas", "United States", "US"), ("London", "", "United Kingdom", "GB"),
          ("Berlin", "", "Germany", "DE"), ("Paris", "", "France", "FR"), ("Toronto", "Ontario", "Canada", "CA"),
          ("Singapore", "", "Singapore", "SG"), ("Amsterdam", "", "Netherlands", "NL")]
FREE = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "proton.me", "gmx.com"}
TYPOS = {"gmial.com": "gmail.com", "gmai.com": "gmail.com", "yaho.com": "yahoo.com", "hotmial.com": "hotmail.com",
         "outlok.com": "outlook.com"}
SANDBOX = {"valid@example.com": "valid", "invalid@example.com": "invalid", "catch_all@example.com": "catch-all",
           "unknown@example.com": "unknown", "spamtrap@example.com": "spamtrap", "abuse@example.com": "abuse",
           "donotmail@example.com": "do_not_mail"}


@dataclass
class Faults:
    miss_rate: float = 0.1
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0  # 500 or 502
    rate_limit_rate: float = 0.0  # 429 with Retry-After
    retry_after_s: float = 1.0
    timeout_rate: float = 0.0  # answer only after timeout_s (the client gives up first)
    timeout_s: float = 40.0
    malformed_rate: float = 0.0  # a truncated body
    out_of_credits: bool = False
    fail_next: int = 0  # the next N requests fail with ``fail_with``, then all is well (deterministic tests)
    fail_with: str = "error"  # error / rate_limited / timeout / malformed


def _h(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.lower().encode()).digest()[:8], "big")


def company_for(domain: str) -> dict:
    h = _h(domain)
    label = domain.split(".", maxsplit=1)[0]
    city, state, country, code = PLACES[h % len(PLACES)]
    employees = [12, 45, 120, 300, 850, 2400, 9000][h % 7]
    return {
        "name": label.replace("-", " ").title(), "domain": domain, "employees": employees,
        "revenue": employees * (80 + h % 120) * 1000, "industry": INDUSTRIES[(h >> 8) % len(INDUSTRIES)],
        "tech": sorted({TECH[(h >> s) % len(TECH)] for s in (3, 11, 19, 27)}), "city": city, "state": state,
        "country": country, "country_code": code,
    }


def person_for(email: str) -> dict:
    h = _h(email)
    local, _, domain = email.lower().partition("@")
    parts = [p.rstrip("0123456789") for p in local.replace("_", ".").replace("-", ".").split(".")]
    parts = [p for p in parts if p.isalpha()]
    first = parts[0].title() if parts else FIRST[h % len(FIRST)]
    last = parts[1].title() if len(parts) > 1 else LAST[(h >> 4) % len(LAST)]
    title, seniority, departments = TITLES[(h >> 12) % len(TITLES)]
    manager_first, manager_last = FIRST[(h >> 20) % len(FIRST)], LAST[(h >> 24) % len(LAST)]
    return {
        "first": first, "last": last, "title": title, "seniority": seniority, "departments": departments,
        "linkedin": f"linkedin.com/in/{first.lower()}-{last.lower()}-{h % 10000:04d}",
        "phone": f"+1 {200 + h % 700} {200 + (h >> 9) % 700} {1000 + (h >> 17) % 9000}",
        "direct": (h >> 30) % 3 != 0, "accuracy": 75 + h % 25, "likelihood": 4 + h % 7,
        "reports_to": f"{manager_first} {manager_last}", "company": company_for(domain or "example.com"),
        "email_status": ["verified", "verified", "likely to engage", "unverified"][(h >> 6) % 4],
    }


def missed(key: str, rate: float) -> bool:
    return (_h("miss:" + key) % 10_000) < rate * 10_000


def verdict_for(email: str) -> dict:
    email = email.lower()
    _, _, domain = email.partition("@")
    status, sub = SANDBOX.get(email, ""), ""
    did_you_mean = None
    if not status:
        if domain in TYPOS:
            status, sub, did_you_mean = "invalid", "possible_typo", email.replace(domain, TYPOS[domain])
        else:
            roll = _h("zb:" + email) % 100
            status, sub = (("valid", "") if roll < 70 else ("catch-all", "") if roll < 80 else
                           ("unknown", "greylisted") if roll < 85 else ("invalid", "mailbox_not_found") if roll < 93
                           else ("do_not_mail", "role_based") if roll < 97 else ("spamtrap", ""))
    return {"address": email, "status": status, "sub_status": sub, "free_email": str(domain in FREE).lower(),
            "did_you_mean": did_you_mean, "account": email.partition("@")[0], "domain": domain,
            "domain_age_days": "4012", "smtp_provider": "google", "mx_found": "true",
            "mx_record": "aspmx.l.google.com", "firstname": None, "lastname": None, "gender": None, "country": None,
            "region": None, "city": None, "zipcode": None, "processed_at": time.strftime("%Y-%m-%d %H:%M:%S")}


class Simulator:
    def __init__(self) -> None:
        self.faults = {v: Faults() for v in VENDORS}
        self.stats: dict[str, Counter] = defaultdict(Counter)

    # --- the ASGI app ----------------------------------------------------------------------
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = Request(scope, body)
        status, payload, headers = await self.route(request)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), *headers]})
        await send({"type": "http.response.body", "body": data})

    async def route(self, r: Request):
        path = r.path
        if path.startswith("/_sim/"):
            return self.control(r)
        vendor = path.strip("/").split("/")[0]
        if vendor not in self.faults:
            return 404, {"error": "no such vendor"}, []
        fault = await self.inject(vendor)
        if fault is not None:
            return fault
        handler = {
            ("zoominfo", "/zoominfo/authenticate"): self.zi_authenticate,
            ("zoominfo", "/zoominfo/enrich/company"): self.zi_company,
            ("zoominfo", "/zoominfo/enrich/contact"): self.zi_contact,
            ("apollo", "/apollo/api/v1/people/match"): self.apollo_match,
            ("apollo", "/apollo/api/v1/people/bulk_match"): self.apollo_bulk,
            ("linkedin", "/linkedin/v5/person/enrich"): self.pdl_enrich,
            ("linkedin", "/linkedin/v5/person/bulk"): self.pdl_bulk,
            ("zerobounce", "/zerobounce/v2/validate"): self.zb_validate,
            ("zerobounce", "/zerobounce/v2/validatebatch"): self.zb_batch,
            ("zerobounce", "/zerobounce/v2/getcredits"): self.zb_credits,
        }.get((vendor, path))
        if handler is None:
            return 404, {"error": "not found"}, []
        return handler(r)

    def control(self, r: Request):
        if r.path == "/_sim/config" and r.method == "POST":
            for vendor, values in r.json().items():
                if vendor in self.faults:
                    known = {f.name for f in fields(Faults)}
                    for key, value in values.items():
                        if key in known:
                            setattr(self.faults[vendor], key, value)
            return 200, {v: asdict(f) for v, f in self.faults.items()}, []
        if r.path == "/_sim/config":
            return 200, {v: asdict(f) for v, f in self.faults.items()}, []
        if r.path == "/_sim/reset" and r.method == "POST":
            self.__init__()
            return 200, {"reset": True}, []
        if r.path == "/_sim/stats":
            return 200, {v: dict(c) for v, c in self.stats.items()}, []
        return 404, {"error": "not found"}, []

    async def inject(self, vendor: str):
        f = self.faults[vendor]
        self.stats[vendor]["requests"] += 1
        delay = f.latency_ms + (random.uniform(0, f.jitter_ms) if f.jitter_ms else 0)
        if delay:
            await asyncio.sleep(delay / 1000)
        roll = random.random()
        if f.out_of_credits:
            self.stats[vendor]["out_of_credits"] += 1
            return self.out_of_credits(vendor)
        forced = None
        if f.fail_next > 0:
            f.fail_next -= 1
            forced = f.fail_with
        for rate, outcome in ((f.timeout_rate, "timeout"), (f.error_rate, "error"),
                              (f.rate_limit_rate, "rate_limited"), (f.malformed_rate, "malformed")):
            if forced == outcome or (forced is None and roll < rate):
                self.stats[vendor][outcome] += 1
                if outcome == "timeout":
                    await asyncio.sleep(f.timeout_s)
                    return 504, {"error": "gateway timeout"}, []
                if outcome == "error":
                    return random.choice([500, 502]), {"error": "upstream failure"}, []
                if outcome == "rate_limited":
                    return 429, {"message": "rate limit exceeded"}, [(b"retry-after", str(f.retry_after_s).encode())]
                return 200, b'{"data": {"result": [{"input": ', []
            roll -= rate
        return None

    def out_of_credits(self, vendor: str):
        if vendor == "zoominfo":
            return 403, {"error": "You have used up all of your allowed record limit"}, []
        if vendor == "apollo":
            return 422, {"error": "Insufficient credits"}, []
        if vendor == "linkedin":
            return 402, {"status": 402, "error": {"type": "payment_required", "message": "Out of credits"}}, []
        return 200, {"error": "Invalid API key or your account ran out of credits"}, []

    def hit(self, vendor: str, billed: int = 1) -> None:
        self.stats[vendor]["hits"] += 1
        self.stats[vendor]["billed"] += billed

    # --- ZoomInfo --------------------------------------------------------------------------
    def zi_authenticate(self, r: Request):
        payload = r.json()
        if not payload.get("username") or not payload.get("password"):
            return 401, {"error": "Authentication failed"}, []
        return 200, {"jwt": f"sim-{random.getrandbits(64):x}"}, []

    def _zi_auth(self, r: Request) -> bool:
        return (r.headers.get("authorization") or "").startswith("Bearer sim-")

    def zi_company(self, r: Request):
        if not self._zi_auth(r):
            return 401, {"error": "Authentication failed"}, []
        result = []
        for item in r.json().get("matchCompanyInput") or []:
            domain = str(item.get("companyWebsite") or "").lower()
            if not domain or missed("zi:" + domain, self.faults["zoominfo"].miss_rate):
                result.append({"input": {"companywebsite": domain}, "data": [], "matchStatus": "NO_MATCH"})
                continue
            c = company_for(domain)
            self.hit("zoominfo")
            result.append({"input": {"companywebsite": domain}, "matchStatus": "FULL_MATCH", "data": [{
                "id": _h(domain) % 10**9, "name": c["name"], "website": f"www.{domain}",
                "employeeCount": c["employees"],
                "revenue": c["revenue"] // 1000, "primaryIndustry": c["industry"], "techAttributes": c["tech"],
                "city": c["city"], "state": c["state"], "country": c["country"]}]})
        return 200, {"success": True, "data": {"outputFields": [[]], "result": result}}, []

    def zi_contact(self, r: Request):
        if not self._zi_auth(r):
            return 401, {"error": "Authentication failed"}, []
        result = []
        for item in r.json().get("matchPersonInput") or []:
            email = str(item.get("emailAddress") or "").lower()
            if not email or missed("zi:" + email, self.faults["zoominfo"].miss_rate):
                result.append({"input": {"emailaddress": email}, "data": [], "matchStatus": "NO_MATCH"})
                continue
            p = person_for(email)
            self.hit("zoominfo")
            result.append({"input": {"emailaddress": email}, "matchStatus": "FULL_MATCH", "data": [{
                "id": _h(email) % 10**9, "firstName": p["first"], "lastName": p["last"], "email": email,
                "jobTitle": p["title"], "managementLevel": [p["seniority"].replace("_", "-").title()],
                "contactAccuracyScore": p["accuracy"], "phone": p["phone"],
                "directPhone": p["phone"] if p["direct"] else None,
                "company": {"id": _h(p["company"]["domain"]) % 10**9, "name": p["company"]["name"]}}]})
        return 200, {"success": True, "data": {"outputFields": [[]], "result": result}}, []

    # --- Apollo ----------------------------------------------------------------------------
    def _apollo_person(self, email: str) -> dict | None:
        if not email or missed("ap:" + email, self.faults["apollo"].miss_rate):
            return None
        p, c = person_for(email), person_for(email)["company"]
        self.hit("apollo")
        return {"id": f"{_h(email):x}"[:24], "first_name": p["first"], "last_name": p["last"],
                "name": f"{p['first']} {p['last']}", "title": p["title"], "headline": f"{p['title']} at {c['name']}",
                "linkedin_url": f"http://www.{p['linkedin']}", "email": email, "email_status": p["email_status"],
                "seniority": p["seniority"], "departments": p["departments"], "city": c["city"],
                "country": c["country"], "organization": {
                    "id": f"{_h(c['domain']):x}"[:24], "name": c["name"], "primary_domain": c["domain"],
                    "website_url": f"http://www.{c['domain']}", "industry": c["industry"].lower(),
                    "estimated_num_employees": c["employees"], "annual_revenue": c["revenue"]}}

    def _apollo_key(self, r: Request) -> bool:
        return bool(r.headers.get("x-api-key"))

    def apollo_match(self, r: Request):
        if not self._apollo_key(r):
            return 401, b'"Invalid API key. See https://docs.apollo.io/reference/authentication"', []
        email = str(r.json().get("email") or r.query.get("email") or "").lower()
        return 200, {"person": self._apollo_person(email)}, []

    def apollo_bulk(self, r: Request):
        if not self._apollo_key(r):
            return 401, b'"Invalid API key"', []
        details = r.json().get("details") or []
        if not details:
            return 400, {"status": "failed", "error_code": "INVALID_REQUEST", "error_message": "missing details"}, []
        if len(details) > 10:
            return 400, {"status": "failed", "error_code": "RECORD_LIMIT_EXCEEDED", "error_message": "max 10"}, []
        matches = [self._apollo_person(str(d.get("email") or "").lower()) for d in details]
        found = sum(1 for m in matches if m)
        return 200, {"status": "success", "error_code": None, "error_message": None,
                     "total_requested_enrichments": len(details), "unique_enriched_records": found,
                     "missing_records": len(details) - found, "credits_consumed": found, "matches": matches}, []

    # --- People Data Labs-style profile source ----------------------------------------------
    def _pdl_item(self, email: str, min_likelihood: int) -> dict:
        p = person_for(email)
        if not email or missed("pdl:" + email, self.faults["linkedin"].miss_rate) or p["likelihood"] < min_likelihood:
            return {"status": 404,
                    "error": {"type": "not_found", "message": "No records were found matching your request"}}
        self.hit("linkedin")
        level = PDL_LEVELS.get(p["seniority"], "senior")
        return {"status": 200, "likelihood": p["likelihood"], "data": {
            "id": f"{_h(email):x}", "full_name": f"{p['first']} {p['last']}", "first_name": p["first"],
            "last_name": p["last"], "linkedin_url": p["linkedin"], "work_email": email, "job_title": p["title"],
            "job_title_levels": [level], "job_company_name": p["company"]["name"],
            "job_company_website": p["company"]["domain"], "location_country_code": p["company"]["country_code"],
            "reports_to": p["reports_to"]}}

    def pdl_enrich(self, r: Request):
        if not r.headers.get("x-api-key"):
            return 401, {"status": 401, "error": {"type": "authentication_error", "message": "No API key"}}, []
        item = self._pdl_item(str(r.query.get("email", "")).lower(), int(r.query.get("min_likelihood", 2)))
        return item["status"], item, [(b"x-call-credits-spent", b"1" if item["status"] == 200 else b"0")]

    def pdl_bulk(self, r: Request):
        if not r.headers.get("x-api-key"):
            return 401, {"status": 401, "error": {"type": "authentication_error", "message": "No API key"}}, []
        answers = []
        for request in r.json().get("requests") or []:
            params = request.get("params") or {}
            email = str((params.get("email") or [""])[0]).lower()
            answers.append({**self._pdl_item(email, int(params.get("min_likelihood", 2))),
                            "metadata": request.get("metadata")})
        return 200, answers, []

    # --- ZeroBounce ------------------------------------------------------------------------
    def zb_validate(self, r: Request):
        if not r.query.get("api_key"):
            return 200, {"error": "Invalid API key or your account ran out of credits"}, []
        answer = verdict_for(str(r.query.get("email", "")))
        if answer["status"] != "unknown":
            self.hit("zerobounce")
        return 200, answer, []

    def zb_batch(self, r: Request):
        payload = r.json()
        if not payload.get("api_key"):
            return 200, {"error": "Invalid API key or your account ran out of credits"}, []
        answers = [verdict_for(str(i.get("email_address", ""))) for i in payload.get("email_batch") or []]
        for a in answers:
            if a["status"] != "unknown":
                self.hit("zerobounce")
        return 200, {"email_batch": answers, "errors": []}, []

    def zb_credits(self, r: Request):
        return 200, {"Credits": 2375323 if r.query.get("api_key") else -1}, []


class Request:
    def __init__(self, scope, body: bytes):
        self.method = scope["method"]
        self.path = scope["path"].rstrip("/") or "/"
        self.query = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
        self.headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        self.body = body

    def json(self) -> dict:
        try:
            data = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


app = Simulator()
