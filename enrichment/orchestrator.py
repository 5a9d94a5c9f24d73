"""Enriching leads: every source in parallel, each field merged by confidence, nothing a person typed overwritten.

``enrich_leads(team_id, lead_ids)`` serves one lead and a batch alike: vendors with batch endpoints
get batches (ZoomInfo 25, Apollo 10, the profile source 100, ZeroBounce 100); all calls run at
once in a thread pool, so a lead takes about as long as its slowest vendor. Vendor calls happen
outside any transaction (their cost is recorded whatever happens next); the writes then happen
in one transaction for the batch, with LEAD_ENRICHED published for each lead.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from enrichment import merge
from enrichment.gateway import Gateway, Outcome
from enrichment.models import EnrichmentCall, EnrichmentObservation, EnrichmentState, LeadEnrichment
from enrichment.providers import apollo, linkedin, local, zerobounce, zoominfo
from enrichment.providers.base import AuthFailed, HttpResponse, Match, new_session
from leads.models import Company, Lead
from primesync import bulk, events, tenancy

LEAD_FIELDS = ("title", "phone", "country")  # lead columns enrichment may fill (when a person has not)
COMPANY_FIELDS = ("industry", "employees", "annual_revenue", "tech_stack", "hq_city", "hq_country")
PROFILE_FIELDS = ("email_status", "email_sub_status", "email_free", "email_disposable", "email_did_you_mean",
                  "linkedin_url", "phone_e164", "phone_type")
SCORED = [("lead", "title"), ("lead", "email_status"), ("lead", "phone_e164"), ("lead", "linkedin_url"),
          ("lead", "seniority"), ("company", "industry"), ("company", "employees"), ("company", "annual_revenue")]
log = logging.getLogger("enrichment")
OBSERVATION_COLUMNS = ["team", "lead", "entity", "field", "value", "source", "confidence", "observed_at", "call"]
THREADS = 24


# --- sessions and jobs ---------------------------------------------------------------------------


_sessions: dict[str, object] = {}
_sessions_lock = threading.Lock()
_zoominfo_token = zoominfo.TokenCache()


def session(vendor: str):
    with _sessions_lock:
        if vendor not in _sessions:
            _sessions[vendor] = new_session()
        return _sessions[vendor]


def _conf(vendor: str) -> dict:
    return settings.ENRICHMENT_PROVIDERS[vendor]


def _timeout_patch() -> tuple[float, float]:
    return (3.05, settings.ENRICHMENT_READ_TIMEOUT)


@dataclass
class Job:
    vendor: str
    operation: str
    kind: str  # "email" or "domain": which key of a lead this answers
    keys: list[str]
    fetch: Callable[[list[str]], HttpResponse]
    parse: Callable[[HttpResponse, list[str]], list[Match]]
    data: str  # "company", "person" or "verification": its cache lifetime, and what single and bulk calls share

    @property
    def ttl_days(self) -> int:
        return settings.ENRICHMENT_CACHE_TTL[self.data]


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _zoominfo_send(send: Callable[[str], HttpResponse]) -> HttpResponse:
    """A ZoomInfo call with the cached JWT; an expired token is renewed once."""
    conf = _conf("zoominfo")
    token = _zoominfo_token.get(session("zoominfo"), conf["base_url"], conf["username"], conf["password"])
    response = send(token)
    if response.status == 401:
        _zoominfo_token.forget()
        token = _zoominfo_token.get(session("zoominfo"), conf["base_url"], conf["username"], conf["password"])
        response = send(token)
        if response.status == 401:
            raise AuthFailed("zoominfo: token refused", status=401)
    return response


def jobs_for(emails: list[str], domains: list[str]) -> list[Job]:
    jobs: list[Job] = []
    zi, ap, li, zb = (_conf(v) for v in ("zoominfo", "apollo", "linkedin", "zerobounce"))
    for keys in _chunks(domains, zoominfo.BATCH):
        jobs.append(Job("zoominfo", "company", "domain", keys,
                        lambda k: _zoominfo_send(lambda t, k=k: zoominfo.fetch_companies(session("zoominfo"),
                                                                                         zi["base_url"], t, k)),
                        lambda r, k: zoominfo.parse_companies(r), "company"))
    for keys in _chunks(emails, zoominfo.BATCH):
        jobs.append(Job("zoominfo", "contact", "email", keys,
                        lambda k: _zoominfo_send(lambda t, k=k: zoominfo.fetch_contacts(session("zoominfo"),
                                                                                        zi["base_url"], t, k)),
                        lambda r, k: zoominfo.parse_contacts(r), "person"))
    if len(emails) == 1:
        jobs.append(Job("apollo", "match", "email", emails,
                        lambda k: apollo.fetch_match(session("apollo"), ap["base_url"], ap["api_key"], k[0]),
                        lambda r, k: [apollo.parse_match(r, k[0])], "person"))
        jobs.append(Job("linkedin", "person", "email", emails,
                        lambda k: linkedin.fetch_person(session("linkedin"), li["base_url"], li["api_key"], k[0]),
                        lambda r, k: [linkedin.parse_person(r, k[0])], "person"))
        jobs.append(Job("zerobounce", "validate", "email", emails,
                        lambda k: zerobounce.fetch_validate(session("zerobounce"), zb["base_url"], zb["api_key"], k[0]),
                        lambda r, k: [zerobounce.parse_validate(r)], "verification"))
        return jobs
    for keys in _chunks(emails, apollo.BATCH):
        jobs.append(Job("apollo", "bulk_match", "email", keys,
                        lambda k: apollo.fetch_bulk_match(session("apollo"), ap["base_url"], ap["api_key"], k),
                        apollo.parse_bulk_match, "person"))
    for keys in _chunks(emails, linkedin.BATCH):
        jobs.append(Job("linkedin", "bulk", "email", keys,
                        lambda k: linkedin.fetch_people(session("linkedin"), li["base_url"], li["api_key"], k),
                        linkedin.parse_people, "person"))
    for keys in _chunks(emails, zerobounce.BATCH):
        jobs.append(Job("zerobounce", "batch", "email", keys,
                        lambda k: zerobounce.fetch_batch(session("zerobounce"), zb["base_url"], zb["api_key"], k),
                        zerobounce.parse_batch, "verification"))
    return jobs


@dataclass
class Answers:
    """What the vendors said, by vendor and key, and why some said nothing."""

    matches: dict[tuple[str, str], Match] = field(default_factory=dict)  # (vendor, key)
    errors: dict[tuple[str, str], str] = field(default_factory=dict)
    calls: dict[tuple[str, str], int | None] = field(default_factory=dict)
    asked: dict[str, set[str]] = field(default_factory=dict)  # kind -> vendors asked


_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _threads() -> ThreadPoolExecutor:
    """One pool per process (made again after a fork): vendor calls of every batch share its threads."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        _pool, _pool_pid = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="vendor"), os.getpid()
    return _pool


def fetch_all(team_id: int, emails: list[str], domains: list[str]) -> Answers:
    """Every vendor call for these keys, all in flight together; the calls are recorded before returning."""
    jobs = jobs_for(emails, domains)
    answers = Answers()
    with Gateway(team_id) as gateway:
        def run(job: Job) -> Outcome:
            return gateway.call(job.vendor, job.operation, job.keys, fetch=job.fetch, parse=job.parse,
                                ttl_days=job.ttl_days, cache_as=job.data)

        # THREADS = 1 is the sequential way, for comparison in bench/enrichment.py
        outcomes = list(_threads().map(run, jobs)) if THREADS > 1 else [run(job) for job in jobs]
    for job, outcome in zip(jobs, outcomes, strict=True):
        answers.asked.setdefault(job.kind, set()).add(job.vendor)
        for key in job.keys:
            if key in outcome.matches:
                match = answers.matches[(job.vendor, key)] = outcome.matches[key]
                answers.calls[(job.vendor, key)] = match.call_id  # the raw response this answer came in
            elif outcome.error:
                answers.errors[(job.vendor, key)] = outcome.error
    return answers


# --- merging and writing -------------------------------------------------------------------------


def _lead_keys(lead: Lead) -> tuple[str, str, list]:
    facts = local.email_facts(lead.email) + local.phone_facts(lead.phone, lead.country)
    email = lead.email.lower() if any(f.field == "email_syntax" and f.value == "valid" for f in facts) else ""
    domain = lead.company.domain.lower() if lead.company_id and lead.company.domain else next(
        (f.value for f in facts if f.entity == "company" and f.field == "domain"), "")
    return email, domain, facts


def _fit(model, name: str, value):
    """A vendor's value made to fit our column (length, type)."""
    f = model._meta.get_field(name)
    if isinstance(value, str) and getattr(f, "max_length", None):
        return value[: f.max_length]
    if f.get_internal_type() in ("PositiveIntegerField", "DecimalField") and value is not None:
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            return None
    return value


def enrich_leads(team_id: int, lead_ids: list[int]) -> dict[int, str]:
    """Enrich these leads now; returns each lead's status."""
    with tenancy.use_team(team_id):
        leads = list(Lead.objects.select_related("company").filter(team_id=team_id, pk__in=lead_ids))
    keys = {lead.pk: _lead_keys(lead) for lead in leads}
    started = time.perf_counter()
    answers = fetch_all(team_id, sorted({e for e, _, _ in keys.values() if e}),
                        sorted({d for _, d, _ in keys.values() if d}))
    fetched = time.perf_counter()
    now = timezone.now()
    with tenancy.use_team(team_id), transaction.atomic():
        statuses = _write(team_id, leads, keys, answers, now)
    log.info("enriched %d leads of team %s: vendors %.0f ms, merge and write %.0f ms", len(leads), team_id,
             (fetched - started) * 1000, (time.perf_counter() - fetched) * 1000)
    return statuses


def _forget_unknown_calls(observations: list[dict]) -> None:
    """A cached answer names the call that fetched it; that call may belong to another team (the cache is
    shared, the call log is not) or be gone (the database was restored, the cache was not). Such an
    observation keeps its value without a reference it may not hold."""
    call_ids = {o["call_id"] for o in observations if o["call_id"]}
    if not call_ids:
        return
    known = set(EnrichmentCall.objects.filter(pk__in=call_ids).values_list("pk", flat=True))  # this team's, by RLS
    for o in observations:
        if o["call_id"] not in known:
            o["call_id"] = None


def _write(team_id: int, leads: list[Lead], keys: dict, answers: Answers, now: datetime) -> dict[int, str]:
    lead_ids = [lead.pk for lead in leads]
    previous: dict[int, list[merge.Seen]] = {}
    for o in EnrichmentObservation.objects.filter(team_id=team_id, lead_id__in=lead_ids):
        previous.setdefault(o.lead_id, []).append(merge.Seen(o.entity, o.field, o.value, o.source, o.confidence,
                                                             o.observed_at))
    states = {s.lead_id: s for s in LeadEnrichment.objects.filter(team_id=team_id, lead_id__in=lead_ids)}
    new_observations, statuses, chosen_of, detail_of = [], {}, {}, {}
    for lead in leads:
        email, domain, facts = keys[lead.pk]
        seen_now, detail_of[lead.pk] = _observations(lead=lead, email=email, domain=domain, facts=facts,
                                                     answers=answers, now=now, sink=new_observations)
        chosen_of[lead.pk] = merge.choose(merge.latest_answers(previous.get(lead.pk, []) + seen_now), now=now,
                                          half_life_days=settings.ENRICHMENT_HALF_LIFE_DAYS)
    companies = _companies_for(team_id, leads, chosen_of)
    changed_leads, changed_companies = [], {}
    for lead in leads:
        state = states.get(lead.pk) or LeadEnrichment(team_id=team_id, lead=lead)
        if _apply(lead, state, chosen_of[lead.pk], companies=companies, changed_companies=changed_companies):
            changed_leads.append(lead)
        detail = detail_of[lead.pk]
        errors = [v for v in detail.values() if v.startswith("error")]
        state.status = (EnrichmentState.FAILED if errors and len(errors) == len(detail)
                        else EnrichmentState.PARTIAL if errors else EnrichmentState.ENRICHED)
        state.detail = detail
        state.enriched_at = now
        states[lead.pk] = state
        statuses[lead.pk] = state.status
    _forget_unknown_calls(new_observations)
    bulk.insert(EnrichmentObservation, new_observations, OBSERVATION_COLUMNS)
    bulk.update(Company, list(changed_companies.values()), [*COMPANY_FIELDS, "updated_at"])
    bulk.update(Lead, changed_leads, [*LEAD_FIELDS, "company", "updated_at"])
    for state in states.values():
        state.updated_at = now
    updated = ["status", "score", "detail", "chosen", "applied", *PROFILE_FIELDS, "enriched_at", "updated_at"]
    bulk.upsert(LeadEnrichment, list(states.values()), ["team", "lead", *updated], unique=["lead"], update=updated)
    events.publish_many(events.LEAD_ENRICHED, team=team_id, entity_type="lead", items=[
        (lead_id, {"status": status, "score": states[lead_id].score}) for lead_id, status in statuses.items()])
    return statuses


def _chosen_domain(chosen) -> str:
    return str(chosen[("company", "domain")].value).lower() if ("company", "domain") in chosen else ""


def _companies_for(team_id: int, leads: list[Lead], chosen_of: dict) -> dict[str, Company]:
    """The companies (by domain) of leads that have none yet, created where missing.

    One ``INSERT .. ON CONFLICT DO NOTHING`` in domain order: two workers enriching leads of the same
    new company neither fail on the unique domain nor deadlock each other.
    """
    names = {}
    for lead in leads:
        chosen = chosen_of[lead.pk]
        domain = _chosen_domain(chosen)
        if lead.company_id is None and domain:
            name = chosen[("company", "name")].value if ("company", "name") in chosen else domain.split(".")[0]
            names.setdefault(domain, _fit(Company, "name", str(name).title() if name == domain.split(".")[0]
                                          else str(name)))
    if not names:
        return {}
    Company.objects.bulk_create([Company(team_id=team_id, name=names[d], domain=d) for d in sorted(names)],
                                ignore_conflicts=True)
    return {c.domain.lower(): c for c in Company.objects.annotate(domain_lower=Lower("domain"))
            .filter(team_id=team_id, domain_lower__in=list(names))}


def _apply(lead, state, chosen, *, companies, changed_companies) -> bool:
    """Write what enrichment may write into the lead, its company and its profile; True if the lead changed."""
    linked = lead.company_id is None and _chosen_domain(chosen) in companies
    if linked:
        lead.company = companies[_chosen_domain(chosen)]
    _apply_company(lead=lead, chosen=chosen, state=state, changed=changed_companies)
    lead_changed = _apply_lead(lead, chosen, state) or linked
    if lead_changed:
        lead.updated_at = timezone.now()  # bulk_update does not run auto_now
    _apply_profile(state, chosen)
    state.score = round(100 * sum(1 for k in SCORED if k in chosen) / len(SCORED))
    return lead_changed


def remerge_lead(lead: Lead) -> LeadEnrichment:
    """Choose again from the stored observations (after a person's pick): no vendor is asked."""
    now = timezone.now()
    with transaction.atomic():
        lead = Lead.objects.select_related("company").select_for_update(of=("self",)).get(pk=lead.pk)
        seen = [merge.Seen(o.entity, o.field, o.value, o.source, o.confidence, o.observed_at)
                for o in EnrichmentObservation.objects.filter(team_id=lead.team_id, lead=lead)]
        state = LeadEnrichment.objects.filter(lead=lead).first() or LeadEnrichment(
            team_id=lead.team_id, lead=lead, status=EnrichmentState.PENDING)
        chosen = merge.choose(merge.latest_answers(seen), now=now, half_life_days=settings.ENRICHMENT_HALF_LIFE_DAYS)
        companies = _companies_for(lead.team_id, [lead], {lead.pk: chosen})
        changed_companies: dict = {}
        if _apply(lead, state, chosen, companies=companies, changed_companies=changed_companies):
            lead.save(update_fields=[*LEAD_FIELDS, "company", "updated_at"])
        for company in changed_companies.values():
            company.save(update_fields=[*COMPANY_FIELDS, "updated_at"])
        state.save()
    return state


def _observations(*, lead, email, domain, facts, answers: Answers, now, sink: list) -> tuple[list, dict]:
    """This run's observations for a lead (stored into ``sink``), and each source's outcome for it."""
    seen: list[merge.Seen] = []
    detail: dict[str, str] = {}

    def keep(observed, source, call_id=None):
        seen.append(merge.Seen(observed.entity, observed.field, observed.value, source, observed.confidence, now))
        sink.append({"team_id": lead.team_id, "lead_id": lead.pk, "entity": observed.entity, "field": observed.field,
                     "value": observed.value, "source": source, "confidence": observed.confidence,
                     "observed_at": now, "call_id": call_id})

    for observed in facts:
        keep(observed, "local")
    detail["local"] = "ok"
    for kind, key in (("email", email), ("domain", domain)):
        if not key:
            continue
        for vendor in sorted(answers.asked.get(kind, ())):
            label = vendor if kind == "email" or vendor != "zoominfo" else "zoominfo_company"
            match = answers.matches.get((vendor, key))
            if match is None:
                detail[label] = "error: " + answers.errors.get((vendor, key), "no answer")
                continue
            detail[label] = "ok" if match.found else f"no match ({match.detail})" if match.detail else "no match"
            for observed in match.observations:
                keep(observed, vendor, answers.calls.get((vendor, key)))
    return seen, detail


def _apply_company(*, lead, chosen, state, changed) -> None:
    company = lead.company
    if company is None:
        return
    for name in COMPANY_FIELDS:
        seen = chosen.get(("company", name))
        applied_key = f"company.{name}"
        if seen is None or not merge.may_write(getattr(company, name), state.applied.get(applied_key)):
            continue
        value = _fit(Company, name, seen.value)
        if value not in (None, "") and getattr(company, name) != value:
            setattr(company, name, value)
            company.updated_at = timezone.now()
            state.applied[applied_key] = value if not hasattr(value, "quantize") else str(value)
            changed[company.pk] = company


def _apply_lead(lead, chosen, state) -> bool:
    changed = False
    for name in LEAD_FIELDS:
        seen = chosen.get(("lead", name))
        applied_key = f"lead.{name}"
        if seen is None or not merge.may_write(getattr(lead, name), state.applied.get(applied_key)):
            continue
        value = _fit(Lead, name, seen.value if name != "country" else str(seen.value).upper()[:2])
        if value and getattr(lead, name) != value:
            setattr(lead, name, value)
            state.applied[applied_key] = value
            changed = True
    return changed


def _apply_profile(state: LeadEnrichment, chosen) -> None:
    state.chosen = {
        f"{entity}.{name}" if entity == "company" else name: {
            "value": seen.value, "source": seen.source, "confidence": round(seen.confidence, 3),
            "observed_at": seen.observed_at.isoformat(),
        }
        for (entity, name), seen in chosen.items()
    }
    for name in PROFILE_FIELDS:
        seen = chosen.get(("lead", name))
        # a value no source gives any more (the "did you mean" of a corrected typo) is cleared
        value = _fit(LeadEnrichment, name, seen.value) if seen is not None else \
            LeadEnrichment._meta.get_field(name).get_default()
        setattr(state, name, value)
    direct = chosen.get(("lead", "phone_type"))
    if direct is not None:
        state.phone_type = direct.value
