"""The scheduled side: velocity and forecast snapshots for every scope and standard period, once a day each;
the cached metrics kept warm."""

from django.core.cache import cache
from django.utils import timezone

from dashboards.metrics import periods, store
from dashboards.metrics.refresh import cache_warm, snapshots_refresh
from dashboards.models import MetricSnapshot
from primesync import tenancy


def test_snapshots_cover_the_team_and_each_person_and_a_rerun_replaces_todays(acme):
    assert snapshots_refresh(team_id=acme.team.pk, metric="revenue_forecast") == 3 * 2  # team, rep, manager
    assert snapshots_refresh(team_id=acme.team.pk, metric="revenue_forecast") == 6
    with tenancy.use_team(acme.team):
        rows = MetricSnapshot.objects.filter(metric="revenue_forecast")
        assert rows.count() == 6 and {r.day for r in rows} == {timezone.localdate()}
        assert {r.owner_id for r in rows} == {None, acme.rep.pk, acme.manager.pk}


def test_the_warm_cache_holds_the_teams_conversion_and_leaderboard(acme):
    cache.clear()
    assert cache_warm(team_id=acme.team.pk) == 4
    quarter = periods.this_quarter(timezone.localdate())
    for metric in ("conversion_by_stage", "leaderboard"):
        assert cache.get(store.cache_key(acme.team.pk, metric, quarter, None))["metric"] == metric
