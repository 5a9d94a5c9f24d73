"""Reading companies, leads and activities, always for one team."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from rapidfuzz import fuzz

from leads.models import OPEN_LEAD_STATUSES, Activity, ActivityKind, Company, EnrichmentRequest, Lead
from leads.search import phone_key, tsquery_for
from primesync import keyset
from primesync.keyset import Ordering

LEAD_SORTS = {
    "newest": Ordering(("id",), descending=True),
    "oldest": Ordering(("id",)),
    "name": Ordering(("last_name", "first_name")),
    "-name": Ordering(("last_name", "first_name"), descending=True),
    "company": Ordering(("company_name",)),
    "-company": Ordering(("company_name",), descending=True),
    "quality": Ordering(("quality_score",)),
    "-quality": Ordering(("quality_score",), descending=True),
    "updated": Ordering(("updated_at",), descending=True),
}
QUALITY_BANDS = {"high": (80, 100), "medium": (50, 79), "low": (0, 49)}


def quality_band(score: int) -> str:
    return next(band for band, (low, high) in QUALITY_BANDS.items() if low <= score <= high)


@dataclass(frozen=True)
class LeadFilters:
    q: str = ""
    owner: str = ""  # "", "me", "none" or a user id
    statuses: tuple[str, ...] = ()
    source: str = ""
    quality: str = ""
    created_from: date | None = None
    created_to: date | None = None
    ids: tuple[int, ...] = field(default=())


def company_queryset(*, team):
    return Company.objects.filter(team=team)


def lead_queryset(*, team):
    return Lead.objects.filter(team=team).select_related("owner", "company")


def activity_queryset(*, team):
    return Activity.objects.filter(team=team).select_related("created_by", "assigned_to")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def lead_filtered(*, team, user, filters: LeadFilters):
    """The team's leads narrowed by the /leads/ filters (no ordering: the caller pages them)."""
    qs = Lead.objects.filter(team=team).select_related("owner")
    if filters.ids:
        qs = qs.filter(pk__in=filters.ids)
    query = tsquery_for(filters.q)
    if query:
        qs = qs.filter(search_document__tsquery=query)
    if filters.owner == "me":
        qs = qs.filter(owner=user)
    elif filters.owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif filters.owner:
        qs = qs.filter(owner_id=int(filters.owner))
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.quality in QUALITY_BANDS:
        low, high = QUALITY_BANDS[filters.quality]
        qs = qs.filter(quality_score__gte=low, quality_score__lte=high).exclude(quality_factors={})  # scored only
    if filters.created_from:
        qs = qs.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        qs = qs.filter(created_at__lt=_day_start(filters.created_to + timedelta(days=1)))
    return qs


def lead_list(*, team, user, filters: LeadFilters, sort: str = "newest", after: str | None = None, size: int = 50):
    """One keyset page of /leads/: rows and the cursor of the next page."""
    return keyset.page(lead_filtered(team=team, user=user, filters=filters), LEAD_SORTS[sort], after=after, size=size)


def lead_possible_duplicates(
    *, team, email: str = "", phone: str = "", first_name: str = "", last_name: str = "", company_name: str = "",
    exclude_id: int | None = None, limit: int = 5,
) -> list[tuple[Lead, str]]:
    """Leads that look like the one being entered: same email, same phone, or a similar name at the
    same company. Returns (lead, why) pairs. Candidates come from indexes; names are scored by rapidfuzz.
    """
    found: dict[int, tuple[Lead, str]] = {}
    base = Lead.objects.filter(team=team).exclude(pk=exclude_id).select_related("owner")
    email = (email or "").strip().lower()
    if email:
        for lead in base.annotate(email_lc=Lower("email")).filter(email_lc=email)[:limit]:
            found.setdefault(lead.pk, (lead, "same email"))
    key = phone_key(phone)
    if len(key) >= 7:
        for lead in base.filter(search_document__tsquery=f"'{key}'")[:limit]:
            found.setdefault(lead.pk, (lead, "same phone"))
    company = (company_name or "").strip().lower()
    if company and (first_name or last_name):
        thresholds = settings.DUPLICATE_THRESHOLDS
        candidates = base.annotate(company_lc=Lower("company_name")).filter(company_lc=company)[:200]
        for lead in candidates:
            first_score = fuzz.ratio(first_name.lower(), lead.first_name.lower())
            last_score = fuzz.ratio(last_name.lower(), lead.last_name.lower())
            if first_score >= thresholds["first_name"] and last_score >= thresholds["last_name"]:
                found.setdefault(lead.pk, (lead, "similar name at the same company"))
    return list(found.values())[:limit]


def lead_open_enrichment(*, lead) -> EnrichmentRequest | None:
    return lead.enrichment_requests.filter(status__in=["pending", "running"]).select_related("requested_by").first()


def lead_open_tasks(*, lead):
    return lead.activities.filter(kind=ActivityKind.TASK, completed_at__isnull=True).select_related("assigned_to")


def open_lead_filter() -> Q:
    return Q(status__in=OPEN_LEAD_STATUSES)


def company_list(*, team, q: str = "", after: str | None = None, size: int = 50):
    qs = Company.objects.filter(team=team)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(domain__icontains=q.strip()))
    return keyset.page(qs, Ordering(("name",)), after=after, size=size)
