"""Conversion by stage for the deals created in a period (a cohort), and lead to won.

A deal "reached" a stage when it entered it or any later open or won stage (a deal moved from
Discovery straight to Proposal reached Qualification on the way). Stage-to-stage conversion is
reached(next) / reached(this); lost stages end a deal's path and count as reaching nothing.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from dashboards.metrics.periods import Period
from dashboards.metrics.reading import Reading


def conversion_by_stage(*, team_id: int, period: Period, owner_id: int | None = None) -> Reading:
    start, end = period.bounds()
    owner_filter = "AND owner_id = %s" if owner_id else ""
    with connection.cursor() as cur:
        # MATERIALIZED: each step runs once (inlined, the stage rows' subquery re-ran the whole cohort per stage:
        # 6.3 s at 1M deals). The furthest stages are read for the range of deal ids the cohort spans, in one
        # index range scan, and matched to the cohort after: ids follow creation time, so that range holds
        # little more than the cohort (probing the index once per cohort deal was 1.5 s at 87,000 deals).
        cur.execute(
            "WITH cohort AS MATERIALIZED ("
            "  SELECT deal_id, pipeline_id FROM dashboards_dealstagechange WHERE team_id = %s"
            f"  AND from_stage_id IS NULL AND changed_at >= %s AND changed_at < %s {owner_filter}), "
            "furthest AS MATERIALIZED ("
            '  SELECT c.deal_id, max(s."order") AS reached FROM dashboards_dealstagechange c '
            "  JOIN deals_stage s ON s.id = c.to_stage_id "
            "  WHERE c.team_id = %s AND s.kind <> 'lost' "
            "  AND c.deal_id BETWEEN (SELECT min(deal_id) FROM cohort) AND (SELECT max(deal_id) FROM cohort) "
            "  GROUP BY c.deal_id), "
            "counts AS MATERIALIZED (SELECT co.pipeline_id, f.reached, count(*) AS n FROM furthest f "
            "  JOIN cohort co ON co.deal_id = f.deal_id GROUP BY co.pipeline_id, f.reached) "
            'SELECT s.pipeline_id, p.name, s.id, s.name, s.kind, s."order", '
            "  coalesce((SELECT sum(n) FROM counts WHERE counts.pipeline_id = s.pipeline_id"
            '   AND counts.reached >= s."order"), 0)::int '
            "FROM deals_stage s JOIN deals_pipeline p ON p.id = s.pipeline_id "
            "WHERE s.team_id = %s AND s.kind <> 'lost' ORDER BY p.is_default DESC, p.name, s.\"order\"",
            [team_id, start, end, *([owner_id] if owner_id else []), team_id, team_id],
        )
        rows = cur.fetchall()
        cur.execute(_LEADS_SQL.format(owner="AND l.owner_id = %s" if owner_id else ""),
                    [team_id, team_id, start, end, *([owner_id] if owner_id else [])])
        leads, won_leads = cur.fetchone()
    pipelines: dict[int, dict] = {}
    for pipeline_id, pipeline, stage_id, stage, kind, _, reached in rows:
        entry = pipelines.setdefault(pipeline_id, {"pipeline": pipeline, "stages": []})
        entry["stages"].append({"stage_id": stage_id, "stage": stage, "kind": kind, "reached": reached})
    for entry in pipelines.values():
        stages = entry["stages"]
        for this, following in zip(stages, [*stages[1:], None], strict=True):
            this["to_next"] = _rate(following["reached"], this["reached"]) if following else None
        entry["created"] = stages[0]["reached"] if stages else 0
        entry["won"] = next((s["reached"] for s in stages if s["kind"] == "won"), 0)
        entry["win_rate"] = _rate(entry["won"], entry["created"])
    return Reading("conversion_by_stage", {
        "pipelines": list(pipelines.values()), "leads": leads, "won_leads": won_leads,
        "lead_to_won": _rate(won_leads, leads),
    }, timezone.now(), "cached")


# The team's won leads are read once into a hashed set (an EXISTS per lead of the period probed the deals
# 80,000 times); the index dashboard_deal_stage_closed (migration 0003) holds them.
_LEADS_SQL = (
    "SELECT count(*), count(*) FILTER (WHERE l.id IN ("
    "  SELECT d.lead_id FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id"
    "  WHERE d.team_id = %s AND s.kind = 'won' AND d.lead_id IS NOT NULL)) "
    "FROM leads_lead l WHERE l.team_id = %s AND l.created_at >= %s AND l.created_at < %s {owner}"
)


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
