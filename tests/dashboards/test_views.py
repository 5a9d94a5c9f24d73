"""/my-day/: where a rep lands after logging in."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import PASSWORD, ActivityFactory, DealFactory, LeadFactory


def test_logging_in_lands_on_my_day(client, acme):
    response = client.post("/accounts/login/", {"username": acme.rep.email, "password": PASSWORD})
    assert response["Location"] == "/my-day/"


def test_it_requires_login(client, db):
    assert client.get("/my-day/").status_code == 302


def test_it_shows_my_tasks_new_leads_and_deals_without_next_step(client, acme, django_assert_max_num_queries):
    now = timezone.now()
    lead = LeadFactory(team=acme.team, owner=acme.rep, status="new", first_name="Fresh", last_name="Lead")
    LeadFactory(team=acme.team, owner=acme.manager, status="new", first_name="Not", last_name="Mine")
    ActivityFactory(team=acme.team, lead=lead, kind="task", subject="Overdue call", due_at=now - timedelta(days=2),
                    assigned_to=acme.rep)
    ActivityFactory(team=acme.team, lead=lead, kind="task", subject="Today call", due_at=now.replace(hour=23, minute=0),
                    assigned_to=acme.rep)
    ActivityFactory(team=acme.team, lead=lead, kind="task", subject="Next week", due_at=now + timedelta(days=7),
                    assigned_to=acme.rep)
    ActivityFactory(team=acme.team, lead=lead, kind="task", subject="Done already", due_at=now - timedelta(days=1),
                    assigned_to=acme.rep, completed_at=now)
    DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Proposal"), owner=acme.rep, name="Stuck deal")
    DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Proposal"), owner=acme.rep,
                name="Moving deal", next_step="Send contract")
    DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Won"), owner=acme.rep, name="Won deal")
    client.force_login(acme.rep)
    with django_assert_max_num_queries(9):
        body = client.get("/my-day/").content.decode()
    assert "Overdue call" in body and "Today call" in body
    assert "Next week" not in body and "Done already" not in body
    assert "Fresh Lead" in body and "Not Mine" not in body
    assert "Stuck deal" in body and "Moving deal" not in body and "Won deal" not in body


def test_it_hides_other_teams(client, acme, globex):
    LeadFactory(team=globex.team, owner=acme.rep, status="new", first_name="Leaked")
    client.force_login(acme.rep)
    assert b"Leaked" not in client.get("/my-day/").content
