"""manage.py seed_demo."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from dashboards.models import DealStageChange, MetricSnapshot
from deals.models import Deal, Quota
from enrichment.models import QualitySnapshot
from leads.models import Activity, Company, EnrichmentRequest, Lead, LeadSla
from primesync import tenancy
from primesync.models import Membership, Team, User


def test_it_seeds_both_teams_once(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(Team.objects.values_list("slug", flat=True)) == {"acme", "globex"}
    assert User.objects.get(email="admin@primesync.test").is_superuser
    assert Membership.objects.get(user__email="manager@acme.test").role == "manager"
    assert User.objects.get(email="rep1@globex.test").check_password("primesync-demo")
    for team in Team.objects.all():
        with tenancy.use_team(team):
            assert Lead.objects.count() >= 300
            assert Company.objects.count() >= 40
            assert Deal.objects.count() >= 80
            assert Deal.objects.values("stage").distinct().count() == 6
            assert Quota.objects.count() == Membership.objects.filter(team=team).count()
            assert Activity.objects.count() > 300
            # the workers enrich the demo leads in the first minute (enrichment.work_queues)
            assert EnrichmentRequest.objects.filter(reason="demo", status="pending").count() == Lead.objects.count()
            assert QualitySnapshot.objects.count() == 28  # four weeks of the quality trend
            # every demo deal has a stage path ending in its stage, and some moved through several
            assert DealStageChange.objects.filter(from_stage__isnull=True).count() == Deal.objects.count()
            assert DealStageChange.objects.filter(seconds_in_from_stage__gt=0).count() > Deal.objects.count() / 2
            assert LeadSla.objects.filter(first_touch_at__isnull=False).count() > Lead.objects.count() / 2
            assert MetricSnapshot.objects.filter(metric="revenue_forecast").exists()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Team.objects.count() == 2


@override_settings(DEMO_MODE=False)
def test_it_refuses_outside_demo_mode(db):
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("seed_demo")
