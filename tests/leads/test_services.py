"""leads.services: writes, bulk actions, enrichment requests."""

import pytest
from django.core.exceptions import ValidationError

from leads import services
from leads.models import EnrichmentRequest, Lead
from primesync import tenancy
from primesync.errors import PermissionDenied
from primesync.tenancy import Seat
from tests.factories import ActivityFactory, LeadFactory


def seat(ts, user):
    return Seat(team=ts.team, membership=user.memberships.get(team=ts.team))


def test_lead_create_normalises_and_validates(acme):
    with tenancy.use_team(acme.team):
        lead = services.lead_create(team=acme.team, by=acme.rep, first_name="Ada", email=" ADA@Example.COM ")
        assert lead.email == "ada@example.com"
        with pytest.raises(ValidationError) as error:
            services.lead_create(team=acme.team, by=acme.rep, first_name="Ada", owner=None, email="nope")
    assert "email" in error.value.message_dict


def test_lead_owner_must_be_a_team_member(acme, globex):
    with tenancy.use_team(acme.team), pytest.raises(ValidationError) as error:
        services.lead_create(team=acme.team, by=acme.manager, first_name="X", owner=globex.rep)
    assert "owner" in error.value.message_dict


def test_bulk_assign_is_for_managers(acme):
    leads = LeadFactory.create_batch(3, team=acme.team, owner=None)
    with tenancy.use_team(acme.team):
        with pytest.raises(PermissionDenied):
            services.lead_bulk_assign(team=acme.team, seat=seat(acme, acme.rep), leads=leads, owner=acme.rep)
        result = services.lead_bulk_assign(team=acme.team, seat=seat(acme, acme.manager), leads=leads, owner=acme.rep)
        assert result.changed == 3
        assert set(Lead.objects.values_list("owner", flat=True)) == {acme.rep.pk}


def test_bulk_status_skips_what_a_rep_does_not_own(acme):
    mine = LeadFactory(team=acme.team, owner=acme.rep, status="new")
    theirs = LeadFactory(team=acme.team, owner=acme.manager, status="new")
    with tenancy.use_team(acme.team):
        result = services.lead_bulk_set_status(team=acme.team, seat=seat(acme, acme.rep), leads=[mine, theirs],
                                               status="working")
        assert (result.changed, result.skipped) == (1, 1)
        assert "1 skipped" in result.message("Updated")
        assert Lead.objects.get(pk=mine.pk).status == "working"
        assert Lead.objects.get(pk=theirs.pk).status == "new"
        with pytest.raises(ValidationError):
            services.lead_bulk_set_status(team=acme.team, seat=seat(acme, acme.rep), leads=[mine], status="converted")


def test_enrichment_requests_are_not_queued_twice(acme):
    a, b = LeadFactory.create_batch(2, team=acme.team)
    with tenancy.use_team(acme.team):
        first = services.enrichment_request(team=acme.team, by=acme.rep, leads=[a])
        second = services.enrichment_request(team=acme.team, by=acme.rep, leads=[a, b], reason="bulk")
        assert (first.changed, second.changed, second.skipped) == (1, 1, 1)
        assert EnrichmentRequest.objects.filter(status="pending").count() == 2


def test_only_tasks_can_be_completed(acme):
    lead = LeadFactory(team=acme.team)
    call = ActivityFactory(team=acme.team, lead=lead, kind="call")
    with tenancy.use_team(acme.team), pytest.raises(ValidationError):
        services.activity_complete(activity=call, by=acme.rep)


def test_saved_view_names_are_unique_per_user(acme):
    with tenancy.use_team(acme.team):
        services.saved_view_create(team=acme.team, user=acme.rep, name="Hot", query="status=new")
        services.saved_view_create(team=acme.team, user=acme.manager, name="Hot", query="status=new")
        with pytest.raises(ValidationError):
            services.saved_view_create(team=acme.team, user=acme.rep, name="Hot", query="q=x")
