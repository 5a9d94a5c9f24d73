"""Active deals per stage (count and amount), live: read from the totals the deal triggers keep."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from dashboards.metrics.reading import Reading


def active_deals(*, team_id: int, owner_id: int | None = None) -> Reading:
    """Open stages of every pipeline, in board order, with their deals and amount (zero rows included)."""
    owner_filter = "AND t.owner_id = %s" if owner_id else ""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.id, p.name, s.id, s.name, s.win_probability, coalesce(sum(t.deals), 0), "
            "coalesce(sum(t.amount), 0) "
            "FROM deals_stage s JOIN deals_pipeline p ON p.id = s.pipeline_id "
            f"LEFT JOIN dashboards_dealstagetotal t ON t.stage_id = s.id AND t.team_id = s.team_id {owner_filter} "
            "WHERE s.team_id = %s AND s.kind = 'open' "
            "GROUP BY p.id, p.name, p.is_default, s.id, s.name, s.win_probability, s.\"order\" "
            "ORDER BY p.is_default DESC, p.name, s.\"order\"",
            [*([owner_id] if owner_id else []), team_id],
        )
        rows = cur.fetchall()
    stages = [{"pipeline_id": p, "pipeline": pname, "stage_id": s, "stage": sname, "probability": prob,
               "deals": int(deals), "amount": float(amount)} for p, pname, s, sname, prob, deals, amount in rows]
    return Reading("active_deals", {
        "stages": stages, "deals": sum(s["deals"] for s in stages), "amount": sum(s["amount"] for s in stages),
    }, timezone.now(), "live")
