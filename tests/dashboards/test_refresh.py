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


def test_a_started_or_touched_clock_recomputes_the_response_time_for_open_dashboards(relay, celery_worker_thread):
    from datetime import timedelta

    from dashboards import selectors
    from leads.models import Lead, LeadSla
    from tests.conftest import make_team
    from tests.factories import LeadFactory
    from tests.workers import wait_until

    acme = make_team("acme")
    period = periods.this_month(timezone.localdate())

    def kept_leads():
        key = f"{store.cache_key(acme.team.pk, 'lead_response_time', period, None)}:v" \
              f"{store.version(acme.team.pk, 'lead_response_time')}"
        kept = cache.get(key)
        return kept["value"]["leads"] if kept else None

    def clock():
        with tenancy.use_team(acme.team):
            return LeadSla.objects.first()

    LeadFactory(team=acme.team, owner=acme.rep)  # its handler starts the clock: LEAD_SLA_CHANGED
    # both: another handler of LEAD_CREATED may refresh the figure before the clock's handler has run
    wait_until(lambda: clock() and kept_leads() == 1, timeout=30, message="the clock and the response time")
    sla = clock()
    with tenancy.use_team(acme.team):
        LeadSla.objects.filter(pk=sla.pk).update(first_touch_at=sla.started_at + timedelta(minutes=7),
                                                 response_seconds=420)
    wait_until(lambda: (cache.get(f"{store.cache_key(acme.team.pk, 'lead_response_time', period, None)}:v"
                                  f"{store.version(acme.team.pk, 'lead_response_time')}") or {}).get(
        "value", {}).get("median_seconds") == 420, timeout=30, message="the first touch in the response time")
    with tenancy.use_team(acme.team):
        assert selectors.metric("lead_response_time", team_id=acme.team.pk, period=period,
                                owner_id=None).value["median_seconds"] == 420
        assert Lead.objects.count() == 1
