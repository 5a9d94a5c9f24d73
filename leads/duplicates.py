"""Possible duplicate leads: found by normalised keys, scored by rapidfuzz, kept as pairs to review.

One finder, :func:`find`, serves every path: the new-lead form's warning (values being typed), a
new lead (the LEAD_CREATED handler), an import (the ``leads.scan_duplicates`` task with the new
ids) and the nightly sweep (the same task for a whole team). It works in three steps:

1. each probe's keys are computed by the database: stored in the probe's row (generated columns
   ``key_email``, ``key_phone``...) or, for typed values, by the same expressions
   (``leads/models/keys.py``) applied to literals;
2. the leads that share a key with a probe are read by index, one query per kind of key; a sweep
   of the whole team reads the team's leads once instead;
3. in Python, leads are put in blocks by key (same email, same phone, same company with the same
   last-name initial, same name key) and each pair within a block is scored once.

No pg_trgm (absent from the embedded PostgreSQL): see docs/architecture.md, "Duplicates".
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
import tldextract
from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from rapidfuzz import fuzz, process

from leads.models import DuplicateCandidate, DuplicateStatus, Lead, keys
from leads.models.erasure import ERASED_LEAD
from primesync import bulk, keyset
from primesync.keyset import Ordering
from primesync.models import Team

MIN_PHONE_DIGITS = 7
FORM_BRANCH_LIMIT = 500  # rows per kind of key for a form's warning: enough to find the few it shows
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "outlook.com", "live.com", "msn.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de",
    "mail.com", "yandex.com", "yandex.ru", "zoho.com", "fastmail.com", "hey.com", "qq.com", "163.com",
})
# Words many company names share: "Hooli Partners" and "Tolis Partners" are not alike for sharing one.
GENERIC_COMPANY_WORDS = frozenset({
    "partners", "systems", "solutions", "services", "technologies", "technology", "tech", "labs", "health",
    "healthcare", "group", "holdings", "global", "international", "consulting", "software", "digital", "media",
    "capital", "ventures", "industries", "logistics", "foods", "networks", "enterprises", "associates", "agency",
    "studio", "management", "bank", "insurance",
})
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled suffix list: never downloads

# Keyed attribute -> (the lead's stored column, the expression that computes it from typed values)
KEYS = {
    "email_key": ("key_email", lambda v: keys.email_key(v("email"))),
    "phone_key": ("key_phone", lambda v: keys.phone_key(v("phone"))),
    "domain_key": ("key_domain", lambda v: keys.email_domain_key(v("email"))),
    "company_key": ("key_company", lambda v: keys.company_key(v("company_name"))),
    "name_key": ("key_name", lambda v: keys.name_key(v("first_name"), v("last_name"))),
}
ROW_FIELDS = ["id", "first_name", "last_name", "email", "phone", "company_name", "country", "company_id"]


# --- the leads being compared ----------------------------------------------------------------------


@dataclass(frozen=True)
class Keyed:
    """What matching needs of one lead (or of values typed into a form, then ``id`` is None)."""

    id: int | None
    first_name: str
    last_name: str
    email: str
    phone: str
    company_name: str
    country: str
    company_id: int | None
    company_domain: str
    email_key: str
    phone_key: str
    domain_key: str
    company_key: str
    name_key: str
    first_plain: str = field(init=False)
    last_plain: str = field(init=False)
    company_refs: frozenset = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "first_plain", _plain(self.first_name))
        object.__setattr__(self, "last_plain", _plain(self.last_name))
        refs = {("name", self.company_key)} if self.company_key else set()
        if self.company_id:
            refs.add(("id", self.company_id))
        refs |= {("domain", d) for d in (_corporate_domain(self.domain_key), self.company_domain.lower()) if d}
        object.__setattr__(self, "company_refs", frozenset(refs))

    @property
    def has_full_name(self) -> bool:
        return bool(self.first_plain and self.last_plain)

    @property
    def has_phone(self) -> bool:
        return len(self.phone_key) >= MIN_PHONE_DIGITS

    @property
    def company_core(self) -> str:
        """The company key without generic words (the part that tells companies apart), if any is left."""
        words = [w for w in self.company_key.split() if w not in GENERIC_COMPANY_WORDS]
        return " ".join(words) or self.company_key

    @property
    def domains(self) -> set[str]:
        """The company's web domains this lead shows (corporate email, linked company)."""
        return {value for kind, value in self.company_refs if kind == "domain"}

    @property
    def last_initial(self) -> str:
        """The last name's first letter (from the name key). Leads of one company are compared only with
        those of the same initial: a typo rarely hits the first letter, and big customers' blocks stay small."""
        return self.name_key.partition(":")[2][:1]


def _plain(text: str) -> str:
    """Lower case without accents: ``José`` and ``Jose`` compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@lru_cache(maxsize=65536)
def _corporate_domain(host: str) -> str:
    """The registrable domain of an email's host, unless it is free or throwaway mail (shared by strangers)."""
    host = (host or "").strip().lower().rstrip(".")
    if not host or host in FREE_MAIL_DOMAINS or host in DISPOSABLE_DOMAINS:
        return ""
    parts = _extract(host)
    if parts.domain and parts.suffix:
        domain = f"{parts.domain}.{parts.suffix}"
    else:  # a suffix the bundled list does not know (.example, .test, a new gTLD): its last two labels
        labels = [label for label in host.split(".") if label]
        domain = ".".join(labels[-2:]) if len(labels) >= 2 else ""
    return "" if domain in FREE_MAIL_DOMAINS or domain in DISPOSABLE_DOMAINS else domain


def _keyed_rows(queryset, *, limit: int | None = None) -> list[Keyed]:
    """Rows of a Lead queryset with their keys, computed by the database (erased leads are nobody: left out)."""
    rows = queryset.exclude(ERASED_LEAD).values(*ROW_FIELDS, company_domain=Lower("company__domain"),
                           **{name: F(column) for name, (column, _) in KEYS.items()})
    rows = rows[:limit] if limit else rows.iterator(chunk_size=5000)
    return [Keyed(**{**row, "company_domain": row["company_domain"] or ""}) for row in rows]


def keyed_values(*, team_id: int, values: dict) -> Keyed | None:
    """Typed values (a form being filled in) with their keys, computed by the same expressions.

    Any one-row table serves to evaluate the expressions on literals; the team's row is at hand.
    """
    text = {name: str(values.get(name) or "").strip() for name in ROW_FIELDS if name not in ("id", "company_id")}
    if not any(text[name] for name in ("email", "phone", "last_name", "first_name")):
        return None
    computed = Team.objects.filter(pk=team_id).annotate(
        **{name: make(lambda f: Value(text[f])) for name, (_, make) in KEYS.items()}
    ).values(*KEYS).first()
    if computed is None:
        return None
    return Keyed(id=None, company_id=None, company_domain="", **text, **computed)


# --- scoring a pair ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    a: Keyed
    b: Keyed
    score: int
    reasons: tuple[str, ...]

    def other(self, probe: Keyed) -> Keyed:
        return self.b if self.a is probe else self.a


@lru_cache(maxsize=65536)
def _e164(phone: str, country: str) -> str | None:
    try:
        number = phonenumbers.parse(phone, (country or settings.DUPLICATE_PHONE_REGION).upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _same_phone(a: Keyed, b: Keyed) -> bool:
    """Same last ten digits, and not two valid numbers that differ in E.164 (another country code)."""
    if not (a.has_phone and a.phone_key == b.phone_key):
        return False
    a164, b164 = _e164(a.phone, a.country), _e164(b.phone, b.country)
    return a164 is None or b164 is None or a164 == b164


def _clearly_different_people(a: Keyed, b: Keyed) -> bool:
    """Both named, and not alike: colleagues sharing an office line are not one person.

    (A nickname, Bob for Robert, reads as another person here: a known limit.)
    """
    if not (a.has_full_name and b.has_full_name):
        return False
    return fuzz.ratio(a.last_plain, b.last_plain) < 75 or fuzz.ratio(a.first_plain, b.first_plain) < 60


def score_pair(a: Keyed, b: Keyed) -> Match | None:
    """How likely two leads are one person (0-100) and why; None when nothing points that way.

    Thresholds come from settings.DUPLICATE_THRESHOLDS (rapidfuzz ratios, 0-100).
    """
    thresholds = settings.DUPLICATE_THRESHOLDS
    reasons: list[str] = []
    scores: list[int] = []
    if a.email_key and a.email_key == b.email_key:
        reasons.append("same email")
        scores.append(100)
    if _same_phone(a, b) and not _clearly_different_people(a, b):
        reasons.append("same phone")
        scores.append(90)
    if a.has_full_name and b.has_full_name:
        first = fuzz.ratio(a.first_plain, b.first_plain)
        last = fuzz.ratio(a.last_plain, b.last_plain)
        if first >= thresholds["first_name"] and last >= thresholds["last_name"]:
            name = round((first + last) / 2)
            if a.company_refs & b.company_refs:
                reasons.append(f"name {name}% at the same company")
                scores.append(round(name * 0.95))
            elif a.company_key and b.company_key and not (a.domains and b.domains):  # two domains: two companies
                company = round(fuzz.token_set_ratio(a.company_core, b.company_core))
                if company >= thresholds["company"]:
                    reasons.append(f"name {name}%, company {company}%")
                    scores.append(round(name * 0.6 + company * 0.3))
    if not scores:
        return None
    return Match(a=a, b=b, score=min(100, max(scores) + 5 * (len(scores) - 1)), reasons=tuple(reasons))


# --- finding candidates ----------------------------------------------------------------------------


def _block_keys(row: Keyed) -> list[tuple]:
    """The blocks a lead goes in: only leads sharing a block are compared."""
    blocks: list[tuple] = []
    if row.email_key:
        blocks.append(("email", row.email_key))
    if row.has_phone:
        blocks.append(("phone", row.phone_key))
    if row.has_full_name:
        blocks += [("company", *ref, row.last_initial) for ref in row.company_refs]
        if row.company_key:
            blocks.append(("name", row.name_key))
    return blocks


@dataclass
class Found:
    matches: list[Match]
    leads: int  # leads looked at
    oversized_blocks: int  # blocks too big to be one person's (a placeholder phone on 5,000 leads): skipped


EXACT_BLOCKS = ("email", "phone")


def _block_pairs(kind: str, members: list[int], rows: list[Keyed], probes: int | None):
    """The pairs of one block worth scoring (indexes into rows, lower first).

    In an exact block (one email, one phone) every pair is. In a company or name block, only pairs
    whose last names are close enough, found by rapidfuzz in C++ rather than pair by pair in
    Python: a big customer's block holds thousands of leads.
    """
    if kind in EXACT_BLOCKS:
        for x in members if probes is None else [m for m in members if m < probes]:
            for y in members:
                if y > x or (probes is not None and y >= probes):
                    yield (x, y) if x < y else (y, x)
        return
    cutoff = settings.DUPLICATE_THRESHOLDS["last_name"]
    names = [rows[m].last_plain for m in members]  # members are in index order
    for i, x in enumerate(members):
        if probes is None:
            others, choices = members[i + 1:], names[i + 1:]
        elif x < probes:
            others = [y for y in members if y > x or y >= probes]
            choices = [rows[y].last_plain for y in others]
        else:
            continue
        for _, _, position in process.extract(rows[x].last_plain, choices, scorer=fuzz.ratio, score_cutoff=cutoff,
                                              limit=None):
            y = others[position]
            yield (x, y) if x < y else (y, x)


def _pairs(rows: list[Keyed], probes: int | None) -> Found:
    """Score each pair of rows that share a block. With ``probes``, only pairs involving rows[:probes]."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        for key in _block_keys(row):
            blocks[key].append(index)
    seen: set[tuple[int, int]] = set()
    matches: list[Match] = []
    oversized = 0
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key[0] in EXACT_BLOCKS and len(members) > settings.DUPLICATE_MAX_BLOCK:
            oversized += 1
            continue
        for pair in _block_pairs(key[0], members, rows, probes):
            if pair in seen:
                continue
            seen.add(pair)
            match = score_pair(rows[pair[0]], rows[pair[1]])
            if match is not None:
                matches.append(match)
    return Found(matches=matches, leads=len(rows), oversized_blocks=oversized)


def _sharing_keys(team_id: int, probes: list[Keyed], *, limit: int | None) -> list[Keyed]:
    """Leads that share a key with a probe, read by index: one query per kind of key."""
    emails = {p.email_key for p in probes if p.email_key}
    phones = {p.phone_key for p in probes if p.has_phone}
    named = [p for p in probes if p.has_full_name]
    company_ids = {p.company_id for p in named if p.company_id}
    domains = {ref[1] for p in named for ref in p.company_refs if ref[0] == "domain"}
    hosts = domains | {p.domain_key for p in named if _corporate_domain(p.domain_key)}  # mail.acme.com too
    company_keys = {p.company_key for p in named if p.company_key}
    name_keys = {p.name_key for p in named if p.company_key}

    leads = Lead.objects.filter(team_id=team_id)
    named_leads = leads.exclude(first_name="").exclude(last_name="")
    initials = {p.last_initial for p in named}
    if "" not in initials:  # company-wide lookups read only the leads whose last name starts alike (Keyed.last_initial)
        named_leads = named_leads.filter(key_name__regex=f"^[^:]*:[{''.join(sorted(initials))}]")
    branches = []
    if emails:
        branches.append(leads.filter(key_email__in=emails))
    if phones:
        branches.append(leads.filter(key_phone__in=phones))
    if domains:
        branches.append(named_leads.filter(key_domain__in=hosts))
        branches.append(named_leads.filter(company__domain__in=domains))  # company domains are kept in lower case
    if company_ids:
        branches.append(named_leads.filter(company_id__in=company_ids))
    if company_keys:
        branches.append(named_leads.filter(key_company__in=company_keys))
    if name_keys:
        branches.append(leads.filter(key_name__in=name_keys))
    found: dict[int, Keyed] = {}
    for branch in branches:
        for row in _keyed_rows(branch, limit=limit):
            found.setdefault(row.id, row)
    return list(found.values())


def find(*, team_id: int, probes: list[Keyed] | None, exclude_ids: frozenset[int] = frozenset(),
         limit: int | None = None) -> Found:
    """Possible duplicates of the probes (saved leads or typed values), or among all the team's leads
    when ``probes`` is None. The caller has scoped the transaction to the team."""
    if probes is None:
        return _pairs(_keyed_rows(Lead.objects.filter(team_id=team_id)), probes=None)
    skip = {p.id for p in probes if p.id is not None} | exclude_ids
    others = [row for row in _sharing_keys(team_id, probes, limit=limit) if row.id not in skip]
    return _pairs([*probes, *others], probes=len(probes))


def keyed_leads(*, team_id: int, lead_ids: list[int]) -> list[Keyed]:
    return _keyed_rows(Lead.objects.filter(team_id=team_id, pk__in=lead_ids))


def lead_matches(*, team, values: dict, exclude_id: int | None = None, limit: int = 5) -> list[tuple[Lead, Match]]:
    """The warning of the new-lead form: saved leads that look like the values typed, most likely first."""
    probe = keyed_values(team_id=team.pk, values=values)
    if probe is None:
        return []
    found = find(team_id=team.pk, probes=[probe], exclude_ids=frozenset({exclude_id} - {None}),
                 limit=FORM_BRANCH_LIMIT)
    best = sorted(found.matches, key=lambda m: (-m.score, m.other(probe).id))[:limit]
    leads = Lead.objects.filter(team=team).select_related("owner").in_bulk([m.other(probe).id for m in best])
    return [(leads[m.other(probe).id], m) for m in best if m.other(probe).id in leads]


# --- keeping the pairs -------------------------------------------------------------------------------


@dataclass
class ScanResult:
    leads: int
    pairs: int  # pairs found (new, or open ones seen again)
    removed: int  # open pairs that no longer match
    oversized_blocks: int


PAIR_COLUMNS = ["team", "lead_a", "lead_b", "score", "reasons", "status", "found_at", "seen_at"]
# A pair seen again refreshes its score and reasons while it is open; a decided one stays decided.
PAIR_UPSERT = (
    "(lead_a_id, lead_b_id) DO UPDATE SET score = EXCLUDED.score, reasons = EXCLUDED.reasons, "
    "seen_at = EXCLUDED.seen_at WHERE leads_duplicatecandidate.status = 'open'"
)


def scan(*, team_id: int, lead_ids: list[int] | None = None) -> ScanResult:
    """Find and keep the pairs of ``lead_ids`` (None: the whole team), set-based.

    Open pairs of those leads that no longer match (someone fixed an email) leave the queue.
    Runs in the caller's team scope (a task or handler).
    """
    started = timezone.now()
    with transaction.atomic():
        probes = None if lead_ids is None else keyed_leads(team_id=team_id, lead_ids=lead_ids)
        found = find(team_id=team_id, probes=probes)
        rows = [
            {"team_id": team_id, "lead_a_id": min(m.a.id, m.b.id), "lead_b_id": max(m.a.id, m.b.id),
             "score": m.score, "reasons": list(m.reasons), "status": DuplicateStatus.OPEN,
             "found_at": started, "seen_at": started}
            for m in found.matches
        ]
        for start in range(0, len(rows), 5000):
            bulk.insert(DuplicateCandidate, rows[start:start + 5000], PAIR_COLUMNS, on_conflict=PAIR_UPSERT)
        stale = DuplicateCandidate.objects.filter(team_id=team_id, status=DuplicateStatus.OPEN, seen_at__lt=started)
        if lead_ids is not None:
            stale = stale.filter(Q(lead_a_id__in=lead_ids) | Q(lead_b_id__in=lead_ids))
        removed, _ = stale.delete()
    return ScanResult(leads=found.leads, pairs=len(rows), removed=removed, oversized_blocks=found.oversized_blocks)


def duplicate_dismiss(*, pair: DuplicateCandidate, by) -> DuplicateCandidate:
    """"Not a duplicate": remembered, so no scan proposes the pair again."""
    with transaction.atomic():
        pair.status = DuplicateStatus.DISMISSED
        pair.resolved_by = by
        pair.resolved_at = timezone.now()
        pair.save(update_fields=["status", "resolved_by", "resolved_at"])
    return pair


# --- the review queue ---------------------------------------------------------------------------------

QUEUE_ORDER = Ordering(("score",), descending=True)


def can_see_pair(seat, pair: DuplicateCandidate) -> bool:
    """Managers see every pair of the team; a rep sees the pairs that involve a lead of theirs."""
    user_id = seat.membership.user_id
    return seat.is_manager or user_id in (pair.lead_a.owner_id, pair.lead_b.owner_id)


def can_resolve_pair(seat, pair: DuplicateCandidate) -> bool:
    """Merging or dismissing changes both leads: a manager, or a rep who owns both."""
    user_id = seat.membership.user_id
    return seat.is_manager or pair.lead_a.owner_id == pair.lead_b.owner_id == user_id


def _visible(queryset, seat):
    if seat.is_manager:
        return queryset
    user_id = seat.membership.user_id
    return queryset.filter(Q(lead_a__owner_id=user_id) | Q(lead_b__owner_id=user_id))


def duplicate_queue(*, team, seat, lead_id: int | None = None, after: str | None = None, size: int = 50):
    """One keyset page of open pairs the seat may see, most likely first."""
    queryset = DuplicateCandidate.objects.filter(team=team, status=DuplicateStatus.OPEN).select_related(
        "lead_a__owner", "lead_b__owner"
    )
    if lead_id is not None:
        queryset = queryset.filter(Q(lead_a_id=lead_id) | Q(lead_b_id=lead_id))
    return keyset.page(_visible(queryset, seat), QUEUE_ORDER, after=after, size=size)


def duplicate_open_count(*, team, seat) -> int:
    return _visible(DuplicateCandidate.objects.filter(team=team, status=DuplicateStatus.OPEN), seat).count()


def duplicate_get(*, team, pk: int) -> DuplicateCandidate:
    """A pair of the team with both leads (raises DoesNotExist otherwise: another team's pair is a 404)."""
    return DuplicateCandidate.objects.select_related(
        "lead_a__owner", "lead_a__company", "lead_b__owner", "lead_b__company", "resolved_by"
    ).get(team=team, pk=pk)
