"""Erasure on request: ``manage.py erase_person`` (leads/erasure.py), against the real database and its triggers."""

from __future__ import annotations

import io
import json

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction

from dashboards.models import Notification
from deals.models import Deal
from enrichment.models import EnrichmentCall, EnrichmentObservation, LeadEnrichment
from leads import duplicates
from leads.merge import lead_merge, merge_undo
from leads.models import (
    Activity,
    Enrollment,
    ExportLog,
    ImportFile,
    ImportRowError,
    Lead,
    LeadEvent,
    LeadImport,
    LeadMerge,
    PersonErasure,
    SentEmail,
    Sequence,
    SequenceStep,
)
from leads.models.erasure import EMAIL_MARKER
from leads.services import lead_update
from primesync import tenancy
from primesync.history import history_for
from primesync.models import IdempotencyKey, RlsBypass
from tests.conftest import conninfo, make_team
from tests.factories import ActivityFactory, DealFactory, LeadFactory, UserFactory

EMAIL = "zephyrine.quaxworth@example.org"
OLD_EMAIL = "zq.old@example.net"
PHONE = "+1 (415) 555-0199"
PHONE_E164 = "+14155550199"
PHONE_AS_TYPED = "415.555.0199"  # the same number, written another way in a note
LINKEDIN = "https://www.linkedin.com/in/zquaxworth"
FIRST, LAST = "Zephyrine", "Quaxworth"
ORIGINALS = [EMAIL, OLD_EMAIL, PHONE, PHONE_E164, PHONE_AS_TYPED, LINKEDIN, FIRST, LAST]


def seed_person(ts, rep):
    """A lead with the person's data in every store the product has, and a history of changes."""
    lead = LeadFactory(team=ts.team, owner=rep, first_name=FIRST, last_name=LAST, email=OLD_EMAIL, phone=PHONE)
    with tenancy.use_team(ts.team):
        Lead.objects.filter(pk=lead.pk).update(email=EMAIL)
        Lead.objects.filter(pk=lead.pk).update(status="working")
        ActivityFactory(team=ts.team, lead=lead, created_by=rep, subject=f"Call with {FIRST}",
                        body=f"{FIRST} wants the deck at {EMAIL}, or call {PHONE} ({PHONE_AS_TYPED} after 5).")
        DealFactory(team=ts.team, pipeline=ts.pipeline, stage=ts.pipeline.stages.first(), lead=lead, owner=rep,
                    name=f"{LAST} expansion")
        call = EnrichmentCall.objects.create(team=ts.team, vendor="linkedin", operation="profile", request_key="k" * 64,
                                             outcome="ok", response=json.dumps({"email": EMAIL, "url": LINKEDIN}))
        EnrichmentObservation.objects.create(team=ts.team, lead=lead, field="linkedin_url", value=LINKEDIN,
                                             source="linkedin", confidence=0.9, call=call)
        EnrichmentObservation.objects.create(team=ts.team, lead=lead, field="phone", value=PHONE_E164,
                                             source="local", confidence=1.0)
        LeadEnrichment.objects.create(team=ts.team, lead=lead, linkedin_url=LINKEDIN, phone_e164=PHONE_E164,
                                      chosen={"linkedin_url": {"value": LINKEDIN, "source": "linkedin"}})
        sequence = Sequence.objects.create(team=ts.team, name="Outreach")
        step = SequenceStep.objects.create(team=ts.team, sequence=sequence, order=1, subject="Hi {first_name}",
                                           body="Hello")
        enrollment = Enrollment.objects.create(team=ts.team, sequence=sequence, lead=lead)
        SentEmail.objects.create(team=ts.team, enrollment=enrollment, step=step, lead=lead, to_email=EMAIL,
                                 subject=f"Hi {FIRST}")
        twin = LeadFactory(team=ts.team, first_name=FIRST, last_name=LAST, email=EMAIL)
        LeadMerge.objects.create(team=ts.team, survivor=lead, merged_lead=twin, merged_name=f"{FIRST} {LAST}",
                                 survivor_before={"fields": {"email": EMAIL}}, survivor_after={"fields": {}},
                                 merged_row={"fields": {"first_name": FIRST, "last_name": LAST, "phone": PHONE}})
        upload = ImportFile.objects.create(team=ts.team, name="leads.csv", sha256="0" * 64, size=60,
                                           content=f"first,last,email\n{FIRST},{LAST},{EMAIL}\n".encode())
        job = LeadImport.objects.create(team=ts.team, file=upload, file_sha256="0" * 64, file_name="leads.csv")
        ImportRowError.objects.create(team=ts.team, lead_import=job, line=2, reason="duplicate",
                                      values=[FIRST, LAST, EMAIL.upper()])
        Notification.objects.create(team=ts.team, user=rep, kind="lead", title=f"New lead: {FIRST} {LAST}",
                                    url=f"/leads/{lead.pk}/")
        ExportLog.objects.create(team=ts.team, user=rep, what=f"leads matching {EMAIL}", rows=1)
        IdempotencyKey.objects.create(team=ts.team, user=rep, key="k1", request_hash="0" * 64, response_status=201,
                                      response_body={"id": lead.pk, "email": EMAIL, "first_name": FIRST})
        Lead.objects.filter(pk=twin.pk).delete()
    return lead


@pytest.fixture
def world(committed):
    acme, globex = make_team("acme"), make_team("globex")
    admin = UserFactory(email="platform@primesync.test", is_superuser=True, is_staff=True)
    lead = seed_person(acme, acme.rep)
    other = LeadFactory(team=globex.team, first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE)
    return {"acme": acme, "globex": globex, "admin": admin, "lead": lead, "other": other}


def erase(world, **options) -> str:
    out = io.StringIO()
    options = {"lead": world["lead"].pk, "reason": f"DSR-42, request from {EMAIL}", "by": world["admin"].email,
               **options}
    call_command("erase_person", stdout=out, **options)
    return out.getvalue()


def occurrences(value: str, *, except_team: int) -> list[str]:
    """Every table.column where ``value`` is still found, in any text, JSON, array or binary column of any table.

    Read from the catalog, so a table added later is searched too; through the BYPASSRLS role, so every row.
    """
    found = []
    with psycopg.connect(conninfo("owner")) as conn:
        conn.execute(f'SET ROLE "{settings.DB_BYPASS_ROLE}"')
        columns = conn.execute(
            """SELECT c.table_name, c.column_name, c.data_type,
                      EXISTS (SELECT 1 FROM information_schema.columns t WHERE t.table_schema = 'public'
                              AND t.table_name = c.table_name AND t.column_name = 'team_id')
               FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
               WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                 AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea')"""
        ).fetchall()
        assert len(columns) > 100  # the catalog really was read
        for table, column, data_type, has_team in columns:
            text = {"ARRAY": f'array_to_string("{column}", \' \')', "bytea": f"encode(\"{column}\", 'escape')"}.get(
                data_type, f'"{column}"::text')
            where = f"{text} ILIKE '%%' || %s || '%%'"
            if has_team:
                where += " AND team_id IS DISTINCT FROM %s"
            params = [value, except_team] if has_team else [value]
            if conn.execute(f'SELECT 1 FROM "{table}" WHERE {where} LIMIT 1', params).fetchone():
                found.append(f"{table}.{column}")
    return found


def in_team(ts, query):
    with tenancy.use_team(ts.team):
        return query()


def test_no_row_of_any_table_keeps_the_persons_data(world):
    acme, globex = world["acme"], world["globex"]
    before = {value: occurrences(value, except_team=globex.team.pk) for value in ORIGINALS}
    assert all(before.values()), before  # each value really was stored somewhere to begin with

    erase(world)

    after = {value: occurrences(value, except_team=globex.team.pk) for value in ORIGINALS}
    assert after == {value: [] for value in ORIGINALS}
    lead = in_team(acme, lambda: Lead.objects.get(pk=world["lead"].pk))
    assert (lead.first_name, lead.last_name, lead.email, lead.phone) == ("erased", "erased", EMAIL_MARKER, "erased")
    assert (lead.key_email, lead.title, lead.company_name) == (EMAIL_MARKER, "VP Sales", "Prospect Inc")


def test_the_erased_lead_stays_editable_and_is_nobodys_duplicate(world):
    acme = world["acme"]
    erase(world)
    second = LeadFactory(team=acme.team, first_name="Oswin", last_name="Pellegrew", email="op@prospect.example",
                         company_name="Prospect Inc")
    call_command("erase_person", lead=second.pk, reason="DSR-43", by=world["admin"].email, stdout=io.StringIO())
    with tenancy.use_team(acme.team):
        lead = Lead.objects.get(pk=world["lead"].pk)
        lead_update(lead=lead, by=acme.manager, status="qualified")  # validates the whole row
        assert Lead.objects.get(pk=lead.pk).status == "qualified"
        # two erased leads share every marker, at the same company: still not one person
        assert Lead.objects.filter(key_email=EMAIL_MARKER, key_company=lead.key_company).count() == 2
        assert duplicates.scan(team_id=acme.team.pk, lead_ids=[lead.pk, second.pk]).pairs == 0


def test_the_lead_keeps_its_deals_activities_and_history(world):
    acme, lead = world["acme"], world["lead"]
    events_before = in_team(acme, lambda: LeadEvent.objects.filter(pgh_obj_id=lead.pk).count())

    erase(world)

    def check():
        deal = Deal.objects.get(lead=lead)
        assert (deal.name, deal.amount) == ("erased expansion", 12000)
        activity = Activity.objects.get(lead=lead)
        assert activity.subject == "Call with erased" and activity.body == "erased wants the deck at erased, or call erased (erased after 5)."
        events = list(LeadEvent.objects.filter(pgh_obj_id=lead.pk).order_by("pgh_id"))
        assert len(events) == events_before + 1  # every event kept, one more: the erasure itself
        assert {(e.email, e.first_name, e.phone) for e in events} == {(EMAIL_MARKER, "erased", "erased")}
        assert events[-1].pgh_context["source"] == "command" and events[-1].pgh_context["user"] == world["admin"].pk
        changes = [(row["field"], row["from"], row["to"]) for row in history_for(Lead.objects.get(pk=lead.pk))]
        assert ("status", "new", "working") in changes
        assert Lead.objects.get(pk=lead.pk).status == "working"
    in_team(acme, check)


def test_the_erasure_is_audited_and_its_record_is_append_only(world):
    output = erase(world)

    record = in_team(world["acme"], PersonErasure.objects.get)
    assert (record.lead_id, record.erased_by, record.reason) == (world["lead"].pk, world["admin"], "DSR-42, request from erased")
    assert record.rows_changed > 10 and record.values_searched >= 7
    assert {"leads_lead", "leads_leadevent", "leads_activity", "enrichment_enrichmentcall"} <= set(record.changes)
    assert f"Erasure #{record.pk} of lead #{world['lead'].pk}" in output
    assert RlsBypass.objects.filter(user=world["admin"], correlation_id=record.correlation_id).exists()
    owner = connections["owner"]
    with owner.cursor() as cur:
        cur.execute("SELECT set_config('app.team_id', %s, false)", [str(world["acme"].team.pk)])
        try:
            # the trail the erasure rewrote, and the erasure's own record, are protected again
            for statement in ("UPDATE leads_leadevent SET title = 'x'", "UPDATE leads_personerasure SET reason = 'x'",
                              "DELETE FROM leads_personerasure"):
                with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic(using="owner"):
                    cur.execute(statement)
        finally:
            cur.execute("RESET app.team_id")


def test_a_second_run_changes_nothing_and_is_recorded(world):
    erase(world)
    events = in_team(world["acme"], LeadEvent.objects.count)

    erase(world)

    records = in_team(world["acme"], lambda: list(PersonErasure.objects.order_by("id")))
    assert len(records) == 2 and (records[1].rows_changed, records[1].changes) == (0, {})
    assert in_team(world["acme"], LeadEvent.objects.count) == events


def test_it_also_erases_another_address_given(world):
    acme = world["acme"]
    in_team(acme, lambda: ActivityFactory(team=acme.team, lead=world["lead"], subject="Reply",
                                          body="From private.zq@mailbox.example"))
    erase(world, email=["private.zq@mailbox.example"])
    assert occurrences("private.zq@mailbox.example", except_team=world["globex"].team.pk) == []


def test_another_teams_lead_is_untouched(world):
    globex, other = world["globex"], world["other"]
    events_before = in_team(globex, lambda: list(LeadEvent.objects.values_list("pgh_id", "email", "first_name")))

    erase(world)

    lead = in_team(globex, lambda: Lead.objects.get(pk=other.pk))
    assert (lead.first_name, lead.last_name, lead.email, lead.phone) == (FIRST, LAST, EMAIL, PHONE)
    assert in_team(globex, lambda: list(LeadEvent.objects.values_list("pgh_id", "email", "first_name"))) == events_before


def test_it_refuses_without_a_reason_or_a_platform_admin(world):
    with pytest.raises(CommandError, match="--reason"):
        call_command("erase_person", lead=world["lead"].pk, by=world["admin"].email)
    with pytest.raises(CommandError, match="audited"):
        erase(world, reason="   ")
    with pytest.raises(CommandError, match="not an active platform admin"):
        erase(world, by=world["acme"].manager.email)
    with pytest.raises(CommandError, match="No lead #987654"):
        erase(world, lead=987654)
    assert in_team(world["acme"], PersonErasure.objects.count) == 0
    lead = in_team(world["acme"], lambda: Lead.objects.get(pk=world["lead"].pk))
    assert lead.email == EMAIL


def test_a_failure_half_way_changes_nothing(world):
    """One transaction: here the erasure's own record cannot be written (its table is locked), after all the rest."""
    acme = world["acme"]
    with psycopg.connect(conninfo("owner")) as blocker:
        blocker.execute("LOCK TABLE leads_personerasure IN ACCESS EXCLUSIVE MODE")
        owner = connections["owner"]
        with owner.cursor() as cur:
            cur.execute("SET lock_timeout = '500ms'")
        try:
            with pytest.raises(DatabaseError, match="lock timeout"):
                erase(world)
        finally:
            with owner.cursor() as cur:
                cur.execute("RESET lock_timeout")
    assert in_team(acme, lambda: Lead.objects.get(pk=world["lead"].pk)).email == EMAIL
    assert in_team(acme, lambda: LeadEvent.objects.filter(email=EMAIL).exists())
    assert not RlsBypass.objects.filter(user=world["admin"]).exists()


def test_platform_admins_read_the_erasures_in_django_admin_and_cannot_change_them(world, client):
    erase(world)
    client.force_login(world["admin"])
    page = client.get("/admin/leads/personerasure/")
    assert page.status_code == 200 and "DSR-42, request from erased" in page.content.decode()
    assert EMAIL not in page.content.decode()
    for query in (str(world["lead"].pk), "not-a-number"):
        assert client.get("/admin/leads/personerasure/", {"q": query}).status_code == 200
    assert client.get("/admin/leads/personerasure/add/").status_code == 403


def test_a_merged_lead_is_erased_with_its_survivor_and_the_merge_can_still_be_undone(committed):
    """The merge record and the audit trail are erased alike: undo cross-checks them and still restores."""
    acme = make_team("acme")
    admin = UserFactory(email="platform@primesync.test", is_superuser=True)
    survivor = LeadFactory(team=acme.team, first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE)
    merged = LeadFactory(team=acme.team, first_name=FIRST, last_name="Quax-Worth Jr", email=OLD_EMAIL, phone="",
                         title="CTO")
    with tenancy.use_team(acme.team):
        ActivityFactory(team=acme.team, lead=merged, subject=f"Met {FIRST}")
        record = lead_merge(survivor=survivor, merged=merged, by=acme.manager)
    call_command("erase_person", lead=survivor.pk, reason="DSR-7", by=admin.email, stdout=io.StringIO())
    for value in (*ORIGINALS, "Quax-Worth Jr"):
        assert occurrences(value, except_team=0) == [], value

    with tenancy.use_team(acme.team):
        undone = merge_undo(merge=LeadMerge.objects.get(pk=record.pk), by=acme.manager)
        restored = Lead.objects.get(pk=merged.pk)
        assert undone.moved_back == 1 and Activity.objects.get(lead=restored).subject == "Met erased"
    assert (restored.first_name, restored.last_name, restored.email, restored.title) == ("erased", "erased",
                                                                                         EMAIL_MARKER, "CTO")
