"""/settings/routing/ and /settings/availability/."""

import pytest

from leads.models import AssignmentDecision, AssignmentRule, LeadSettings, RepAvailability
from primesync import tenancy
from tests.factories import LeadFactory


@pytest.fixture
def manager_client(client, acme):
    client.force_login(acme.manager)
    return client


def rule_post(acme, **overrides):
    data = {"name": "EMEA", "priority": 10, "active": "on", "countries": "de, fr", "industries": "",
            f"weight_{acme.rep.pk}": 2, f"weight_{acme.manager.pk}": 0}
    data.update(overrides)
    return data


def test_it_works_for_managers_only(client, acme):
    client.force_login(acme.rep)
    assert client.get("/settings/routing/").status_code == 403
    assert client.post("/settings/routing/rules/new/", rule_post(acme)).status_code == 403
    client.force_login(acme.manager)
    assert client.get("/settings/routing/").status_code == 200


def test_it_requires_login(client, db):
    assert client.get("/settings/routing/").status_code == 302


def test_a_manager_creates_edits_and_deletes_a_rule(manager_client, acme, django_assert_max_num_queries):
    assert manager_client.post("/settings/routing/rules/new/", rule_post(acme)).status_code == 302
    with tenancy.use_team(acme.team):
        rule = AssignmentRule.objects.get()
        assert (rule.countries, [(m.user_id, m.weight) for m in rule.members.all()]) == (["DE", "FR"], [(acme.rep.pk, 2)])
    with django_assert_max_num_queries(11):
        page = manager_client.get("/settings/routing/").content.decode()
    assert "Country DE, FR." in page and f"{acme.rep.display_name} (2)" in page
    manager_client.post(f"/settings/routing/rules/{rule.pk}/", rule_post(acme, name="Europe", **{
        f"weight_{acme.manager.pk}": 1}))
    with tenancy.use_team(acme.team):
        rule.refresh_from_db()
        assert rule.name == "Europe" and rule.members.count() == 2
    manager_client.post(f"/settings/routing/rules/{rule.pk}/delete/")
    with tenancy.use_team(acme.team):
        assert not AssignmentRule.objects.exists()


def test_it_validates_input(manager_client, acme):
    for overrides, message in [
        ({"countries": "Germany"}, "two-letter country codes"),
        ({"min_employees": 500, "max_employees": 100}, "at least the minimum"),
        ({f"weight_{acme.rep.pk}": 0}, "at least one rep"),
        ({"name": ""}, "This field is required"),
    ]:
        response = manager_client.post("/settings/routing/rules/new/", rule_post(acme, **overrides))
        assert response.status_code == 422 and message in response.content.decode(), overrides


def test_it_hides_other_teams(manager_client, globex):
    with tenancy.use_team(globex.team):
        theirs = AssignmentRule.objects.create(team=globex.team, name="Theirs")
    assert manager_client.get(f"/settings/routing/rules/{theirs.pk}/").status_code == 404
    assert manager_client.post(f"/settings/routing/rules/{theirs.pk}/delete/").status_code == 404
    assert manager_client.get(f"/settings/availability/{globex.rep.pk}/").status_code == 404


def test_the_sla_policy(manager_client, acme):
    ok = manager_client.post("/settings/routing/", {"sla_minutes": 30, "sla_action": "reassign",
                                                     "work_start": "08:00", "work_end": "17:00", "work_days": "54321"})
    assert ok.status_code == 302
    with tenancy.use_team(acme.team):
        policy = LeadSettings.objects.get(team=acme.team)
    assert (policy.sla_minutes, policy.sla_action, policy.work_days) == (30, "reassign", "12345")
    bad = manager_client.post("/settings/routing/", {"sla_minutes": 0, "sla_action": "reassign",
                                                      "work_start": "17:00", "work_end": "08:00", "work_days": "mon"})
    assert bad.status_code == 422 and b"Must be after the start" in bad.content


def test_reps_set_their_own_availability_but_not_capacity(client, acme):
    client.force_login(acme.rep)
    form = client.get("/settings/availability/").content.decode()
    assert "max_open_leads" not in form
    client.post("/settings/availability/", {"out_of_office_until": "2030-01-01T09:00", "work_start": "10:00",
                                             "work_end": "16:00", "work_days": "1234"})
    with tenancy.use_team(acme.team):
        mine = RepAvailability.objects.get(user=acme.rep)
    assert mine.work_days == "1234" and mine.max_open_leads == 50
    assert client.get(f"/settings/availability/{acme.manager.pk}/").status_code == 403


def test_a_manager_sets_a_reps_capacity(manager_client, acme):
    manager_client.post(f"/settings/availability/{acme.rep.pk}/", {"max_open_leads": 12, "work_start": "09:00",
                                                                   "work_end": "18:00", "work_days": "12345"})
    with tenancy.use_team(acme.team):
        assert RepAvailability.objects.get(user=acme.rep).max_open_leads == 12


def test_the_lead_page_says_why_it_was_assigned(client, acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    with tenancy.use_team(acme.team):
        AssignmentDecision.objects.create(team=acme.team, lead=lead, owner=acme.rep,
                                          reason="Assigned to Ana: rule EMEA (country DE), 12/40 open, next in rotation")
    client.force_login(acme.rep)
    assert b"12/40 open, next in rotation" in client.get(f"/leads/{lead.pk}/").content
