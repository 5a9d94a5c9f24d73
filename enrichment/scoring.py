"""Data quality as a service: score leads in bulk, act on low scores, keep the daily distribution.

A lead scoring below 50 is re-enriched once if a source could still raise it (enrichment.quality
decides), otherwise it waits in the manual review queue of /quality/ until someone reviews it or
its score rises. Every function here is idempotent: rescoring a lead twice changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enrichment import quality
from enrichment.models import LeadQuality, QualitySnapshot, ReviewStatus
from enrichment.providers.local import phone_facts
from enrichment.selectors import quality_distribution
from leads.models import EnrichmentRequest, EnrichmentStatus, Lead, LeadStatus
from leads.services import enrichment_request, lead_bulk_set_status, lead_update
from primesync import bulk, tenancy
from primesync.models import Team

CHUNK = 2000


def _facts(lead: Lead) -> quality.QualityFacts:
    state = getattr(lead, "enrichment", None)
    company = lead.company
    last = max(filter(None, [lead.updated_at, state.enriched_at if state else None]), default=None)
    enriched = state is not None and state.status != "pending"
    # read from the phone as it is now (a person or a vendor may have changed it since it was checked)
    phone = {o.field: o.value for o in phone_facts(lead.phone, lead.country)}
    return quality.QualityFacts(
        email=lead.email, phone=lead.phone, company_name=lead.company_name,
        company_linked=company is not None,
        company_firmographics=bool(company and (company.industry or company.employees or company.annual_revenue)),
        email_status=state.email_status if state else "",
        email_sub_status=state.email_sub_status if state else "",
        email_free=state.email_free if state else None,
        email_disposable=state.email_disposable if state else None,
        email_did_you_mean=state.email_did_you_mean if state else "",
        phone_e164=phone.get("phone_e164", ""),
        phone_type=phone.get("phone_type", ""),
        linkedin_url=state.linkedin_url if state else "",
        linkedin_confidence=float((state.chosen.get("linkedin_url") or {}).get("confidence", 0)) if state else 0.0,
        last_updated=last,
        enrichment_detail=state.detail if enriched else None,
    )


def _review_reason(factors: dict) -> str:
    lost = sorted((f for f in factors.values() if f["reason"]), key=lambda f: -f["lost"])
    return "; ".join(f"-{f['lost']}: {f['reason']}" for f in lost)[:300]


def quality_rescore(*, team_id: int, lead_ids: list[int]) -> dict[int, int]:
    """Score these leads, store the changed scores, and apply the low-score rules. {lead id: score}."""
    now = timezone.now()
    with tenancy.use_team(team_id), transaction.atomic():
        leads = list(Lead.objects.filter(team_id=team_id, pk__in=lead_ids)
                     .select_related("company", "enrichment", "quality").order_by("pk"))
        waiting = set(EnrichmentRequest.objects.filter(
            team_id=team_id, lead__in=[lead.pk for lead in leads],
            status__in=[EnrichmentStatus.PENDING, EnrichmentStatus.RUNNING]).values_list("lead_id", flat=True))
        rescored, states, reenrich, scores = [], [], [], {}
        for lead in leads:
            facts = _facts(lead)
            score, factors = quality.score(facts, now=now)
            scores[lead.pk] = score
            if score != lead.quality_score or factors != lead.quality_factors:
                lead.quality_score, lead.quality_factors = score, factors
                rescored.append(lead)
            state = getattr(lead, "quality", None) or LeadQuality(team_id=team_id, lead=lead)
            before = None if state.pk is None else _rule_state(state)
            if _apply_rules(state, score, factors, facts, now=now, waiting=lead.pk in waiting):
                reenrich.append(lead)
            if lead in rescored or _rule_state(state) != before:  # the nightly pass rewrites only what moved
                state.scored_at = now
                states.append(state)
        # updated_at is left alone: a score is not an edit of the lead (freshness reads updated_at)
        bulk.update(Lead, rescored, ["quality_score", "quality_factors"])
        fields = ["scored_at", "reenrich_requested_at", "review_status", "review_reason", "review_queued_at",
                  "reviewed_by", "reviewed_at"]
        bulk.upsert(LeadQuality, states, ["team", "lead", *fields], unique=["lead"], update=fields)
        if reenrich:
            enrichment_request(team=Team(pk=team_id), by=None, leads=reenrich, reason="low quality")
    return scores


def _rule_state(state: LeadQuality) -> tuple:
    return (state.reenrich_requested_at, state.review_status, state.review_reason, state.review_queued_at)


def _apply_rules(state: LeadQuality, score: int, factors: dict, facts, *, now, waiting: bool) -> bool:
    """Move a lead in or out of the review queue; True when it should be re-enriched (once)."""
    if score >= quality.REVIEW_BELOW:
        state.reenrich_requested_at = None  # a later drop earns a new attempt
        if state.review_status == ReviewStatus.OPEN:
            state.review_status, state.review_reason, state.review_queued_at = ReviewStatus.NONE, "", None
        return False
    if waiting:
        return False  # enrichment is on its way: judge the lead when it is done
    if state.reenrich_requested_at is None and quality.improvable(facts, factors):
        state.reenrich_requested_at = now
        return True
    if state.review_status == ReviewStatus.NONE:
        state.review_status, state.review_queued_at = ReviewStatus.OPEN, now
    if state.review_status == ReviewStatus.OPEN:
        state.review_reason = _review_reason(factors)
    return False


def quality_rescore_team(*, team_id: int) -> int:
    """Every lead of a team, a chunk at a time (the nightly job: freshness decays with time)."""
    after, total = 0, 0
    while True:
        with tenancy.use_team(team_id):
            ids = list(Lead.objects.filter(team_id=team_id, pk__gt=after).order_by("pk")
                       .values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return total
        quality_rescore(team_id=team_id, lead_ids=ids)
        total += len(ids)
        after = ids[-1]


def quality_snapshot(*, team_id: int, day: date | None = None) -> QualitySnapshot:
    """Store today's (or ``day``'s) distribution of the team's scores."""
    day = day or timezone.localdate()
    with tenancy.use_team(team_id), transaction.atomic():
        now = quality_distribution(team_id=team_id)
        in_review = LeadQuality.objects.filter(team_id=team_id, review_status=ReviewStatus.OPEN).count()
        snapshot, _ = QualitySnapshot.objects.update_or_create(
            team_id=team_id, day=day, defaults={**now, "in_review": in_review})
    return snapshot


def quality_review_done(*, team, by, lead_ids: list[int]) -> int:
    """A person looked at these leads and keeps them as they are: they leave the queue."""
    with transaction.atomic():
        return LeadQuality.objects.filter(team=team, lead_id__in=lead_ids, review_status=ReviewStatus.OPEN).update(
            review_status=ReviewStatus.REVIEWED, reviewed_by=by, reviewed_at=timezone.now())


def quality_review_reenrich(*, team, by, leads: list[Lead]):
    """Ask the vendors again (a person's call: the once-only rule is for automatic requests)."""
    return enrichment_request(team=team, by=by, leads=leads, reason="quality review")


def quality_review_disqualify(*, team, seat, by, leads: list[Lead]):
    """Not worth fixing: the leads are disqualified and leave the queue."""
    result = lead_bulk_set_status(team=team, seat=seat, leads=leads, status=LeadStatus.DISQUALIFIED)
    quality_review_done(team=team, by=by, lead_ids=[lead.pk for lead in leads])
    return result


def quality_fix_email(*, lead: Lead, by) -> str:
    """Take the verifier's suggestion ("did you mean ...?") and verify the new address."""
    state = getattr(lead, "enrichment", None)
    suggestion = state.email_did_you_mean if state else ""
    if not suggestion:
        raise ValidationError("There is no suggested address for this lead.")
    with transaction.atomic():
        lead_update(lead=lead, by=by, email=suggestion)
        state.email_did_you_mean = ""
        state.email_status = ""
        state.save(update_fields=["email_did_you_mean", "email_status", "updated_at"])
        enrichment_request(team=lead.team, by=by, leads=[lead], reason="email corrected")
    return suggestion
