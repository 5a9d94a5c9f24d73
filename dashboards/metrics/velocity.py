"""Average deal velocity in a period: days spent in each stage (by the moves out of it during the period)
and days from creation to a win (for the deals won during the period)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from dashboards.metrics.periods import Period
from dashboards.metrics.reading import Reading

DAY = 86400.0


def deal_velocity(*, team_id: int, period: Period, owner_id: int | None = None) -> Reading:
    start, end = period.bounds()
    owner = [owner_id] if owner_id else []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT s.id, s.name, count(c.id), avg(c.seconds_in_from_stage) "
            "FROM deals_stage s JOIN deals_pipeline p ON p.id = s.pipeline_id "
            "LEFT JOIN dashboards_dealstagechange c ON c.from_stage_id = s.id AND c.team_id = s.team_id "
            f"  AND c.changed_at >= %s AND c.changed_at < %s {'AND c.owner_id = %s' if owner_id else ''} "
            "WHERE s.team_id = %s AND s.kind = 'open' "
            'GROUP BY p.is_default, p.name, s.id, s.name, s."order" ORDER BY p.is_default DESC, p.name, s."order"',
            [start, end, *owner, team_id],
        )
        stages = [{"stage_id": sid, "stage": name, "moves": moves,
                   "days": round(float(avg) / DAY, 1) if avg is not None else None}
                  for sid, name, moves, avg in cur.fetchall()]
        cur.execute(
            "SELECT count(*), avg(extract(epoch FROM d.closed_at - d.created_at)) FROM deals_deal d "
            "JOIN deals_stage s ON s.id = d.stage_id WHERE d.team_id = %s AND s.kind = 'won' "
            f"AND d.closed_at >= %s AND d.closed_at < %s {'AND d.owner_id = %s' if owner_id else ''}",
            [team_id, start, end, *owner],
        )
        won, seconds = cur.fetchone()
    return Reading("deal_velocity", {
        "stages": stages, "won": won, "days_to_close": round(float(seconds) / DAY, 1) if seconds is not None else None,
    }, timezone.now(), "hourly")
