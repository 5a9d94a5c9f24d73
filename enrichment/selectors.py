"""Reading enrichment: a lead's fields with their competitors, vendor health, a bulk batch's progress,
and the team's data quality."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from enrichment.breaker import Breaker
from enrichment.gateway import Gateway
from enrichment.models import VENDORS, EnrichmentObservation, LeadEnrichment, LeadQuality, QualitySnapshot, ReviewStatus
from leads.models import EnrichmentRequest
from primesync import keyset

LABELS = {
    "title": "Title", "phone": "Phone", "country": "Country", "headline": "Headline", "seniority": "Seniority",
    "departments": "Departments", "decision_maker": "Decision maker", "reports_to": "Reports to",
    "linkedin_url": "LinkedIn", "email_status": "Email verdict", "email_sub_status": "Verdict detail",
    "email_free": "Free-mail address", "email_disposable": "Disposable address", "email_did_you_mean": "Did you mean",
    "phone_e164": "Phone (E.164)", "phone_type": "Phone type", "company.name": "Company",
    "company.domain": "Company domain", "company.industry": "Industry", "company.employees": "Employees",
    "company.annual_revenue": "Annual revenue", "company.tech_stack": "Tech stack", "company.hq_city": "HQ city",
    "company.hq_country": "HQ country",
}
HIDDEN = {"email_syntax", "phone_valid"}


@dataclass
class FieldView:
    key: str
    label: str
    chosen: dict  # the sources' best: value, source, confidence, observed_at
    observed_at: datetime | None = None
    kept: object = None  # the lead's own value when a person typed something else: it stays
    others: list = field(default_factory=list)  # competing observations, best first


def _current_values(lead) -> dict[str, object]:
    """The lead's and its company's values of the fields enrichment may write."""
    from enrichment.orchestrator import COMPANY_FIELDS, LEAD_FIELDS

    values = {name: getattr(lead, name) for name in LEAD_FIELDS}
    if lead.company_id:
        values.update({f"company.{name}": getattr(lead.company, name) for name in ("name", *COMPANY_FIELDS)})
    return values


def lead_enrichment(*, lead) -> tuple[LeadEnrichment | None, list[FieldView]]:
    state = LeadEnrichment.objects.filter(lead=lead).first()
    if state is None:
        return None, []
    observations = list(EnrichmentObservation.objects.filter(team_id=lead.team_id, lead=lead)
                        .order_by("-confidence", "-observed_at")[:500])
    current = _current_values(lead)
    views = []
    for key, chosen in state.chosen.items():
        if key in HIDDEN:
            continue
        entity, name = ("company", key[8:]) if key.startswith("company.") else ("lead", key)
        own = current.get(key)
        kept = own if own not in (None, "", []) and str(own) != str(chosen["value"]) and \
            str(state.applied.get(key if entity == "company" else f"lead.{key}")) != str(own) else None
        shown = {repr(kept if kept is not None else chosen["value"])}
        others = []
        for o in observations:
            if o.entity == entity and o.field == name and repr(o.value) not in shown:
                shown.add(repr(o.value))
                others.append(o)
        views.append(FieldView(key=key, label=LABELS.get(key, key.replace("_", " ").title()), chosen=chosen,
                               observed_at=parse_datetime(chosen.get("observed_at") or ""), kept=kept,
                               others=others[:3]))
    views.sort(key=lambda v: list(LABELS).index(v.key) if v.key in LABELS else 99)
    return state, views


def observations_for_api(*, lead, limit: int = 200) -> list[dict]:
    return [
        {"entity": o.entity, "field": o.field, "value": o.value, "source": o.source,
         "confidence": round(o.confidence, 3), "observed_at": o.observed_at, "call_id": o.call_id}
        for o in EnrichmentObservation.objects.filter(team_id=lead.team_id, lead=lead).order_by("-observed_at")[:limit]
    ]


def provider_health(*, team_id: int, since: datetime | None = None) -> list[dict]:
    since = since or timezone.now() - timedelta(hours=24)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT vendor, count(*), count(*) FILTER (WHERE outcome IN ('ok', 'miss')), "
            "percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms), sum(attempts) "
            "FROM enrichment_enrichmentcall WHERE team_id = %s AND created_at >= %s GROUP BY vendor",
            [team_id, since],
        )
        recent = {row[0]: row[1:] for row in cur.fetchall()}
    gateway = Gateway(team_id)
    health = []
    for vendor, label in VENDORS:
        if vendor in ("local", "person"):
            continue
        calls, good, p95, attempts = recent.get(vendor, (0, 0, None, 0))
        health.append({
            "vendor": vendor, "label": label, "breaker": Breaker(vendor).snapshot(), "calls": calls,
            "success_rate": round(100 * good / calls, 1) if calls else None, "p95_ms": round(p95) if p95 else None,
            "retries": (attempts or 0) - calls, "billed": gateway.billed_this_month(vendor),
            "cap": gateway.monthly_cap(vendor),
        })
    return health


def batch_progress(*, team_id: int, batch) -> dict:
    counts = EnrichmentRequest.objects.filter(team_id=team_id, batch=batch).aggregate(
        total=Count("id"), done=Count("id", filter=Q(status__in=["done", "failed"])),
        failed=Count("id", filter=Q(status="failed")), running=Count("id", filter=Q(status="running")),
        waiting=Count("id", filter=Q(status="pending")),
    )
    statuses = dict(
        LeadEnrichment.objects.filter(team_id=team_id, lead__enrichment_requests__batch=batch)
        .values_list("status").annotate(n=Count("id")).order_by()
    )
    total = counts["total"] or 0
    return {**counts, "percent": round(100 * counts["done"] / total) if total else 100, "statuses": statuses,
            "finished": total and counts["done"] == total}


# --- data quality ------------------------------------------------------------------------------

QUALITY_QUEUE_ORDER = keyset.Ordering(("review_queued_at",))
BANDS = (("poor", "below 50", 0, 5), ("fair", "50 to 79", 5, 8), ("good", "80 and up", 8, 10))


def quality_distribution(*, team_id: int) -> dict:
    """The team's scored leads per band of 10 points, with their count and average."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT least(quality_score / 10, 9) AS band, count(*), sum(quality_score) FROM leads_lead "
            "WHERE team_id = %s AND quality_factors <> '{}'::jsonb GROUP BY band", [team_id])
        histogram, total, points = [0] * 10, 0, 0
        for band, count, score_sum in cur.fetchall():
            histogram[band] = count
            total += count
            points += score_sum
    return {"histogram": histogram, "leads": total, "average": round(points / total, 1) if total else 0.0}


def _bands(histogram: list[int]) -> list[dict]:
    total = sum(histogram) or 1
    return [{"key": key, "label": label, "count": sum(histogram[lo:hi]),
             "percent": round(100 * sum(histogram[lo:hi]) / total, 1)} for key, label, lo, hi in BANDS]


def quality_overview(*, team_id: int, days: int = 30) -> dict:
    """What /quality/ charts: today's distribution (live) and the daily snapshots before it."""
    today = timezone.localdate()
    now = quality_distribution(team_id=team_id)
    snapshots = list(QualitySnapshot.objects.filter(team_id=team_id, day__gte=today - timedelta(days=days),
                                                    day__lt=today).order_by("day"))
    trend = [{"day": s.day, "average": s.average, "leads": s.leads, "bands": _bands(s.histogram)}
             for s in snapshots]
    trend.append({"day": today, "average": now["average"], "leads": now["leads"], "bands": _bands(now["histogram"]),
                  "live": True})
    peak = max(now["histogram"]) or 1
    return {
        **now,
        "in_review": LeadQuality.objects.filter(team_id=team_id, review_status=ReviewStatus.OPEN).count(),
        "bars": [{"label": f"{10 * i}-{10 * i + 9 if i < 9 else 100}", "count": c, "width": round(100 * c / peak)}
                 for i, c in enumerate(now["histogram"])],
        "bands": _bands(now["histogram"]),
        "trend": trend,
    }


def quality_review_queue(*, team_id: int, after: str | None = None, size: int = 50) -> keyset.Page:
    queue = (LeadQuality.objects.filter(team_id=team_id, review_status=ReviewStatus.OPEN)
             .select_related("lead", "lead__owner", "lead__enrichment"))
    return keyset.page(queue, QUALITY_QUEUE_ORDER, after=after, size=size)
