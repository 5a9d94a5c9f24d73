"""A lead's data-quality score: five factors, each with its points and the reason it lost some.

Pure: ``score`` takes the facts and returns the score and its factors; the scoring service
(enrichment/scoring.py) gathers the facts in bulk and stores the result on the lead.

Partial credit (docs/architecture.md, "Data quality"): a catch-all or unknown mailbox may bounce,
a free-mail address is rarely the buyer's work address, a landline may be a switchboard, a
LinkedIn profile matched with low likelihood may be someone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

FACTORS = {  # name -> (label, maximum points)
    "email": ("Email verified", 30),
    "phone": ("Phone present", 15),
    "company": ("Company enriched", 20),
    "linkedin": ("LinkedIn matched", 15),
    "freshness": ("Updated within 90 days", 20),
}
REVIEW_BELOW = 50

# Which sources could raise a factor that is not full (keys of LeadEnrichment.detail).
IMPROVED_BY = {
    "email": ("zerobounce",),
    "phone": ("apollo", "zoominfo", "linkedin"),
    "company": ("zoominfo_company",),
    "linkedin": ("linkedin",),
}
EMAIL_CREDIT = {  # ZeroBounce status -> points, and why not all 30
    "valid": (30, ""),
    "catch-all": (15, "email is catch-all: the domain accepts any address"),
    "unknown": (10, "the mail server would not say whether the address exists"),
}
BAD_EMAIL = {"invalid", "spamtrap", "abuse", "do_not_mail"}
DIRECT_PHONE_TYPES = {"mobile", "landline_or_mobile"}
STRONG_LINKEDIN = 0.7


@dataclass(frozen=True)
class QualityFacts:
    """What the score reads, from the lead, its company and its enrichment."""

    email: str = ""
    phone: str = ""
    company_name: str = ""
    company_linked: bool = False
    company_firmographics: bool = False  # industry, size or revenue known
    email_status: str = ""
    email_sub_status: str = ""
    email_free: bool | None = None
    email_disposable: bool | None = None
    email_did_you_mean: str = ""
    phone_e164: str = ""
    phone_type: str = ""
    linkedin_url: str = ""
    linkedin_confidence: float = 0.0
    last_updated: datetime | None = None
    enrichment_detail: dict | None = None  # per source: ok / no match / error: ...; None = never enriched


def _factor(name: str, points: int, reason: str = "") -> dict:
    maximum = FACTORS[name][1]
    return {"label": FACTORS[name][0], "points": points, "max": maximum, "lost": maximum - points,
            "reason": reason if points < maximum else ""}


def _email(f: QualityFacts) -> dict:
    if not f.email:
        return _factor("email", 0, "no email")
    hint = f" (did you mean {f.email_did_you_mean}?)" if f.email_did_you_mean else ""
    if f.email_disposable:
        return _factor("email", 0, "disposable address" + hint)
    if f.email_status in BAD_EMAIL:
        why = f", {f.email_sub_status.replace('_', ' ')}" if f.email_sub_status else ""
        return _factor("email", 0, f"email is {f.email_status.replace('_', ' ')}{why}{hint}")
    if f.email_status == "valid" and f.email_free:
        return _factor("email", 25, "free-mail address, not a work address")
    points, reason = EMAIL_CREDIT.get(f.email_status, (0, "email not verified yet"))
    return _factor("email", points, reason + hint)


def _phone(f: QualityFacts) -> dict:
    if not f.phone:
        return _factor("phone", 0, "no phone")
    if not f.phone_e164:
        return _factor("phone", 5, "phone number could not be read")
    if f.phone_type in DIRECT_PHONE_TYPES:
        return _factor("phone", 15)
    if f.phone_type == "landline":
        return _factor("phone", 10, "landline: may be a switchboard, not a direct dial")
    return _factor("phone", 8, f"{(f.phone_type or 'unknown').replace('_', '-')} number, not a direct dial")


def _company(f: QualityFacts) -> dict:
    if f.company_linked and f.company_firmographics:
        return _factor("company", 20)
    if f.company_linked:
        return _factor("company", 10, "company not enriched: no industry, size or revenue")
    if f.company_name:
        return _factor("company", 5, "company not matched to a known company")
    return _factor("company", 0, "no company")


def _linkedin(f: QualityFacts) -> dict:
    if not f.linkedin_url:
        return _factor("linkedin", 0, "no LinkedIn profile matched")
    if f.linkedin_confidence < STRONG_LINKEDIN:
        return _factor("linkedin", 8, f"weak LinkedIn match ({round(f.linkedin_confidence * 100)}% likely)")
    return _factor("linkedin", 15)


def _freshness(f: QualityFacts, now: datetime) -> dict:
    if f.last_updated is None:
        return _factor("freshness", 0, "never updated")
    age = (now - f.last_updated).days
    if age <= 90:
        return _factor("freshness", 20)
    if age <= 180:
        return _factor("freshness", 10, f"not updated for {age} days")
    return _factor("freshness", 0, f"not updated for {age} days")


def score(facts: QualityFacts, *, now: datetime) -> tuple[int, dict]:
    """(0-100, {factor: {label, points, max, reason}})."""
    factors = {
        "email": _email(facts), "phone": _phone(facts), "company": _company(facts),
        "linkedin": _linkedin(facts), "freshness": _freshness(facts, now),
    }
    return sum(f["points"] for f in factors.values()), factors


def improvable(facts: QualityFacts, factors: dict) -> bool:
    """Could enrichment raise this score? Never enriched, or a source that feeds a factor that is not
    full did not answer (it failed or was not asked). A source that answered "no match" will not change."""
    detail = facts.enrichment_detail
    if detail is None:
        return True
    for name, sources in IMPROVED_BY.items():
        if factors[name]["points"] >= factors[name]["max"]:
            continue
        if name == "email" and not facts.email:
            continue
        if any(detail.get(source, "error").startswith("error") for source in sources):
            return True
    return False

