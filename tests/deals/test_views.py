"""Pages: /pipeline/ (board, lazy columns, moves), /deals/<id>/, converting a lead."""

import pytest

from deals.models import Deal
from leads.models import Lead
from primesync import tenancy
from tests.factories import DealFactory, LeadFactory


@pytest.fixture
def rep_client(client, acme):
    client.force_login(acme.rep)
    return client


def deal_in(ts, stage="Prospecting", owner=None, **kwargs):
    return DealFactory(team=ts.team, pipeline=ts.pipeline, stage=ts.stage(stage), owner=owner or ts.rep, **kwargs)


def test_it_works(rep_client, acme):
    page = rep_client.get("/pipeline/")
    body = page.content.decode()
    assert page.status_code == 200
    for name in ["Prospecting", "Qualification", "Proposal", "Negotiation", "Won", "Lost"]:
        stage = acme.stage(name)
        assert f'data-stage-id="{stage.pk}"' in body and f"/pipeline/columns/{stage.pk}/" in body


def test_it_requires_login(client, acme):
    deal = deal_in(acme)
    for url in ["/pipeline/", f"/pipeline/columns/{acme.stage('Won').pk}/", f"/deals/{deal.pk}/"]:
        assert client.get(url).status_code == 302, url


def test_it_hides_other_teams(rep_client, globex):
    theirs = deal_in(globex, owner=globex.rep)
    assert rep_client.get(f"/deals/{theirs.pk}/").status_code == 404
    assert rep_client.get(f"/pipeline/columns/{globex.stage('Won').pk}/").status_code == 404
    assert rep_client.post(f"/deals/{theirs.pk}/move/", {"stage": globex.stage("Won").pk}).status_code == 404
    assert rep_client.post(f"/deals/{theirs.pk}/field/name/", {"name": "x"}).status_code == 404


def test_the_board_page_loads_no_cards_itself(rep_client, acme, django_assert_max_num_queries):
    for _ in range(30):
        deal_in(acme)
    with django_assert_max_num_queries(9):
        page = rep_client.get("/pipeline/")
    assert b"deal-card-" not in page.content  # columns load lazily


def test_a_column_has_its_total_and_a_page_of_cards(rep_client, acme, django_assert_max_num_queries):
    deals = [deal_in(acme, amount=1000 * (i + 1)) for i in range(30)]
    deal_in(acme, stage="Won")
    url = f"/pipeline/columns/{acme.stage('Prospecting').pk}/"
    with django_assert_max_num_queries(9):
        column = rep_client.get(url)
    body = column.content.decode()
    assert body.count('class="deal-card"') == 25
    assert f'id="deal-card-{deals[-1].pk}"' in body  # newest first
    assert "<span data-count>30</span>" in body and "465,000" in body
    more = rep_client.get(f"{url}?after={column.context['page'].next_cursor}")
    assert more.content.decode().count('class="deal-card"') == 5


def test_filters_narrow_the_columns(rep_client, acme):
    deal_in(acme, owner=acme.rep, amount=500)
    deal_in(acme, owner=acme.manager, amount=50_000)
    url = f"/pipeline/columns/{acme.stage('Prospecting').pk}/"
    assert "<span data-count>1</span>" in rep_client.get(url, {"owner": "me"}).content.decode()
    assert "<span data-count>1</span>" in rep_client.get(url, {"amount_min": "10000"}).content.decode()
    assert "<span data-count>2</span>" in rep_client.get(url, {"amount_min": "not a number"}).content.decode()


def test_moving_a_card_answers_the_card_and_both_column_heads(rep_client, acme):
    deal = deal_in(acme, amount=7000)
    response = rep_client.post(f"/deals/{deal.pk}/move/", {"stage": acme.stage("Proposal").pk}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="deal-card-{deal.pk}"' in body
    for stage in ("Prospecting", "Proposal"):
        assert f'id="stage-head-{acme.stage(stage).pk}" hx-swap-oob="true"' in body
    with tenancy.use_team(acme.team):
        assert Deal.objects.get(pk=deal.pk).stage.name == "Proposal"


def test_moving_to_lost_needs_a_reason(rep_client, acme):
    deal = deal_in(acme)
    lost = acme.stage("Lost").pk
    refused = rep_client.post(f"/deals/{deal.pk}/move/", {"stage": lost}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and b"Say why the deal was lost." in refused.content
    ok = rep_client.post(f"/deals/{deal.pk}/move/", {"stage": lost, "lost_reason": "Competitor"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200


def test_a_rep_cannot_move_someone_elses_deal(rep_client, acme):
    deal = deal_in(acme, owner=acme.manager)
    assert rep_client.post(f"/deals/{deal.pk}/move/", {"stage": acme.stage("Won").pk}).status_code == 403
    column = rep_client.get(f"/pipeline/columns/{acme.stage('Prospecting').pk}/").content.decode()
    assert f'id="deal-card-{deal.pk}"' in column and 'draggable="true"' not in column


def test_the_deal_page(rep_client, acme, django_assert_max_num_queries):
    lead = LeadFactory(team=acme.team)
    deal = deal_in(acme, lead=lead, name="Initech - Platform")
    rep_client.post(f"/deals/{deal.pk}/field/amount/", {"amount": "25000"})
    rep_client.post(f"/deals/{deal.pk}/activities/", {"kind": "meeting", "subject": "Demo"})
    with django_assert_max_num_queries(12):
        page = rep_client.get(f"/deals/{deal.pk}/")
    body = page.content.decode()
    assert "Initech - Platform" in body and "Demo" in body and "<ins>25000.00</ins>" in body


def test_the_stage_picker_on_the_deal_page(rep_client, acme):
    deal = deal_in(acme)
    refused = rep_client.post(f"/deals/{deal.pk}/stage/", {"stage": acme.stage("Lost").pk})
    assert refused.status_code == 422 and b"Say why the deal was lost." in refused.content
    moved = rep_client.post(f"/deals/{deal.pk}/stage/", {"stage": acme.stage("Won").pk})
    assert moved.status_code == 302


def test_converting_a_lead_from_its_page(rep_client, acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep, company_name="Initech", email="ceo@initech.io")
    form = rep_client.get(f"/leads/{lead.pk}/convert/")
    assert b"Initech - New deal" in form.content
    bad = rep_client.post(f"/leads/{lead.pk}/convert/", {"deal_name": "", "amount": "-1"})
    assert bad.status_code == 422
    done = rep_client.post(f"/leads/{lead.pk}/convert/", {"deal_name": "Initech - Platform", "amount": "9000",
                                                          "stage": acme.stage("Qualification").pk})
    assert done.status_code == 302
    with tenancy.use_team(acme.team):
        deal = Deal.objects.get(lead=lead)
        assert Lead.objects.get(pk=lead.pk).status == "converted"
    assert done["Location"] == f"/deals/{deal.pk}/" and deal.stage.name == "Qualification"
