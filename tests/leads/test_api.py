"""API v1: /api/v1/leads/ and /api/v1/companies/."""

import pytest

from leads.models import Lead
from primesync import tenancy
from tests.factories import CompanyFactory, LeadFactory

LEADS = "/api/v1/leads/"
COMPANIES = "/api/v1/companies/"
LEAD_KEYS = {
    "id", "first_name", "last_name", "email", "phone", "title", "company", "owner", "status",
    "quality_score", "created_at", "updated_at",
}


def test_it_works(acme, api):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    response = api(acme.rep).get(f"{LEADS}{lead.pk}/")
    assert response.status_code == 200
    assert LEAD_KEYS <= set(response.json())
    assert response.json()["email"] == lead.email


def test_it_requires_login(acme):
    from rest_framework.test import APIClient

    assert APIClient().get(LEADS).status_code in (401, 403)


def test_it_hides_other_teams(acme, globex, api):
    theirs = LeadFactory(team=globex.team, owner=globex.rep)
    client = api(acme.manager)
    missing = client.get(f"{LEADS}999999/")
    foreign = client.get(f"{LEADS}{theirs.pk}/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert client.patch(f"{LEADS}{theirs.pk}/", {"title": "x"}, format="json").status_code == 404
    assert client.delete(f"{LEADS}{theirs.pk}/").status_code == 404
    assert client.get(f"{LEADS}{theirs.pk}/history/").status_code == 404
    assert theirs.pk not in [row["id"] for row in client.get(LEADS).json()["results"]]


def test_it_lists_in_keyset_pages_with_bounded_queries(acme, api, django_assert_max_num_queries):
    LeadFactory.create_batch(7, team=acme.team, owner=acme.rep)
    client = api(acme.rep)
    seen = []
    url = f"{LEADS}?page_size=3"
    while url:
        with django_assert_max_num_queries(8):
            page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == 7 and seen == sorted(seen, reverse=True)


def test_a_rep_creates_a_lead_they_own(acme, api):
    response = api(acme.rep).post(LEADS, {"first_name": "Ada", "email": "ADA@Example.com"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == acme.rep.pk
    assert response.json()["email"] == "ada@example.com"


def test_it_validates_input(acme, globex, api):
    client = api(acme.manager)
    foreign_company = CompanyFactory(team=globex.team)
    cases = [
        ({"first_name": "A", "email": "not-an-email"}, "email"),
        ({"first_name": "A" * 101}, "first_name"),
        ({"first_name": "A", "status": "sleeping"}, "status"),
        ({"first_name": "A", "owner": globex.rep.pk}, "owner"),
        ({"first_name": "A", "company": foreign_company.pk}, "company"),
        ({"title": "Lonely"}, "non_field_errors"),
    ]
    for payload, field in cases:
        response = client.post(LEADS, payload, format="json")
        assert response.status_code == 400, (payload, response.content)
        assert field in response.json(), (payload, response.json())


def test_a_rep_edits_only_their_own_leads(acme, api):
    mine = LeadFactory(team=acme.team, owner=acme.rep)
    theirs = LeadFactory(team=acme.team, owner=acme.manager)
    client = api(acme.rep)
    assert client.patch(f"{LEADS}{mine.pk}/", {"title": "CEO"}, format="json").status_code == 200
    assert client.patch(f"{LEADS}{theirs.pk}/", {"title": "CEO"}, format="json").status_code == 403
    assert client.delete(f"{LEADS}{theirs.pk}/").status_code == 403
    assert client.get(f"{LEADS}{theirs.pk}/").status_code == 200  # reps see the whole team


def test_a_rep_cannot_hand_a_lead_to_someone_else(acme, api):
    mine = LeadFactory(team=acme.team, owner=acme.rep)
    response = api(acme.rep).patch(f"{LEADS}{mine.pk}/", {"owner": acme.manager.pk}, format="json")
    assert response.status_code == 403


def test_a_manager_edits_and_deletes_any_lead_of_the_team(acme, api):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    client = api(acme.manager)
    assert client.patch(f"{LEADS}{lead.pk}/", {"owner": acme.manager.pk}, format="json").status_code == 200
    assert client.delete(f"{LEADS}{lead.pk}/").status_code == 204
    with tenancy.use_team(acme.team):
        assert not Lead.objects.filter(pk=lead.pk).exists()


def test_history_shows_who_changed_what_through_the_api(acme, api):
    lead = LeadFactory(team=acme.team, owner=acme.rep, title="Analyst")
    client = api(acme.rep)
    client.patch(f"{LEADS}{lead.pk}/", {"title": "Director"}, format="json", HTTP_X_REQUEST_ID="corr-42")
    rows = client.get(f"{LEADS}{lead.pk}/history/").json()
    change = next(r for r in rows if r["field"] == "title" and r["action"] == "update")
    assert change["from"] == "Analyst" and change["to"] == "Director"
    assert change["source"] == "api" and change["correlation_id"] == "corr-42"
    assert change["user"]["email"] == acme.rep.email
    assert {"at", "user", "source", "field", "from", "to"} <= set(change)


@pytest.mark.parametrize("method", ["patch", "put"])
def test_it_only_allows_patch_for_updates(acme, api, method):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    status = getattr(api(acme.rep), method)(f"{LEADS}{lead.pk}/", {"title": "X"}, format="json").status_code
    assert status == (200 if method == "patch" else 405)


def test_companies_work_and_hide_other_teams(acme, globex, api):
    client = api(acme.rep)
    created = client.post(COMPANIES, {"name": "Initech", "domain": "https://www.Initech.com/about"}, format="json")
    assert created.status_code == 201 and created.json()["domain"] == "initech.com"
    duplicate = client.post(COMPANIES, {"name": "Initech 2", "domain": "initech.com"}, format="json")
    assert duplicate.status_code == 400
    theirs = CompanyFactory(team=globex.team)
    assert client.get(f"{COMPANIES}{theirs.pk}/").status_code == 404
    assert client.delete(f"{COMPANIES}{created.json()['id']}/").status_code == 403  # reps don't delete
    assert api(acme.manager).delete(f"{COMPANIES}{created.json()['id']}/").status_code == 204
