"""API v1: /api/v1/deals/ and /api/v1/pipelines/."""

from deals.models import Deal
from primesync import tenancy
from tests.factories import DealFactory, LeadFactory

DEALS = "/api/v1/deals/"
DEAL_KEYS = {
    "id", "name", "amount", "currency", "stage", "pipeline", "owner", "lead", "company", "expected_close_date",
}


def make_deal(ts, owner, stage="Prospecting", **kwargs):
    return DealFactory(team=ts.team, pipeline=ts.pipeline, stage=ts.stage(stage), owner=owner, **kwargs)


def test_it_works(acme, api):
    deal = make_deal(acme, acme.rep)
    response = api(acme.rep).get(f"{DEALS}{deal.pk}/")
    assert response.status_code == 200
    assert DEAL_KEYS <= set(response.json())


def test_it_creates_a_deal_in_the_default_pipeline_first_stage(acme, api):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    response = api(acme.rep).post(DEALS, {"name": "Big one", "amount": "5000", "lead": lead.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["pipeline"], body["stage"], body["owner"]) == (acme.pipeline.pk, acme.stage("Prospecting").pk, acme.rep.pk)


def test_it_hides_other_teams(acme, globex, api):
    theirs = make_deal(globex, globex.rep)
    client = api(acme.manager)
    foreign, missing = client.get(f"{DEALS}{theirs.pk}/"), client.get(f"{DEALS}99999/")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    assert client.patch(f"{DEALS}{theirs.pk}/", {"name": "x"}, format="json").status_code == 404
    assert [p["id"] for p in client.get("/api/v1/pipelines/").json()["results"]] == [acme.pipeline.pk]


def test_it_validates_input(acme, globex, api):
    client = api(acme.manager)
    cases = [
        ({"name": "x", "amount": "lots"}, "amount"),
        ({"name": "x", "amount": "-5"}, "amount"),
        ({"name": "x", "currency": "DOLLARS"}, "currency"),
        ({"name": "x", "stage": globex.stage("Proposal").pk}, "stage"),
        ({"name": "x", "owner": globex.manager.pk}, "owner"),
        ({"name": "x", "expected_close_date": "next week"}, "expected_close_date"),
        ({"amount": "10"}, "name"),
    ]
    for payload, field in cases:
        response = client.post(DEALS, payload, format="json")
        assert response.status_code == 400, (payload, response.content)
        assert field in response.json(), (payload, response.json())


def test_moving_to_lost_needs_a_reason(acme, api):
    deal = make_deal(acme, acme.rep)
    client = api(acme.rep)
    lost = acme.stage("Lost").pk
    refused = client.patch(f"{DEALS}{deal.pk}/", {"stage": lost}, format="json")
    assert refused.status_code == 400 and "lost_reason" in refused.json()
    moved = client.patch(f"{DEALS}{deal.pk}/", {"stage": lost, "lost_reason": "Budget cut"}, format="json")
    assert moved.status_code == 200
    assert moved.json()["closed_at"] is not None and moved.json()["lost_reason"] == "Budget cut"


def test_a_rep_edits_only_their_own_deals(acme, api):
    theirs = make_deal(acme, acme.manager)
    assert api(acme.rep).patch(f"{DEALS}{theirs.pk}/", {"name": "mine now"}, format="json").status_code == 403
    assert api(acme.manager).patch(f"{DEALS}{theirs.pk}/", {"name": "renamed"}, format="json").status_code == 200


def test_a_manager_deletes_a_deal(acme, api):
    deal = make_deal(acme, acme.rep)
    assert api(acme.manager).delete(f"{DEALS}{deal.pk}/").status_code == 204
    with tenancy.use_team(acme.team):
        assert not Deal.objects.filter(pk=deal.pk).exists()


def test_it_lists_with_bounded_queries(acme, api, django_assert_max_num_queries):
    for _ in range(6):
        make_deal(acme, acme.rep, lead=LeadFactory(team=acme.team))
    client = api(acme.rep)
    with django_assert_max_num_queries(8):
        response = client.get(DEALS)
    assert len(response.json()["results"]) == 6


def test_deal_history_records_the_stage_move(acme, api):
    deal = make_deal(acme, acme.rep)
    client = api(acme.rep)
    client.patch(f"{DEALS}{deal.pk}/", {"stage": acme.stage("Proposal").pk}, format="json")
    rows = client.get(f"{DEALS}{deal.pk}/history/").json()
    move = next(r for r in rows if r["field"] == "stage" and r["action"] == "update")
    assert (move["from"], move["to"]) == (acme.stage("Prospecting").pk, acme.stage("Proposal").pk)


def test_pipelines_list_their_stages_in_order(acme, api):
    body = api(acme.rep).get("/api/v1/pipelines/").json()["results"][0]
    assert [s["name"] for s in body["stages"]] == ["Prospecting", "Qualification", "Proposal", "Negotiation", "Won", "Lost"]


def test_malformed_input_never_answers_500(acme, api):
    client = api(acme.manager)
    deal = make_deal(acme, acme.rep)
    bad_bodies = [
        {"name": ["a", "list"]}, {"name": None}, {"amount": "1e400"}, {"amount": "123456789012345.99"},
        {"stage": None}, {"stage": "abc"}, {"lead": -1}, {"expected_close_date": "2026-13-45"},
        {"currency": 12}, {"name": "x" * 5000},
    ]
    for body in bad_bodies:
        assert client.post(DEALS, body, format="json").status_code == 400, body
        assert client.patch(f"{DEALS}{deal.pk}/", body, format="json").status_code == 400, body
    raw = client.post(DEALS, "{not json", content_type="application/json")
    assert raw.status_code == 400
