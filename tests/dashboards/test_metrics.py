"""Each metric's arithmetic on hand-built data: active deals, conversion, velocity, response time, forecast,
the leaderboard with quota pace; periods; freshness labels."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboards.metrics import periods
from dashboards.metrics.active_deals import active_deals
from dashboards.metrics.conversion import conversion_by_stage
from dashboards.metrics.forecast import revenue_forecast
from dashboards.metrics.leaderboard import leaderboard
from dashboards.metrics.reading import Reading
from dashboards.metrics.response_time import lead_response_time
from dashboards.metrics.velocity import deal_velocity
from dashboards.models import DealStageChange
from deals.models import Deal
from deals.services import deal_create, deal_move
from leads.models import LeadSla
from primesync import tenancy
from tests.factories import LeadFactory, QuotaFactory

TODAY = timezone.localdate()
PERIOD = periods.this_quarter(TODAY)


def deal(acme, stage="Prospecting", amount=1000, owner=None, close=None, **fields):
    with tenancy.use_team(acme.team):
        return deal_create(team=acme.team, by=None, name=f"D{amount}", stage=acme.stage(stage), amount=Decimal(amount),
                           owner=owner or acme.rep, expected_close_date=close or TODAY, **fields)


def move(acme, d, stage, *, days_later=0):
    """Move a deal, as if ``days_later`` days after it entered its current stage."""
    with tenancy.use_team(acme.team):
        d = Deal.objects.get(pk=d.pk)
        Deal.objects.filter(pk=d.pk).update(stage_entered_at=timezone.now() - timedelta(days=days_later))
        d.refresh_from_db()
        return deal_move(deal=d, stage=acme.stage(stage), by=None, lost_reason="Budget" if stage == "Lost" else "")


def test_active_deals_counts_open_stages_for_the_team_and_a_rep(acme):
    deal(acme, "Prospecting", 1000)
    deal(acme, "Prospecting", 500, owner=acme.manager)
    d = deal(acme, "Proposal", 2000)
    move(acme, deal(acme, "Negotiation", 9000), "Won")
    with tenancy.use_team(acme.team):
        team = active_deals(team_id=acme.team.pk).value
        rep = active_deals(team_id=acme.team.pk, owner_id=acme.rep.pk).value
        Deal.objects.filter(pk=d.pk).delete()
        after = active_deals(team_id=acme.team.pk).value
    by_stage = {s["stage"]: (s["deals"], s["amount"]) for s in team["stages"]}
    assert by_stage == {"Prospecting": (2, 1500.0), "Qualification": (0, 0.0), "Proposal": (1, 2000.0),
                        "Negotiation": (0, 0.0)}  # won and lost are not active
    assert (team["deals"], team["amount"]) == (3, 3500.0)
    assert (rep["deals"], rep["amount"]) == (2, 3000.0)
    assert (after["deals"], after["amount"]) == (2, 1500.0)


def test_conversion_counts_a_stage_skipped_on_the_way_as_reached(acme):
    a, b, c, d = (deal(acme, "Prospecting", n) for n in (1, 2, 3, 4))
    move(acme, a, "Proposal")  # skips Qualification
    move(acme, a, "Won")
    move(acme, b, "Qualification")
    move(acme, b, "Lost")  # lost stages reach nothing
    move(acme, c, "Qualification")
    del d  # stays in Prospecting
    with tenancy.use_team(acme.team):
        value = conversion_by_stage(team_id=acme.team.pk, period=PERIOD).value
    stages = {s["stage"]: (s["reached"], s["to_next"]) for s in value["pipelines"][0]["stages"]}
    assert stages == {"Prospecting": (4, 75.0), "Qualification": (3, 33.3), "Proposal": (1, 100.0),
                      "Negotiation": (1, 100.0), "Won": (1, None)}
    assert (value["pipelines"][0]["created"], value["pipelines"][0]["won"], value["pipelines"][0]["win_rate"]) == (
        4, 1, 25.0)


def test_conversion_leaves_out_a_deal_of_another_period_whose_id_lies_among_the_cohorts(acme):
    a, old, _later = (deal(acme, "Prospecting", n) for n in (1, 2, 3))
    move(acme, old, "Won")
    move(acme, a, "Qualification")
    with tenancy.use_team(acme.team):  # ``old`` was created last year (an import kept its date)
        DealStageChange.objects.filter(deal_id=old.pk, from_stage__isnull=True).update(
            changed_at=timezone.now() - timedelta(days=400))
        value = conversion_by_stage(team_id=acme.team.pk, period=PERIOD).value
    stages = {s["stage"]: s["reached"] for s in value["pipelines"][0]["stages"]}
    assert stages == {"Prospecting": 2, "Qualification": 1, "Proposal": 0, "Negotiation": 0, "Won": 0}


def test_lead_to_won_counts_leads_of_the_period_with_a_won_deal(acme):
    leads = [LeadFactory(team=acme.team, owner=acme.rep) for _ in range(4)]
    move(acme, deal(acme, "Negotiation", 10, lead=leads[0]), "Won")
    deal(acme, "Negotiation", 10, lead=leads[1])
    with tenancy.use_team(acme.team):
        value = conversion_by_stage(team_id=acme.team.pk, period=PERIOD).value
    assert (value["leads"], value["won_leads"], value["lead_to_won"]) == (4, 1, 25.0)


def test_velocity_averages_days_in_each_stage_and_days_to_close(acme):
    a, b = deal(acme, "Prospecting", 1), deal(acme, "Prospecting", 2)
    move(acme, a, "Qualification", days_later=4)
    move(acme, b, "Qualification", days_later=2)
    move(acme, a, "Won", days_later=6)
    with tenancy.use_team(acme.team):
        Deal.objects.filter(pk=a.pk).update(created_at=timezone.now() - timedelta(days=10))
        value = deal_velocity(team_id=acme.team.pk, period=PERIOD).value
    days = {s["stage"]: (s["moves"], s["days"]) for s in value["stages"]}
    assert days["Prospecting"] == (2, 3.0) and days["Qualification"] == (1, 6.0) and days["Proposal"] == (0, None)
    assert (value["won"], value["days_to_close"]) == (1, 10.0)


def test_response_time_median_p90_untouched_and_breaches(acme):
    start = timezone.now() - timedelta(hours=2)
    with tenancy.use_team(acme.team):
        for n, seconds in enumerate([60, 120, 180, 240, None]):
            lead = LeadFactory(team=acme.team, owner=acme.rep if n else acme.manager)
            LeadSla.objects.update_or_create(lead=lead, defaults={
                "team": acme.team, "started_at": start, "due_at": start + timedelta(minutes=5),
                "first_touch_at": start + timedelta(seconds=seconds) if seconds else None,
                "response_seconds": seconds, "breached_at": start if seconds is None else None})
        team = lead_response_time(team_id=acme.team.pk, period=PERIOD).value
        rep = lead_response_time(team_id=acme.team.pk, period=PERIOD, owner_id=acme.rep.pk).value
    assert team == {"leads": 5, "touched": 4, "untouched": 1, "median_seconds": 150, "p90_seconds": 222,
                    "breaches": 1}
    assert (rep["leads"], rep["median_seconds"]) == (4, 180)


def test_forecast_weighs_open_deals_of_the_period_and_prorates_quota(acme):
    deal(acme, "Proposal", 10000)  # 50%
    deal(acme, "Negotiation", 4000)  # 75%: commit
    deal(acme, "Proposal", 99999, close=PERIOD.end + timedelta(days=5))  # next period: out
    move(acme, deal(acme, "Negotiation", 6000), "Won")
    with tenancy.use_team(acme.team):
        QuotaFactory(team=acme.team, user=acme.rep, period_start=PERIOD.start, period_end=PERIOD.end,
                     amount=Decimal(40000))
        QuotaFactory(team=acme.team, user=acme.manager, period_start=PERIOD.end,
                     period_end=PERIOD.end + timedelta(days=90), amount=Decimal(1))  # another period
        value = revenue_forecast(team_id=acme.team.pk, period=PERIOD).value
    assert value["won"] == 6000 and value["weighted"] == 8000  # 10000 x 50% + 4000 x 75%
    assert (value["forecast"], value["commit"], value["best_case"]) == (14000, 10000, 20000)
    assert (value["quota"], value["attainment"], value["forecast_attainment"]) == (40000, 15.0, 35.0)


def test_leaderboard_ranks_by_won_with_quota_pace(acme):
    move(acme, deal(acme, "Negotiation", 5000, owner=acme.manager), "Won")
    with tenancy.use_team(acme.team):
        QuotaFactory(team=acme.team, user=acme.manager, period_start=PERIOD.start, period_end=PERIOD.end,
                     amount=Decimal(10000))
        reps = leaderboard(team_id=acme.team.pk, period=PERIOD).value["reps"]
    assert [r["user_id"] for r in reps] == [acme.manager.pk, acme.rep.pk]
    top = reps[0]
    assert (top["won"], top["won_deals"], top["attainment"]) == (5000, 1, 50.0)
    assert top["pace"] == round(10000 * PERIOD.elapsed(TODAY), 2) and top["on_pace"] == (5000 >= top["pace"])
    assert reps[1]["quota"] == 0 and reps[1]["attainment"] is None


@pytest.mark.parametrize(("today", "kind", "start", "end"), [
    (date(2026, 11, 30), "month", date(2026, 11, 1), date(2026, 12, 1)),
    (date(2026, 12, 31), "month", date(2026, 12, 1), date(2027, 1, 1)),
    (date(2026, 11, 30), "quarter", date(2026, 10, 1), date(2027, 1, 1)),
    (date(2026, 2, 3), "quarter", date(2026, 1, 1), date(2026, 4, 1)),
])
def test_periods(today, kind, start, end):
    period = periods.from_query({"period": kind}, today)
    assert (period.start, period.end) == (start, end)


def test_a_custom_period_includes_its_last_day_and_bad_input_falls_back():
    period = periods.from_query({"period": "custom", "start": "2026-11-02", "end": "2026-11-08"}, date(2026, 11, 30))
    assert (period.start, period.end, period.label) == (date(2026, 11, 2), date(2026, 11, 9),
                                                          "Nov 2, 2026 to Nov 8, 2026")
    assert periods.from_query({"period": "custom", "start": "x"}, date(2026, 11, 30)).kind == "quarter"
    assert periods.from_query({"period": "custom", "start": "2026-11-08", "end": "2026-11-02"},
                              date(2026, 11, 30)).kind == "quarter"


def test_freshness_labels():
    now = timezone.now()
    assert Reading("x", {}, now, "live").label == "live"
    assert Reading("x", {}, now, "cached").label == f"as of {timezone.localtime(now):%H:%M}"
    old = now - timedelta(days=3)
    assert Reading("x", {}, old, "daily").label == f"as of {timezone.localtime(old):%b %-d, %H:%M}"
    assert datetime.fromisoformat(Reading("x", {}, now, "live").as_json()["as_of"]) == now
