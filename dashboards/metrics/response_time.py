"""Lead response time for the leads that arrived in a period: median and 90th percentile of the time to
the first touch, how many are still untouched, and the speed-to-lead breaches."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from dashboards.metrics.periods import Period
from dashboards.metrics.reading import Reading


def lead_response_time(*, team_id: int, period: Period, owner_id: int | None = None) -> Reading:
    start, end = period.bounds()
    join = "JOIN leads_lead l ON l.id = s.lead_id AND l.team_id = s.team_id AND l.owner_id = %s" if owner_id else ""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(s.response_seconds), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY s.response_seconds), "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY s.response_seconds), "
            "count(*) FILTER (WHERE s.breached_at IS NOT NULL) "
            f"FROM leads_leadsla s {join} WHERE s.team_id = %s AND s.started_at >= %s AND s.started_at < %s",
            [*([owner_id] if owner_id else []), team_id, start, end],
        )
        leads, touched, p50, p90, breaches = cur.fetchone()
    return Reading("lead_response_time", {
        "leads": leads, "touched": touched, "untouched": leads - touched,
        "median_seconds": round(p50) if p50 is not None else None,
        "p90_seconds": round(p90) if p90 is not None else None,
        "breaches": breaches,
    }, timezone.now(), "live")
