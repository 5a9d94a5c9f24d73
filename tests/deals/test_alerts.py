"""Stale deals and quota pace: found by scheduled jobs, published once per period."""

from datetime import date, timedelta
from decimal import Decimal

from django.test import override_settings
from django.utils import timezone

from deals.alerts import quota_pace_publish, stale_deals_publish
from primesync import events, tenancy
from primesync.models import OutboxEvent
from tests.factories import ActivityFactory, DealFactory, QuotaFactory


def published(ts, event_type):
    with tenancy.use_team(ts.team):
        return list(OutboxEvent.objects.filter(type=event_type).order_by("id"))


def test_a_deal_without_activity_past_its_stage_limit_is_stale_once(acme):
    now = timezone.now()
    stale = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Proposal"), owner=acme.rep,
                        stage_entered_at=now - timedelta(days=30))  # Proposal: stale after 10 days
    ActivityFactory(team=acme.team, deal=stale, occurred_at=now - timedelta(days=12))
    fresh = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Proposal"), owner=acme.rep,
                        stage_entered_at=now - timedelta(days=30))
    ActivityFactory(team=acme.team, deal=fresh, occurred_at=now - timedelta(days=2))
    DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Won"), owner=acme.rep,
                stage_entered_at=now - timedelta(days=90))  # closed deals never go stale
    with tenancy.use_team(acme.team):
        assert stale_deals_publish(team_id=acme.team.pk) == 1
        assert stale_deals_publish(team_id=acme.team.pk) == 0
    [event] = published(acme, events.DEAL_STALE)
    assert event.entity_id == stale.pk and event.payload["days"] == 12


def test_new_activity_starts_a_new_staleness_period(acme):
    now = timezone.now()
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Negotiation"), owner=acme.rep,
                       stage_entered_at=now - timedelta(days=40))  # Negotiation: 7 days
    with tenancy.use_team(acme.team):
        assert stale_deals_publish(team_id=acme.team.pk, now=now) == 1
    ActivityFactory(team=acme.team, deal=deal, occurred_at=now)
    with tenancy.use_team(acme.team):
        assert stale_deals_publish(team_id=acme.team.pk, now=now + timedelta(days=3)) == 0
        assert stale_deals_publish(team_id=acme.team.pk, now=now + timedelta(days=8)) == 1


@override_settings(QUOTA_ALERT_THRESHOLD=0.8)
def test_a_rep_behind_pace_is_alerted_once_a_week(acme):
    start = date.today() - timedelta(days=44)  # day 45 of a 90-day period: pace is half the quota
    QuotaFactory(team=acme.team, user=acme.rep, period_start=start, period_end=start + timedelta(days=90),
                 amount=Decimal("100000"))
    QuotaFactory(team=acme.team, user=acme.manager, period_start=start, period_end=start + timedelta(days=90),
                 amount=Decimal("100000"))
    DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Won"), owner=acme.rep,
                amount=Decimal("10000"), closed_at=timezone.now())
    DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Won"), owner=acme.manager,
                amount=Decimal("60000"), closed_at=timezone.now())  # ahead of pace, this week and next
    with tenancy.use_team(acme.team):
        assert quota_pace_publish(team_id=acme.team.pk) == 1
        assert quota_pace_publish(team_id=acme.team.pk) == 0
        assert quota_pace_publish(team_id=acme.team.pk, today=date.today() + timedelta(days=7)) == 1
    first = published(acme, events.QUOTA_ALERT)[0]
    assert first.payload == {"user_id": acme.rep.pk, "won": "10000", "quota": "100000", "pace": "50000",
                             "elapsed_pct": 50}
