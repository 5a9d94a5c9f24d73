"""Demo pipeline, deals and quotas (registered with primesync.demo, after the leads seeder)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from deals.models import Deal, Quota, StageKind
from deals.services import pipeline_create_default
from leads.models import Activity, ActivityKind, LeadStatus
from primesync import demo

DEALS_PER_TEAM = 90
STAGE_WEIGHTS = {"Prospecting": 22, "Qualification": 20, "Proposal": 16, "Negotiation": 10, "Won": 14, "Lost": 8}
LOST_REASONS = ["Went with a competitor", "No budget this year", "No decision", "Price too high", "Timing"]
NEXT_STEPS = ["Send revised proposal", "Security review call", "Demo for the wider team", "Legal redlines", ""]


def quarter_bounds(day):
    start_month = 3 * ((day.month - 1) // 3) + 1
    start = day.replace(month=start_month, day=1)
    end = (start.replace(year=start.year + 1, month=1) if start_month == 10 else start.replace(month=start_month + 3))
    return start, end


@demo.register(20)
def seed_deals(ctx: demo.DemoTeam) -> None:
    rng = ctx.rng
    pipeline = pipeline_create_default(team=ctx.team)
    stages = {s.name: s for s in pipeline.stages.all()}
    leads = [lead for lead in ctx.made.get("leads", []) if lead.status in (LeadStatus.CONVERTED, LeadStatus.QUALIFIED)]
    companies = ctx.made.get("companies", [])
    deals = []
    for i in range(DEALS_PER_TEAM):
        stage = stages[rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()))[0]]
        lead = leads[i % len(leads)] if leads and rng.random() < 0.7 else None
        company = lead.company if lead and lead.company else rng.choice(companies)
        created = ctx.moment(rng.randint(5, 150))
        entered = created + timedelta(days=rng.randint(0, 30))
        closed = entered if stage.kind != StageKind.OPEN else None
        deals.append(Deal(
            team=ctx.team,
            name=f"{company.name} - {rng.choice(['Platform', 'Expansion', 'Pilot', 'Renewal', 'Team plan'])}",
            amount=Decimal(rng.choice([4, 8, 12, 18, 25, 40, 60, 95, 150])) * 1000,
            currency=ctx.team.currency,
            pipeline=pipeline,
            stage=stage,
            owner=lead.owner if lead and lead.owner else rng.choice(ctx.sellers),
            lead=lead,
            company=company,
            expected_close_date=ctx.today + timedelta(days=rng.randint(-20, 90)),
            stage_entered_at=min(entered, ctx.moment(0)),
            closed_at=closed,
            lost_reason=rng.choice(LOST_REASONS) if stage.kind == StageKind.LOST else "",
            next_step=rng.choice(NEXT_STEPS) if stage.kind == StageKind.OPEN else "",
            created_at=created,
        ))
    deals = Deal.objects.bulk_create(deals)
    Activity.objects.bulk_create(
        Activity(
            team=ctx.team, kind=rng.choice([ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL]),
            deal=deal, created_by=deal.owner, subject="Deal check-in",
            body="Reviewed scope and next steps with the champion.",
            occurred_at=deal.stage_entered_at,
        )
        for deal in deals
        if rng.random() < 0.8
    )
    start, end = quarter_bounds(ctx.today)
    Quota.objects.bulk_create(
        Quota(team=ctx.team, user=user, period_start=start, period_end=end,
              amount=Decimal(rng.choice([150, 180, 200, 240])) * 1000)
        for user in ctx.sellers
    )

