"""Reading companies, leads and activities, always for one team."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from leads.duplicates import lead_matches
from leads.models import OPEN_LEAD_STATUSES, Activity, ActivityKind, Company, EnrichmentRequest, Lead
from leads.search import tsquery_for
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
    """Leads that look like the one being entered, as (lead, why) pairs, most likely first.

    The same finder as the duplicates queue (leads.duplicates): normalised keys, then rapidfuzz.
    """
    values = {"email": email, "phone": phone, "first_name": first_name, "last_name": last_name,
              "company_name": company_name}
    matches = lead_matches(team=team, values=values, exclude_id=exclude_id, limit=limit)
    return [(lead, ", ".join(match.reasons)) for lead, match in matches]


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
