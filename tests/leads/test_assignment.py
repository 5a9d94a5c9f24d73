"""Assignment by the team's rules, with its reasons, and fair under concurrency."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from leads.assignment import lead_assign
from leads.models import AssignmentDecision, AssignmentMember, AssignmentRule, Lead, RepAvailability
from primesync import tenancy
from primesync.models import Role
from tests.conftest import make_team
from tests.factories import CompanyFactory, LeadFactory, MembershipFactory, UserFactory


def rule_for(ts, name, members, priority=100, **conditions):
    with tenancy.use_team(ts.team):
        rule = AssignmentRule.objects.create(team=ts.team, name=name, priority=priority, **conditions)
        for user, weight in members:
            AssignmentMember.objects.create(team=ts.team, rule=rule, user=user, weight=weight)
    return rule


def assign(ts, lead, **kwargs):
    with tenancy.use_team(ts.team):
        lead = Lead.objects.select_related("company", "team").get(pk=lead.pk)
        return lead_assign(lead=lead, **kwargs)


def test_the_first_matching_rule_decides_and_says_why(acme):
    rule_for(acme, "EMEA", [(acme.rep, 1)], priority=1, countries=["DE", "FR"])
    rule_for(acme, "Everyone else", [(acme.manager, 1)], priority=2)
    german = LeadFactory(team=acme.team, owner=None, country="DE")
    american = LeadFactory(team=acme.team, owner=None, country="US")
    assert assign(acme, german).owner == acme.rep
    decision = assign(acme, american)
    assert decision.owner == acme.manager
    assert decision.reason.startswith(f"Assigned to {acme.manager.display_name}: rule Everyone else (any lead)")


def test_industry_and_size_come_from_the_company(acme):
    rule_for(acme, "Mid-market software", [(acme.rep, 1)], industries=["Software"], min_employees=100)
    big = LeadFactory(team=acme.team, owner=None, company=CompanyFactory(team=acme.team, employees=500))
    small = LeadFactory(team=acme.team, owner=None, company=CompanyFactory(team=acme.team, employees=20))
    assert assign(acme, big).owner == acme.rep
    decision = assign(acme, small)
    assert decision.owner is None and decision.reason == "Left unassigned: no rule matches this lead"


def test_capacity_and_out_of_office_pass_a_rep_over(acme):
    rule_for(acme, "Pool", [(acme.rep, 1), (acme.manager, 1)])
    with tenancy.use_team(acme.team):
        RepAvailability.objects.create(team=acme.team, user=acme.rep, max_open_leads=1)
        RepAvailability.objects.create(team=acme.team, user=acme.manager,
                                       out_of_office_until=timezone.now() + timedelta(days=2))
    LeadFactory(team=acme.team, owner=acme.rep, status="working")
    decision = assign(acme, LeadFactory(team=acme.team, owner=None))
    assert decision.owner is None
    assert "at capacity (1/1)" in decision.reason and "out of office" in decision.reason


def test_an_sla_reassignment_skips_the_current_owner(acme):
    rule_for(acme, "Pool", [(acme.rep, 1), (acme.manager, 1)])
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    decision = assign(acme, lead, exclude={acme.rep.pk}, prefix="SLA breached by Rep. ")
    assert decision.owner == acme.manager and decision.reason.startswith("SLA breached by Rep. Assigned to")


def test_weights_share_the_leads(acme):
    rule_for(acme, "Weighted", [(acme.rep, 2), (acme.manager, 1)])
    owners = Counter(assign(acme, LeadFactory(team=acme.team, owner=None)).owner_id for _ in range(9))
    assert owners == {acme.rep.pk: 6, acme.manager.pk: 3}


def test_parallel_creations_never_share_a_rotation_slot(committed):
    """40 leads assigned from 8 threads at once: exactly 10 each for 4 reps, 40 distinct slots."""
    acme = make_team("acme")
    reps = [acme.rep, acme.manager]
    for i in range(2):
        user = UserFactory(email=f"extra{i}@acme.test")
        MembershipFactory(team=acme.team, user=user, role=Role.REP)
        reps.append(user)
    rule = rule_for(acme, "Round robin", [(user, 1) for user in reps])
    leads = [LeadFactory(team=acme.team, owner=None) for _ in range(40)]

    def assign_in_thread(lead):
        try:
            return assign(acme, lead).owner_id
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        owners = Counter(pool.map(assign_in_thread, leads))
    assert sorted(owners.values()) == [10, 10, 10, 10]
    with tenancy.use_team(acme.team):
        rule.refresh_from_db()
        assert rule.rotation == 40
        assert AssignmentDecision.objects.filter(owner__isnull=False).count() == 40
