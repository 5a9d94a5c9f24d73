"""deals.services: moving deals, converting leads."""

import pytest
from django.core.exceptions import ValidationError

from deals import services
from deals.models import Deal
from leads.models import Company, Lead
from primesync import tenancy
from primesync.errors import DomainError
from tests.factories import CompanyFactory, DealFactory, LeadFactory


def test_moving_to_won_closes_the_deal_and_back_reopens_it(acme):
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Proposal"), owner=acme.rep)
    with tenancy.use_team(acme.team):
        services.deal_move(deal=deal, stage=acme.stage("Won"), by=acme.rep)
        assert deal.closed_at is not None
        services.deal_move(deal=deal, stage=acme.stage("Negotiation"), by=acme.rep)
        assert deal.closed_at is None and deal.lost_reason == ""


def test_moving_to_lost_needs_a_reason(acme):
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Proposal"), owner=acme.rep)
    with tenancy.use_team(acme.team):
        with pytest.raises(ValidationError):
            services.deal_move(deal=deal, stage=acme.stage("Lost"), by=acme.rep)
        services.deal_move(deal=deal, stage=acme.stage("Lost"), by=acme.rep, lost_reason="Budget")
        assert Deal.objects.get(pk=deal.pk).lost_reason == "Budget"


def test_converting_a_lead_creates_its_company_and_deal(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep, email="cto@initech.io", company_name="Initech")
    with tenancy.use_team(acme.team):
        deal = services.lead_convert(lead=lead, by=acme.rep, deal_name="Initech - Platform", amount=5000)
        lead = Lead.objects.get(pk=lead.pk)
        company = Company.objects.get(pk=deal.company_id)
    assert (company.name, company.domain) == ("Initech", "initech.io")
    assert (lead.status, lead.company_id, deal.lead_id, deal.owner_id) == ("converted", company.pk, lead.pk, acme.rep.pk)
    assert lead.converted_at is not None
    assert deal.stage.name == "Prospecting"


def test_converting_reuses_the_company_with_the_same_domain(acme):
    existing = CompanyFactory(team=acme.team, name="Initech Corp", domain="initech.io")
    lead = LeadFactory(team=acme.team, owner=acme.rep, email="ceo@initech.io", company_name="Initech")
    with tenancy.use_team(acme.team):
        deal = services.lead_convert(lead=lead, by=acme.rep, deal_name="D", amount=1)
    assert deal.company_id == existing.pk


def test_free_mail_domains_do_not_make_companies(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep, email="someone@gmail.com", company_name="Solo Consulting")
    with tenancy.use_team(acme.team):
        deal = services.lead_convert(lead=lead, by=acme.rep, deal_name="D", amount=1)
        assert Company.objects.get(pk=deal.company_id).domain == ""


def test_a_lead_converts_once(acme):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    with tenancy.use_team(acme.team):
        services.lead_convert(lead=lead, by=acme.rep, deal_name="D", amount=1)
        with pytest.raises(DomainError):
            services.lead_convert(lead=lead, by=acme.rep, deal_name="D2", amount=1)
