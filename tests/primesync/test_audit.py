"""The audit trail is written by triggers, carries its context, and cannot be rewritten."""

import psycopg
import pytest
from django.db import DatabaseError, connection, connections, transaction

from leads.models import Lead, LeadEvent
from primesync import audit, tenancy
from primesync.history import history_for
from tests.conftest import conninfo, make_team
from tests.factories import LeadFactory


def events_of(lead):
    return list(LeadEvent.objects.filter(pgh_obj_id=lead.pk).order_by("pgh_id"))


def test_it_records_inserts_updates_and_deletes_with_their_context(acme):
    with tenancy.use_team(acme.team):
        audit.set_context(source="web", user_id=acme.rep.pk, path="/leads/1/", correlation_id="req-1")
        lead = Lead.objects.create(team=acme.team, first_name="Ada", email="ada@example.com")
        lead.title = "CTO"
        lead.save()
        lead_id = lead.pk
        lead.delete()
        events = list(LeadEvent.objects.filter(pgh_obj_id=lead_id).order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update", "delete"]
    assert events[1].title == "CTO"
    assert events[0].pgh_context == {
        "source": "web", "user": acme.rep.pk, "url": "/leads/1/", "correlation_id": "req-1",
    }


def test_it_records_a_queryset_update(acme):
    leads = LeadFactory.create_batch(3, team=acme.team)
    with tenancy.use_team(acme.team):
        audit.set_context(source="worker")
        Lead.objects.filter(team=acme.team).update(status="working")
        updates = LeadEvent.objects.filter(pgh_label="update", status="working")
        assert sorted(updates.values_list("pgh_obj_id", flat=True)) == sorted(lead.pk for lead in leads)
        assert {e.pgh_context["source"] for e in updates} == {"worker"}


def test_it_records_raw_sql_with_source_sql(acme):
    lead = LeadFactory(team=acme.team, title="Before")
    with tenancy.use_team(acme.team):
        with connection.cursor() as cur:
            cur.execute("UPDATE leads_lead SET title = 'After' WHERE id = %s", [lead.pk])
        rows = history_for(Lead.objects.get(pk=lead.pk))
    title_change = [r for r in rows if r["field"] == "title" and r["action"] == "update"]
    assert title_change and title_change[0]["from"] == "Before" and title_change[0]["to"] == "After"
    assert title_change[0]["source"] == "sql"


def test_history_shows_no_change_for_an_update_that_changes_nothing(acme):
    lead = LeadFactory(team=acme.team)
    with tenancy.use_team(acme.team):
        before = history_for(lead)
        Lead.objects.filter(pk=lead.pk).update(title=lead.title)
        assert len(events_of(lead)) == 2  # the statement is recorded...
        assert history_for(lead) == before  # ...but it changed no field


def test_a_login_does_not_add_user_history(acme, client):
    from primesync.models import UserEvent
    from tests.factories import PASSWORD

    count = UserEvent.objects.filter(pgh_obj_id=acme.rep.pk).count()
    client.post("/accounts/login/", {"username": acme.rep.email, "password": PASSWORD})
    assert UserEvent.objects.filter(pgh_obj_id=acme.rep.pk).count() == count


def test_the_app_role_may_not_update_delete_or_truncate_audit_rows(acme):
    LeadFactory(team=acme.team)
    with tenancy.use_team(acme.team):
        for statement in (
            "UPDATE leads_leadevent SET title = 'rewritten'",
            "DELETE FROM leads_leadevent",
            "TRUNCATE leads_leadevent",
        ):
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute(statement)


def test_even_the_owner_is_refused_by_the_append_only_trigger(committed):
    acme = make_team("acme")
    LeadFactory(team=acme.team)
    owner = connections["owner"]
    with owner.cursor() as cur:
        cur.execute("SELECT set_config('app.team_id', %s, false)", [str(acme.team.pk)])
        try:
            for statement in ("UPDATE leads_leadevent SET title = 'x'", "DELETE FROM leads_leadevent"):
                with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic(using="owner"):
                    cur.execute(statement)
        finally:
            cur.execute("RESET app.team_id")


def test_audit_rows_are_under_rls_too(acme, globex):
    LeadFactory(team=acme.team)
    with tenancy.use_team(globex.team):
        assert LeadEvent.objects.count() == 0
    with tenancy.use_team(acme.team):
        assert LeadEvent.objects.count() == 1


def test_a_change_from_outside_django_is_audited(committed):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, title="Old")
    with psycopg.connect(conninfo("default")) as conn:
        conn.execute("SELECT set_config('app.team_id', %s, true)", [str(acme.team.pk)])
        conn.execute("UPDATE leads_lead SET title = 'New' WHERE id = %s", [lead.pk])
    with tenancy.use_team(acme.team):
        last = LeadEvent.objects.filter(pgh_obj_id=lead.pk).latest("pgh_id")
    assert (last.pgh_label, last.title, last.pgh_context) == ("update", "New", None)


def test_history_lists_field_changes_oldest_first(acme):
    lead = LeadFactory(team=acme.team, status="new", title="A")
    with tenancy.use_team(acme.team):
        audit.set_context(source="api", user_id=acme.manager.pk)
        Lead.objects.filter(pk=lead.pk).update(status="working", title="B")
        rows = history_for(Lead.objects.get(pk=lead.pk))
    updates = [(r["field"], r["from"], r["to"]) for r in rows if r["action"] == "update"]
    assert updates == [("title", "A", "B"), ("status", "new", "working")]
    assert rows[-1]["user"]["email"] == acme.manager.email
    assert rows[-1]["source"] == "api"
