"""Row-level security: the database itself keeps teams apart, whatever the Python code does."""

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from leads.models import Lead
from primesync import db_setup, tenancy
from primesync.models import RlsBypass
from tests.conftest import conninfo, make_team
from tests.factories import LeadFactory


def raw_count(sql: str, params=()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


@pytest.fixture
def two_teams_of_leads(acme, globex):
    LeadFactory.create_batch(3, team=acme.team)
    LeadFactory.create_batch(2, team=globex.team)
    return acme, globex


def test_it_shows_raw_sql_in_team_a_none_of_team_b(two_teams_of_leads):
    acme, globex = two_teams_of_leads
    with tenancy.use_team(acme.team):
        assert raw_count("SELECT count(*) FROM leads_lead") == 3
        assert raw_count("SELECT count(*) FROM leads_lead WHERE team_id = %s", [globex.team.pk]) == 0


def test_it_touches_no_row_of_team_b_with_a_queryset_update_in_team_a(two_teams_of_leads):
    acme, globex = two_teams_of_leads
    with tenancy.use_team(acme.team):
        touched = Lead.objects.all().update(title="Changed")  # no team filter: RLS alone scopes it
        touched_b = Lead.objects.filter(team=globex.team).update(title="Changed")
    assert (touched, touched_b) == (3, 0)
    with tenancy.use_team(globex.team):
        assert set(Lead.objects.values_list("title", flat=True)) == {"VP Sales"}


def test_it_returns_nothing_with_no_team_set(two_teams_of_leads):
    assert raw_count("SELECT count(*) FROM leads_lead") == 0
    assert Lead.objects.count() == 0
    assert Lead.objects.all().update(title="x") == 0


def test_it_refuses_to_write_a_row_into_another_team(two_teams_of_leads):
    acme, globex = two_teams_of_leads
    with pytest.raises(DatabaseError, match="row-level security"), tenancy.use_team(acme.team):
        Lead.objects.create(team=globex.team, first_name="Mallory")


def test_it_refuses_to_switch_row_security_off(acme):
    with pytest.raises(DatabaseError, match="row-level security"), tenancy.use_team(acme.team):
        with connection.cursor() as cur:
            cur.execute("SET LOCAL row_security = off")
            cur.execute("SELECT count(*) FROM leads_lead")


def test_it_restores_the_previous_team_when_a_block_ends(acme, globex):
    with tenancy.use_team(acme.team):
        with tenancy.use_team(globex.team):
            assert tenancy.current_team_id() == globex.team.pk
        assert tenancy.current_team_id() == acme.team.pk
    assert tenancy.current_team_id() is None


def test_it_restores_the_previous_team_after_an_error(acme, globex):
    with tenancy.use_team(acme.team):
        with pytest.raises(ZeroDivisionError), tenancy.use_team(globex.team):
            1 / 0
        assert tenancy.current_team_id() == acme.team.pk


def test_the_app_role_cannot_bypass_rls_by_itself(db):
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = current_user")
        assert cur.fetchone() == (False, False, False)
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
        assert cur.fetchone()[0] == 0


def test_every_table_with_a_team_id_is_under_forced_rls(db):
    # Identity tables are read before a team is known (login, token lookup); access is checked in Python.
    identity_tables = {"primesync_membership", "primesync_membershipevent", "primesync_apitoken"}
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = %s)
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relkind = 'r' AND a.attname = 'team_id' AND c.relnamespace = 'public'::regnamespace
            """,
            [db_setup.TEAM_POLICY],
        )
        rows = {name: flags for name, *flags in cur.fetchall()}
    assert "leads_lead" in rows and "leads_leadevent" in rows
    unprotected = {name for name, flags in rows.items() if flags != [True, True, True]} - identity_tables
    assert unprotected == set()


def test_the_bypass_sees_every_team_and_is_logged(two_teams_of_leads):
    acme, _ = two_teams_of_leads
    with tenancy.bypass(reason="nightly sweep", user=acme.manager):
        assert Lead.objects.count() == 5
    assert Lead.objects.count() == 0  # scoping is back after the block
    entry = RlsBypass.objects.get()
    assert (entry.reason, entry.user) == ("nightly sweep", acme.manager)


def test_the_bypass_log_is_append_only(acme):
    with tenancy.bypass(reason="check", user=acme.manager):
        pass
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        RlsBypass.objects.update(reason="tampered")
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        RlsBypass.objects.all().delete()


def test_a_separate_app_connection_sees_only_its_team(committed):
    acme, globex = make_team("acme"), make_team("globex")
    LeadFactory.create_batch(4, team=acme.team)
    LeadFactory.create_batch(1, team=globex.team)
    with psycopg.connect(conninfo("default")) as conn:
        assert conn.execute("SELECT count(*) FROM leads_lead").fetchone()[0] == 0
        conn.execute("SELECT set_config('app.team_id', %s, true)", [str(globex.team.pk)])
        assert conn.execute("SELECT count(*) FROM leads_lead").fetchone()[0] == 1
        assert conn.execute("UPDATE leads_lead SET title = 'x' WHERE team_id = %s", [acme.team.pk]).rowcount == 0
        conn.commit()
        # The setting was transaction-local: the next transaction on this pooled connection sees nothing.
        assert conn.execute("SELECT count(*) FROM leads_lead").fetchone()[0] == 0
