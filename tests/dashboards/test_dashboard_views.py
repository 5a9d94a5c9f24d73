"""/dashboard/: every metric with its freshness, in few queries; reps see their own numbers, managers the
team's or one rep's; metric fragments for the live reload; caching and its invalidation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from dashboards import selectors
from dashboards.metrics import periods, store
from dashboards.models import MetricSnapshot
from deals.services import deal_create
from primesync import tenancy
from tests.factories import LeadFactory, UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def deal(team_set, amount, owner):
    with tenancy.use_team(team_set.team):
        return deal_create(team=team_set.team, by=None, name=f"Deal {amount}", stage=team_set.stage("Proposal"),
                           amount=Decimal(amount), owner=owner, expected_close_date=timezone.localdate())


METRICS = ("active_deals", "conversion_by_stage", "deal_velocity", "lead_response_time", "revenue_forecast")


def test_a_manager_sees_the_five_metrics_with_their_freshness(client, acme, django_assert_max_num_queries):
    deal(acme, 1000, acme.rep)
    deal(acme, 2000, acme.manager)
    client.force_login(acme.manager)
    client.get("/dashboard/")  # computes and keeps what is cached or snapshotted
    # 6 are the request's own (session, user, seat, team scope) and the test's savepoint pair
    with django_assert_max_num_queries(6 + 4):
        page = client.get("/dashboard/").content.decode()
    for name in METRICS:
        assert f'data-metric="{name}"' in page
    assert page.count('data-freshness="live"') == 2  # active deals and response time
    assert 'data-freshness="cached"' in page and 'data-freshness="hourly"' in page and 'data-freshness="daily"' in page
    assert '<strong data-value="deals">2</strong>' in page and "whole team" in page
    assert f'data-rep="{acme.rep.pk}"' in page and f'data-rep="{acme.manager.pk}"' in page


def test_a_rep_sees_only_their_own_numbers_even_when_asking_for_someone_elses(client, acme):
    deal(acme, 1000, acme.rep)
    deal(acme, 2000, acme.manager)
    client.force_login(acme.rep)
    page = client.get(f"/dashboard/?rep={acme.manager.pk}").content.decode()
    assert '<strong data-value="deals">1</strong>' in page
    assert f'data-rep="{acme.manager.pk}"' not in page and f'data-rep="{acme.rep.pk}"' in page
    assert 'name="rep"' not in page  # no rep picker


def test_a_manager_drills_into_a_rep_but_not_into_another_teams(client, acme, globex):
    deal(acme, 1000, acme.rep)
    deal(acme, 2000, acme.manager)
    client.force_login(acme.manager)
    page = client.get(f"/dashboard/?rep={acme.rep.pk}").content.decode()
    assert '<strong data-value="deals">1</strong>' in page
    assert client.get(f"/dashboard/?rep={globex.rep.pk}").status_code == 404
    stranger = UserFactory()
    assert client.get(f"/dashboard/?rep={stranger.pk}").status_code == 404


def test_a_manager_drilling_into_a_rep_reads_the_team_once(client, acme, django_assert_max_num_queries):
    deal(acme, 1000, acme.rep)
    client.force_login(acme.manager)
    client.get(f"/dashboard/?rep={acme.rep.pk}")  # computes and keeps the rep's cached and snapshotted metrics
    with django_assert_max_num_queries(6 + 4):  # the people read to check ?rep= also fill the rep picker
        page = client.get(f"/dashboard/?rep={acme.rep.pk}").content.decode()
    assert f'<option value="{acme.rep.pk}" selected>' in page


def test_a_metric_fragment_reloads_alone(client, acme, django_assert_max_num_queries):
    deal(acme, 1000, acme.rep)
    client.force_login(acme.manager)
    with django_assert_max_num_queries(6 + 1):
        fragment = client.get("/dashboard/metrics/active_deals/?period=month").content.decode()
    assert 'data-value="deals">1<' in fragment and "<html" not in fragment
    assert client.get("/dashboard/metrics/nope/").status_code == 404


def test_cached_metrics_are_reused_until_five_minutes_old(acme):
    period = periods.this_quarter(timezone.localdate())
    with tenancy.use_team(acme.team):
        first = selectors.metric("conversion_by_stage", team_id=acme.team.pk, period=period, owner_id=None)
        deal(acme, 1000, acme.rep)
        again = selectors.metric("conversion_by_stage", team_id=acme.team.pk, period=period, owner_id=None)
        assert again.as_of == first.as_of and again.value == first.value  # within 5 minutes: the kept one
        key = store.cache_key(acme.team.pk, "conversion_by_stage", period, None)
        cache.set(key, {**cache.get(key), "as_of": (first.as_of - timedelta(minutes=6)).isoformat()})
        fresh = selectors.metric("conversion_by_stage", team_id=acme.team.pk, period=period, owner_id=None)
    assert fresh.as_of > first.as_of and fresh.value["pipelines"][0]["created"] == 1


def test_an_event_makes_the_cached_response_time_old_at_once(acme):
    period = periods.this_month(timezone.localdate())
    with tenancy.use_team(acme.team):
        before = selectors.metric("lead_response_time", team_id=acme.team.pk, period=period, owner_id=None)
        LeadFactory(team=acme.team)  # no SLA clock without the workers: the count is what moves
        from leads.models import Lead, LeadSla
        lead = Lead.objects.first()
        LeadSla.objects.create(team=acme.team, lead=lead, started_at=timezone.now(), due_at=timezone.now())
        assert selectors.metric("lead_response_time", team_id=acme.team.pk, period=period,
                                owner_id=None).value == before.value  # cached
        store.bump(acme.team.pk, "lead_response_time")  # what the relay does on LEAD_CREATED
        after = selectors.metric("lead_response_time", team_id=acme.team.pk, period=period, owner_id=None)
    assert (before.value["leads"], after.value["leads"]) == (0, 1)


def test_snapshots_are_kept_one_a_day_and_make_the_forecast_trend(acme):
    period = periods.this_quarter(timezone.localdate())
    deal(acme, 1000, acme.rep)
    with tenancy.use_team(acme.team):
        selectors.metric("revenue_forecast", team_id=acme.team.pk, period=period, owner_id=None)
        selectors.metric("revenue_forecast", team_id=acme.team.pk, period=period, owner_id=None)
        MetricSnapshot.objects.create(team=acme.team, metric="revenue_forecast", owner=None, period=period.key,
                                      day=timezone.localdate() - timedelta(days=1),
                                      value={"forecast": 10, "won": 1})
        assert MetricSnapshot.objects.filter(metric="revenue_forecast").count() == 2
        board = selectors.dashboard(team_id=acme.team.pk, period=period, owner=None, with_team_views=True)
    assert [p["forecast"] for p in board.forecast_trend] == [10, 500.0]  # 1000 at 50%


def test_the_metrics_api_gives_the_team_and_each_rep_to_managers_and_own_numbers_to_reps(api, acme, globex):
    deal(acme, 1000, acme.rep)
    deal(acme, 2000, acme.manager)
    deal(globex, 5000, globex.rep)
    body = api(acme.manager).get("/api/v1/metrics/?period=month").json()
    assert body["period"]["kind"] == "month"
    assert set(body["team"]) == set(METRICS)
    assert body["team"]["active_deals"]["value"]["deals"] == 2 and body["team"]["active_deals"]["freshness"] == "live"
    assert timezone.datetime.fromisoformat(body["team"]["revenue_forecast"]["as_of"])
    assert set(body["reps"]) == {str(acme.rep.pk), str(acme.manager.pk)}
    assert body["reps"][str(acme.rep.pk)]["metrics"]["active_deals"]["value"]["deals"] == 1
    mine = api(acme.rep).get("/api/v1/metrics/").json()
    assert mine["team"] is None and set(mine["reps"]) == {str(acme.rep.pk)}
    assert mine["reps"][str(acme.rep.pk)]["metrics"]["active_deals"]["value"]["amount"] == 1000.0
    assert api(globex.rep).get("/api/v1/metrics/").json()["reps"][str(globex.rep.pk)]["metrics"][
        "active_deals"]["value"]["amount"] == 5000.0
