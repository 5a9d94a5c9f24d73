"""What a CSV column can become, and the guess from its header ("E-mail", "Mobile", "Company Name"...)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from leads.models import Company, Lead


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    kind: str  # text, email, phone, country, choice, owner, date, integer, decimal, full_name
    max_length: int | None = None
    on_company: bool = False  # the value goes to the lead's company (found or created by name or website)
    synonyms: tuple[str, ...] = ()
    help: str = ""


def _length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# The order is the order of the mapping <select>.
TARGETS: tuple[Target, ...] = (
    Target("full_name", "Full name", "full_name", _length(Lead, "first_name") + _length(Lead, "last_name") + 1,
           synonyms=("name", "full name", "contact name", "contact", "person", "lead name", "lead"),
           help="Split into first and last name at the last space (“Silva, Ana” is read as Ana Silva)"),
    Target("first_name", "First name", "text", _length(Lead, "first_name"),
           synonyms=("first name", "firstname", "first", "given name", "forename", "prenom", "vorname")),
    Target("last_name", "Last name", "text", _length(Lead, "last_name"),
           synonyms=("last name", "lastname", "last", "surname", "family name", "nachname")),
    Target("email", "Email", "email", _length(Lead, "email"),
           synonyms=("email", "e-mail", "email address", "e-mail address", "mail", "work email", "business email",
                     "email 1", "primary email")),
    Target("phone", "Phone", "phone", _length(Lead, "phone"),
           synonyms=("phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "mobile number", "cell",
                     "cell phone", "direct phone", "work phone", "direct dial", "phone 1"),
           help="Stored in E.164 (+14155550100); numbers without a +country code use the lead's country"),
    Target("title", "Job title", "text", _length(Lead, "title"),
           synonyms=("title", "job title", "position", "role", "job", "job role", "designation")),
    Target("company_name", "Company", "text", _length(Lead, "company_name"),
           synonyms=("company", "company name", "organization", "organisation", "organization name", "account",
                     "account name", "employer", "firm")),
    Target("country", "Country", "country", _length(Lead, "country"),
           synonyms=("country", "country code", "country iso", "iso country", "nation"),
           help="The 2-letter code: US, DE, FR…; it also says how to read phone numbers without +country code"),
    Target("status", "Status", "choice", synonyms=("status", "lead status"),
           help="new, working, qualified, disqualified or converted; anything else is read as new"),
    Target("source", "Source", "choice", synonyms=("source", "lead source", "origin", "channel"),
           help="web, referral, outbound, event, partner, api, other; anything else is read as import"),
    Target("owner", "Owner", "owner",
           synonyms=("owner", "owner email", "lead owner", "assigned to", "sales rep", "rep", "account owner",
                     "rep email"),
           help="A team member's email (managers only). Unknown addresses get the default owner"),
    Target("created_at", "Created on", "date",
           synonyms=("created", "created at", "created on", "created date", "date created", "date added", "added on",
                     "create date", "creation date"),
           help="2024-03-01, 2024-03-01T09:30:00Z, 01.03.2024, 03/01/2024 (day or month first, as the column shows)"),
    Target("company_domain", "Company website", "domain", _length(Company, "domain"), on_company=True,
           synonyms=("website", "domain", "company website", "company domain", "web site", "url", "company url",
                     "homepage")),
    Target("industry", "Company industry", "text", _length(Company, "industry"), on_company=True,
           synonyms=("industry", "sector", "vertical", "company industry")),
    Target("employees", "Company employees", "integer", on_company=True,
           synonyms=("employees", "employee count", "number of employees", "no of employees", "headcount",
                     "num employees", "employees count", "company employees"),
           help="A whole number; 1,200 and 1 200 are read as 1200"),
    Target("annual_revenue", "Company annual revenue", "decimal", on_company=True,
           synonyms=("revenue", "annual revenue", "company revenue", "yearly revenue", "turnover"),
           help="A number; $ € £ and thousands separators are ignored"),
)
BY_KEY = {t.key: t for t in TARGETS}
IDENTITY_TARGETS = ("email", "phone", "first_name", "last_name", "full_name")
INTEGER_MAX = 2_147_483_647  # a PositiveIntegerField
DECIMAL_MAX_DIGITS = Company._meta.get_field("annual_revenue").max_digits - Company._meta.get_field(
    "annual_revenue").decimal_places


def normalise_header(header: str) -> str:
    """``" E-Mail Address "`` → ``"emailaddress"``: case, spacing and punctuation do not count."""
    return re.sub(r"[^0-9a-z]+", "", header.lower())


_SYNONYMS = {normalise_header(s): t.key for t in TARGETS for s in t.synonyms}


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Each header whose name is a known synonym, to its target; a target is taken by its first column only."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        target = _SYNONYMS.get(normalise_header(header), "")
        if target in taken:
            target = ""
        mapping[header] = target
        taken.add(target)
    if "full_name" in taken and ({"first_name", "last_name"} & taken):  # "Name" and "First name": the parts win
        mapping = {h: ("" if t == "full_name" else t) for h, t in mapping.items()}
    return mapping


def headers_signature(headers: list[str]) -> str:
    """What identifies "a file with these columns" for saved mappings."""
    return hashlib.sha256("\x1f".join(normalise_header(h) for h in headers).encode()).hexdigest()


class MappingError(ValueError):
    pass


def validate_mapping(mapping: dict, headers: list[str], *, may_set_owner: bool) -> dict[str, str]:
    """The mapping, cleaned: every header present (unmapped ones as ""), known targets, each at most once."""
    if not isinstance(mapping, dict):
        raise MappingError("The mapping must be an object of CSV header to field.")
    unknown_headers = [h for h in mapping if h not in headers]
    if unknown_headers:
        raise MappingError(f"No column named {', '.join(repr(h) for h in unknown_headers[:5])} in the file.")
    cleaned = {h: (mapping.get(h) or "") for h in headers}
    seen: dict[str, str] = {}
    for header, target in cleaned.items():
        if not isinstance(target, str) or (target and target not in BY_KEY):
            raise MappingError(f"Column {header!r}: unknown field {target!r}.")
        if target and target in seen:
            raise MappingError(f"{BY_KEY[target].label} is mapped from two columns: {seen[target]!r} and {header!r}.")
        if target:
            seen[target] = header
    if not set(seen) & set(IDENTITY_TARGETS):
        raise MappingError("Map at least a name, an email or a phone column.")
    if "full_name" in seen and {"first_name", "last_name"} & set(seen):
        raise MappingError("Map either a full name column or first and last name columns, not both.")
    if "owner" in seen and not may_set_owner:
        raise MappingError("Only managers can import leads for other owners: leave the owner column unmapped.")
    return cleaned
