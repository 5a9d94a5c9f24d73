"""Pages: /leads/, /leads/new/, /leads/<id>/, /companies/."""

import csv
import io

import pytest

from leads.models import Activity, EnrichmentRequest, ExportLog, Lead, SavedView
from primesync import tenancy
from tests.factories import ActivityFactory, CompanyFactory, LeadFactory


@pytest.fixture
def rep_client(client, acme):
    client.force_login(acme.rep)
    return client


@pytest.fixture
def manager_client(client, acme):
    client.force_login(acme.manager)
    return client


def test_it_works(rep_client, acme):
    LeadFactory(team=acme.team, first_name="Zelda", last_name="Fitzgerald")
    page = rep_client.get("/leads/")
    assert page.status_code == 200
    assert b"Zelda Fitzgerald" in page.content


def test_it_requires_login(client, acme):
    lead = LeadFactory(team=acme.team)
    for url in ["/leads/", "/leads/new/", f"/leads/{lead.pk}/", "/companies/", "/leads/export.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_it_hides_other_teams(rep_client, globex):
    lead = LeadFactory(team=globex.team, owner=globex.rep)
    company = CompanyFactory(team=globex.team)
    for url in [f"/leads/{lead.pk}/", f"/leads/{lead.pk}/field/title/", f"/leads/{lead.pk}/convert/",
                f"/companies/{company.pk}/", f"/companies/{company.pk}/field/name/"]:
        assert rep_client.get(url).status_code == 404, url
    assert rep_client.post(f"/leads/{lead.pk}/activities/", {"kind": "call", "subject": "x"}).status_code == 404
    assert rep_client.post(f"/leads/{lead.pk}/field/title/", {"title": "x"}).status_code == 404
    missing = rep_client.get("/leads/999999/")
    assert missing.status_code == 404


@pytest.mark.parametrize("query", ["", "?q=ana", "?status=new&owner=me&sort=name", "?quality=low&source=web"])
def test_the_list_has_bounded_queries(rep_client, acme, django_assert_max_num_queries, query):
    LeadFactory.create_batch(30, team=acme.team, owner=acme.rep, first_name="Ana")
    with django_assert_max_num_queries(10):
        assert rep_client.get(f"/leads/{query}").status_code == 200


def test_search_as_you_type_answers_the_results_fragment(rep_client, acme):
    LeadFactory(team=acme.team, first_name="Quentin", last_name="Blake")
    LeadFactory(team=acme.team, first_name="Other", last_name="Person")
    response = rep_client.get("/leads/?q=quen", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="lead-results")
    body = response.content.decode()
    assert "<html" not in body and "Quentin Blake" in body and "Other Person" not in body


def test_load_more_continues_the_list(rep_client, acme):
    LeadFactory.create_batch(55, team=acme.team)
    first = rep_client.get("/leads/")
    assert first.content.count(b'name="ids"') == 50
    next_url = first.context["next_url"]
    more = rep_client.get(f"/leads/{next_url}")
    assert more.content.count(b'name="ids"') == 5 and b"<html" not in more.content
    assert not more.context["next_url"]


def test_a_bad_cursor_starts_over(rep_client):
    response = rep_client.get("/leads/?after=garbage")
    assert response.status_code == 302


def test_user_text_is_escaped(rep_client, acme):
    LeadFactory(team=acme.team, first_name="<script>alert(1)</script>", title="<b>bold</b>")
    page = rep_client.get("/leads/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>bold</b>" not in page


# --- creating -----------------------------------------------------------------------------------


def test_a_rep_creates_a_lead_they_own(rep_client, acme):
    response = rep_client.post("/leads/new/", {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engine.io",
                                               "source": "web"})
    assert response.status_code == 302
    with tenancy.use_team(acme.team):
        lead = Lead.objects.get(email="ada@engine.io")
    assert lead.owner == acme.rep and response["Location"] == f"/leads/{lead.pk}/"


def test_bad_input_is_refused_at_the_field_and_kept(rep_client, acme):
    response = rep_client.post("/leads/new/", {"first_name": "Ada", "email": "not-an-email", "country": "USA",
                                               "source": "web"})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="not-an-email"' in body and 'value="Ada"' in body
    assert 'id="error-email"' in body and "Enter a valid email address." in body
    assert "at most 2 characters" in body
    with tenancy.use_team(acme.team):
        assert not Lead.objects.filter(first_name="Ada").exists()


def test_an_empty_lead_is_refused(rep_client):
    response = rep_client.post("/leads/new/", {"source": "web"})
    assert response.status_code == 422 and b"Give at least a name" in response.content


def test_inline_validation_answers_the_fields_error(rep_client):
    response = rep_client.post("/leads/new/validate/email/", {"email": "bad@", "source": "web"})
    assert response.content.decode() == "Enter a valid email address."
    ok = rep_client.post("/leads/new/validate/email/", {"email": "good@example.com", "source": "web"})
    assert ok.content == b""


def test_a_possible_duplicate_is_shown_before_saving(rep_client, acme):
    existing = LeadFactory(team=acme.team, email="jane@initech.io", first_name="Jane")
    data = {"first_name": "Janet", "email": "Jane@Initech.io", "source": "web"}
    warned = rep_client.post("/leads/new/", data)
    assert warned.status_code == 422
    assert f'href="/leads/{existing.pk}/"' in warned.content.decode() and b"same email" in warned.content
    with tenancy.use_team(acme.team):
        assert Lead.objects.filter(email="jane@initech.io").count() == 1
    created = rep_client.post("/leads/new/", {**data, "confirm_duplicate": "on"})
    assert created.status_code == 302
    with tenancy.use_team(acme.team):
        assert Lead.objects.filter(email="jane@initech.io").count() == 2


def test_the_duplicate_warning_fragment(rep_client, acme):
    existing = LeadFactory(team=acme.team, phone="+1 415 555 0101")
    response = rep_client.get("/leads/duplicates/", {"phone": "(415) 555-0101"})
    assert f'/leads/{existing.pk}/' in response.content.decode() and b"same phone" in response.content


# --- one lead -----------------------------------------------------------------------------------


def test_the_lead_page_shows_the_timeline_with_bounded_queries(rep_client, acme, django_assert_max_num_queries):
    lead = LeadFactory(team=acme.team, owner=acme.rep, title="Analyst")
    ActivityFactory.create_batch(5, team=acme.team, lead=lead, created_by=acme.rep, subject="Discovery call")
    rep_client.post(f"/leads/{lead.pk}/field/title/", {"title": "Director"})
    rep_client.post(f"/leads/{lead.pk}/field/status/", {"status": "working"})
    # lead (+SLA), activities, history, users, enrichment, routing decision, deals, enrolments, sent emails,
    # sequences to offer, and the per-request ones
    with django_assert_max_num_queries(16):
        page = rep_client.get(f"/leads/{lead.pk}/")
    body = page.content.decode()
    assert body.count("Discovery call") == 5
    assert "<del>Analyst</del> → <ins>Director</ins>" in body
    assert "<del>New</del> → <ins>Working</ins>" in body  # choice labels, not codes
    assert "in the app" in body and acme.rep.display_name in body


def test_edit_in_place(rep_client, acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep, title="Analyst")
    form = rep_client.get(f"/leads/{lead.pk}/field/title/?edit=1")
    assert b'<form hx-post="/leads/' in form.content and b'value="Analyst"' in form.content
    saved = rep_client.post(f"/leads/{lead.pk}/field/title/", {"title": "VP Sales"}, HTTP_HX_REQUEST="true")
    body = saved.content.decode()
    assert saved.status_code == 200 and "VP Sales" in body and 'id="lead-header" hx-swap-oob="true"' in body
    refused = rep_client.post(f"/leads/{lead.pk}/field/email/", {"email": "no"})
    assert refused.status_code == 422 and b'value="no"' in refused.content
    assert rep_client.post(f"/leads/{lead.pk}/field/team/", {"team": 1}).status_code == 404


def test_a_rep_cannot_edit_someone_elses_lead_or_its_owner(rep_client, acme):
    theirs = LeadFactory(team=acme.team, owner=acme.manager)
    mine = LeadFactory(team=acme.team, owner=acme.rep)
    assert rep_client.post(f"/leads/{theirs.pk}/field/title/", {"title": "x"}).status_code == 403
    assert rep_client.post(f"/leads/{mine.pk}/field/owner/", {"owner": acme.manager.pk}).status_code == 403
    assert b"Edit title" not in rep_client.get(f"/leads/{theirs.pk}/").content


def test_a_manager_reassigns_a_lead(manager_client, acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    response = manager_client.post(f"/leads/{lead.pk}/field/owner/", {"owner": acme.manager.pk})
    assert response.status_code == 200
    with tenancy.use_team(acme.team):
        assert Lead.objects.get(pk=lead.pk).owner == acme.manager


def test_logging_activities(rep_client, acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    ok = rep_client.post(f"/leads/{lead.pk}/activities/", {"kind": "call", "subject": "Intro", "body": "Went well"},
                         HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and b"Went well" in ok.content
    no_due = rep_client.post(f"/leads/{lead.pk}/activities/", {"kind": "task", "subject": "Follow up"})
    assert no_due.status_code == 422 and b"A task needs a due date" in no_due.content
    task = rep_client.post(f"/leads/{lead.pk}/activities/",
                           {"kind": "task", "subject": "Follow up", "due_at": "2030-01-02T10:00"})
    assert task.status_code == 302
    with tenancy.use_team(acme.team):
        kinds = sorted(Activity.objects.filter(lead=lead).values_list("kind", flat=True))
        done = Activity.objects.get(lead=lead, kind="task")
    assert kinds == ["call", "task"]
    assert rep_client.post(f"/activities/{done.pk}/complete/", HTTP_HX_REQUEST="true").status_code == 200
    with tenancy.use_team(acme.team):
        assert Activity.objects.get(pk=done.pk).completed_at is not None


def test_reenrich_records_a_request_once(rep_client, acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    rep_client.post(f"/leads/{lead.pk}/enrich/")
    rep_client.post(f"/leads/{lead.pk}/enrich/")
    with tenancy.use_team(acme.team):
        assert EnrichmentRequest.objects.filter(lead=lead).count() == 1
    assert b"Enrichment requested" in rep_client.get(f"/leads/{lead.pk}/enrichment/").content


# --- bulk actions, views, export -----------------------------------------------------------------


def test_bulk_status_change(rep_client, acme):
    leads = LeadFactory.create_batch(3, team=acme.team, owner=acme.rep, status="new")
    response = rep_client.post("/leads/bulk/", {"action": "status", "status": "working",
                                                "ids": [lead.pk for lead in leads], "back": "owner=me"})
    assert response.status_code == 302 and response["Location"] == "/leads/?owner=me"
    with tenancy.use_team(acme.team):
        assert set(Lead.objects.values_list("status", flat=True)) == {"working"}


def test_bulk_assign_is_refused_to_reps_with_a_message(rep_client, acme):
    lead = LeadFactory(team=acme.team, owner=None)
    response = rep_client.post("/leads/bulk/", {"action": "assign", "owner": acme.rep.pk, "ids": [lead.pk]}, follow=True)
    assert b"Only managers can assign leads." in response.content


def test_bulk_ids_of_another_team_are_ignored(manager_client, acme, globex):
    theirs = LeadFactory(team=globex.team, status="new")
    manager_client.post("/leads/bulk/", {"action": "status", "status": "working", "ids": [theirs.pk]})
    with tenancy.use_team(globex.team):
        assert Lead.objects.get(pk=theirs.pk).status == "new"


def test_bulk_reenrich(manager_client, acme):
    leads = LeadFactory.create_batch(4, team=acme.team)
    response = manager_client.post("/leads/bulk/", {"action": "enrich", "ids": [lead.pk for lead in leads]},
                                   follow=True)
    assert b"Enrichment requested for 4 leads." in response.content
    with tenancy.use_team(acme.team):
        assert EnrichmentRequest.objects.filter(batch__isnull=False).values("batch").distinct().count() == 1


def test_export_is_safe_in_a_spreadsheet_and_recorded(rep_client, acme):
    LeadFactory(team=acme.team, first_name="=HYPERLINK(\"http://evil\")", last_name="@SUM(A1)", title="-2+3")
    response = rep_client.get("/leads/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["ID", "First name", "Last name"]
    assert rows[1][1].startswith("'=") and rows[1][2] == "'@SUM(A1)" and rows[1][5] == "'-2+3"
    with tenancy.use_team(acme.team):
        assert ExportLog.objects.get().user == acme.rep


def test_saved_views(rep_client, acme):
    rep_client.post("/leads/views/", {"name": "My hot leads", "query": "status=qualified&owner=me"})
    with tenancy.use_team(acme.team):
        view = SavedView.objects.get(user=acme.rep)
    page = rep_client.get("/leads/").content.decode()
    assert "My hot leads" in page and "status=qualified&amp;owner=me" in page
    assert "My open leads" in page and "Unassigned" in page and "Low quality" in page
    rep_client.post(f"/leads/views/{view.pk}/delete/")
    with tenancy.use_team(acme.team):
        assert not SavedView.objects.exists()


# --- companies ----------------------------------------------------------------------------------


def test_companies_list_and_detail(rep_client, acme, django_assert_max_num_queries):
    company = CompanyFactory(team=acme.team, name="Initech")
    LeadFactory.create_batch(3, team=acme.team, company=company)
    with django_assert_max_num_queries(8):
        assert b"Initech" in rep_client.get("/companies/?q=init").content
    with django_assert_max_num_queries(10):
        page = rep_client.get(f"/companies/{company.pk}/")
    assert page.status_code == 200 and page.content.count(b"/leads/") >= 3


def test_anyone_in_the_team_edits_a_company(rep_client, acme):
    company = CompanyFactory(team=acme.team, name="Initech")
    assert rep_client.post(f"/companies/{company.pk}/field/industry/", {"industry": "Fintech"}).status_code == 200
    created = rep_client.post("/companies/new/", {"name": "Hooli", "domain": "hooli.com"})
    assert created.status_code == 302
    duplicate = rep_client.post("/companies/new/", {"name": "Hooli 2", "domain": "HOOLI.com"})
    assert duplicate.status_code == 422 and b"already exists" in duplicate.content


# the export streams through a server-side cursor in its own scoped savepoint: a constant number of queries
@pytest.mark.parametrize(("url", "limit"), [("/leads/new/", 10), ("/companies/new/", 10), ("/my-day/", 10),
                                            ("/leads/export.csv", 12)])
def test_every_other_page_has_bounded_queries(rep_client, acme, django_assert_max_num_queries, url, limit):
    LeadFactory.create_batch(5, team=acme.team, owner=acme.rep)
    with django_assert_max_num_queries(limit):
        response = rep_client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200


def test_the_convert_page_has_bounded_queries(rep_client, acme, django_assert_max_num_queries):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    with django_assert_max_num_queries(10):
        assert rep_client.get(f"/leads/{lead.pk}/convert/").status_code == 200
