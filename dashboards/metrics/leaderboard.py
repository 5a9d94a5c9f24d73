"""Per rep in a period: won amount and deals, activities logged, median lead response time, and quota
attainment with pace (where the rep should be by today if the quota were earned evenly)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from dashboards.metrics.periods import QUOTA_IN_PERIOD_SQL, Period
from dashboards.metrics.reading import Reading


def leaderboard(*, team_id: int, period: Period) -> Reading:
    start, end = period.bounds()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT m.user_id, coalesce(nullif(u.full_name, ''), u.email), "
            "(SELECT coalesce(sum(d.amount), 0) FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id "
            "  WHERE d.team_id = m.team_id AND d.owner_id = m.user_id AND s.kind = 'won' "
            "  AND d.closed_at >= %s AND d.closed_at < %s), "
            "(SELECT count(*) FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id "
            "  WHERE d.team_id = m.team_id AND d.owner_id = m.user_id AND s.kind = 'won' "
            "  AND d.closed_at >= %s AND d.closed_at < %s), "
            "(SELECT count(*) FROM leads_activity a WHERE a.team_id = m.team_id AND a.created_by_id = m.user_id "
            "  AND a.occurred_at >= %s AND a.occurred_at < %s), "
            "(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s.response_seconds) FROM leads_leadsla s "
            "  JOIN leads_lead l ON l.id = s.lead_id WHERE s.team_id = m.team_id AND l.owner_id = m.user_id "
            "  AND s.started_at >= %s AND s.started_at < %s), "
            f"(SELECT {QUOTA_IN_PERIOD_SQL} FROM deals_quota q WHERE q.team_id = m.team_id "
            "  AND q.user_id = m.user_id AND q.period_start < %s AND q.period_end > %s) "
            "FROM primesync_membership m JOIN primesync_user u ON u.id = m.user_id "
            "WHERE m.team_id = %s AND u.is_active",
            [start, end, start, end, start, end, start, end, period.end, period.start, period.end, period.start,
             team_id],
        )
        rows = cur.fetchall()
    elapsed = period.elapsed(timezone.localdate())
    reps = []
    for user_id, name, won_amount, won_deals, activities, response, quota_amount in rows:
        won, quota = float(won_amount), float(quota_amount)
        reps.append({
            "user_id": user_id, "name": name, "won": won, "won_deals": won_deals, "activities": activities,
            "median_response_seconds": round(response) if response is not None else None, "quota": round(quota, 2),
            "attainment": round(100 * won / quota, 1) if quota else None,
            "pace": round(quota * elapsed, 2), "on_pace": won >= quota * elapsed if quota else None,
        })
    reps.sort(key=lambda r: (-r["won"], -r["activities"], r["name"]))
    return Reading("leaderboard", {"reps": reps, "elapsed": round(100 * elapsed)}, timezone.now(), "cached")
