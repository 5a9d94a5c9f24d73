"""The live totals always equal a direct query over the deals: after random sequences of creates, moves,
edits, owner changes and deletes, in the ORM, in bulk and in raw SQL."""

import random
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

from dashboards.metrics.active_deals import active_deals
from dashboards.models import DealStageChange, DealStageTotal
from dashboards.selectors import stage_heads
from deals.models import Deal, Stage
from deals.services import deal_create, deal_delete, deal_move, deal_update
from primesync import tenancy


def direct_totals(team):
    return {(r["stage_id"], r["owner_id"]): (r["n"], r["amount"])
            for r in Deal.objects.filter(team=team).values("stage_id", "owner_id")
            .annotate(n=Count("id"), amount=Sum("amount"))}


def kept_totals(team):
    return {(t.stage_id, t.owner_id): (t.deals, t.amount)
            for t in DealStageTotal.objects.filter(team=team).exclude(deals=0, amount=0)}


def test_totals_equal_a_direct_query_after_random_changes(acme, globex):
    rng = random.Random(20261130)
    with tenancy.use_team(acme.team):
        stages = list(Stage.objects.filter(team=acme.team))
        owners = [acme.rep, acme.manager, None]
        deals = []
        for step in range(300):
            action = rng.choice(["create", "create", "move", "edit", "owner", "delete", "bulk", "sql"])
            if action == "create" or not deals:
                deals.append(deal_create(team=acme.team, by=None, name=f"D{step}", stage=rng.choice(stages),
                                         amount=Decimal(rng.randint(0, 50000)), owner=rng.choice(owners),
                                         lost_reason="Budget"))
            elif action == "move":
                d = rng.choice(deals)
                d.refresh_from_db()
                deal_move(deal=d, stage=rng.choice(stages), by=None, lost_reason="Timing")
            elif action == "edit":
                d = rng.choice(deals)
                d.refresh_from_db()
                deal_update(deal=d, by=None, amount=Decimal(rng.randint(0, 50000)))
            elif action == "owner":
                Deal.objects.filter(pk=rng.choice(deals).pk).update(owner=rng.choice(owners))
            elif action == "delete":
                d = deals.pop(rng.randrange(len(deals)))
                deal_delete(deal=d, by=None)
            elif action == "bulk":  # one statement, many rows
                picked = [d.pk for d in rng.sample(deals, min(5, len(deals)))]
                Deal.objects.filter(pk__in=picked).update(stage=rng.choice(stages), amount=Decimal(rng.randint(1, 9)))
            else:
                with connection.cursor() as cur:
                    cur.execute("UPDATE deals_deal SET amount = amount + 1 WHERE id = %s", [rng.choice(deals).pk])
            if step % 50 == 0:
                assert kept_totals(acme.team) == direct_totals(acme.team), f"after step {step} ({action})"
        assert kept_totals(acme.team) == direct_totals(acme.team)
        live = active_deals(team_id=acme.team.pk).value
        open_direct = Deal.objects.filter(team=acme.team, stage__kind="open").aggregate(n=Count("id"), a=Sum("amount"))
        assert (live["deals"], Decimal(str(live["amount"]))) == (open_direct["n"], open_direct["a"] or 0)
        # the stage log ends, for every deal, in the stage the deal is in
        last = {}
        for change in DealStageChange.objects.filter(team=acme.team).order_by("id"):
            last[change.deal_id] = change.to_stage_id
        assert {d.pk: d.stage_id for d in Deal.objects.filter(team=acme.team)} == {
            pk: stage for pk, stage in last.items() if pk in {d.pk for d in deals}}
        # the live board's column heads are read from the totals: they equal a count of the deals
        pipeline = stages[0].pipeline_id
        _, heads = stage_heads(team_id=acme.team.pk, pipeline_id=pipeline, stage_ids=[s.pk for s in stages])
        counted = {r["stage_id"]: (r["n"], r["a"]) for r in Deal.objects.filter(team=acme.team, pipeline_id=pipeline)
                   .values("stage_id").annotate(n=Count("id"), a=Sum("amount"))}
        assert {pk: (head.count, head.amount) for pk, head in heads.items() if head.count} == counted
    with tenancy.use_team(globex.team):
        assert not DealStageTotal.objects.exists()  # another team's totals: none of acme's rows
