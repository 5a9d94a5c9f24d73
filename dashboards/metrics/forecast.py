"""Revenue forecast for a period against quota: won so far, the weighted open pipeline expected to close in
the period (amount x stage probability), commit (won + open deals at or above the commit probability) and best
case (won + every open deal expected in the period)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone

from dashboards.metrics.periods import QUOTA_IN_PERIOD_SQL, Period
from dashboards.metrics.reading import Reading


def revenue_forecast(*, team_id: int, period: Period, owner_id: int | None = None) -> Reading:
    start, end = period.bounds()
    owner = [owner_id] if owner_id else []
    by_owner = "AND d.owner_id = %s" if owner_id else ""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT coalesce(sum(d.amount * s.win_probability / 100.0), 0), "
            "coalesce(sum(d.amount) FILTER (WHERE s.win_probability >= %s), 0), coalesce(sum(d.amount), 0), "
            "count(*) FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id "
            "WHERE d.team_id = %s AND s.kind = 'open' AND d.expected_close_date >= %s AND d.expected_close_date < %s "
            f"{by_owner}",
            [settings.FORECAST_COMMIT_PROBABILITY, team_id, period.start, period.end, *owner],
        )
        weighted, commit_open, open_amount, open_deals = cur.fetchone()
        cur.execute(
            "SELECT coalesce(sum(d.amount), 0), count(*) FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id "
            f"WHERE d.team_id = %s AND s.kind = 'won' AND d.closed_at >= %s AND d.closed_at < %s {by_owner}",
            [team_id, start, end, *owner],
        )
        won, won_deals = cur.fetchone()
        # quotas are per rep and period: count each by the share of it that falls in this period
        by_user = "AND q.user_id = %s" if owner_id else ""
        cur.execute(
            f"SELECT {QUOTA_IN_PERIOD_SQL} FROM deals_quota q "
            f"WHERE q.team_id = %s AND q.period_start < %s AND q.period_end > %s {by_user}",
            [period.end, period.start, team_id, period.end, period.start, *owner],
        )
        quota = cur.fetchone()[0]
    won, weighted, quota = float(won), float(weighted), float(quota)
    value = {
        "won": won, "won_deals": won_deals, "weighted": round(weighted, 2), "open_deals": open_deals,
        "forecast": round(won + weighted, 2), "commit": round(won + float(commit_open), 2),
        "best_case": round(won + float(open_amount), 2), "quota": round(quota, 2),
        "attainment": round(100 * won / quota, 1) if quota else None,
        "forecast_attainment": round(100 * (won + weighted) / quota, 1) if quota else None,
    }
    return Reading("revenue_forecast", value, timezone.now(), "daily")
