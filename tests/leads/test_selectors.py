"""leads.selectors: the lead list's search, filters and sorts; possible duplicates."""

from datetime import timedelta

from django.utils import timezone

from leads import selectors
from leads.selectors import LeadFilters
from primesync import tenancy
from tests.factories import LeadFactory


def ids(page):
    return [lead.pk for lead in page.rows]


def listing(ts, **filters):
    with tenancy.use_team(ts.team):
        return selectors.lead_list(team=ts.team, user=ts.rep, filters=LeadFilters(**filters), sort="newest")


def test_search_matches_names_emails_companies_and_phones_by_prefix(acme):
    ana = LeadFactory(team=acme.team, first_name="Ana", last_name="Silva", email="ana@initech.io",
                      company_name="Initech", phone="+1 (415) 555-0199")
    LeadFactory(team=acme.team, first_name="Bob", last_name="Stone", email="bob@hooli.com", company_name="Hooli",
                phone="+44 20 7946 0000")
    for query in ["ana", "Ana Sil", "initech", "ana@init", "415", "4155550199", "silva ana"]:
        assert ids(listing(acme, q=query)) == [ana.pk], query


def test_search_finds_nothing_for_a_stranger(acme):
    LeadFactory(team=acme.team, first_name="Ana")
    assert ids(listing(acme, q="zzzz")) == []


def test_search_never_reaches_another_team(acme, globex):
    LeadFactory(team=globex.team, first_name="Ana")
    assert ids(listing(acme, q="ana")) == []


def test_filters_combine(acme):
    now = timezone.now()
    mine_new = LeadFactory(team=acme.team, owner=acme.rep, status="new", source="web")
    LeadFactory(team=acme.team, owner=acme.rep, status="working", source="web")
    unassigned = LeadFactory(team=acme.team, owner=None, status="new", source="event")
    old = LeadFactory(team=acme.team, owner=acme.manager, status="new", created_at=now - timedelta(days=40))
    assert ids(listing(acme, owner="me", statuses=("new",))) == [mine_new.pk]
    assert ids(listing(acme, owner="none")) == [unassigned.pk]
    assert ids(listing(acme, source="event")) == [unassigned.pk]
    assert ids(listing(acme, owner=str(acme.manager.pk))) == [old.pk]
    recent = ids(listing(acme, created_from=(now - timedelta(days=7)).date()))
    assert old.pk not in recent and mine_new.pk in recent
    assert ids(listing(acme, created_to=(now - timedelta(days=30)).date())) == [old.pk]


def test_quality_bands_count_only_scored_leads(acme):
    low = LeadFactory(team=acme.team, quality_score=30, quality_factors={"email": 0})
    LeadFactory(team=acme.team, quality_score=0, quality_factors={})  # not scored yet
    high = LeadFactory(team=acme.team, quality_score=90, quality_factors={"email": 30})
    assert ids(listing(acme, quality="low")) == [low.pk]
    assert ids(listing(acme, quality="high")) == [high.pk]


def test_it_sorts_by_name(acme):
    for last in ["Young", "Adams", "Miller"]:
        LeadFactory(team=acme.team, last_name=last)
    with tenancy.use_team(acme.team):
        page = selectors.lead_list(team=acme.team, user=acme.rep, filters=LeadFilters(), sort="name")
        desc = selectors.lead_list(team=acme.team, user=acme.rep, filters=LeadFilters(), sort="-name")
    assert [lead.last_name for lead in page.rows] == ["Adams", "Miller", "Young"]
    assert [lead.last_name for lead in desc.rows] == ["Young", "Miller", "Adams"]


def test_possible_duplicates_by_email_phone_and_similar_name(acme):
    same_email = LeadFactory(team=acme.team, email="jane@acme.example", phone="")
    # a phone shared by clearly different people is an office line, not a duplicate: same_phone is named alike
    same_phone = LeadFactory(team=acme.team, email="x@y.example", phone="(415) 555-0123", first_name="Jonathon",
                             last_name="Smith")
    similar = LeadFactory(team=acme.team, email="", phone="", first_name="Jonathan", last_name="Smith",
                          company_name="Initech")
    LeadFactory(team=acme.team, email="", phone="", first_name="Maria", last_name="Smith", company_name="Initech")
    with tenancy.use_team(acme.team):
        found = selectors.lead_possible_duplicates(
            team=acme.team, email="JANE@acme.example", phone="+1 415 555 0123",
            first_name="Jonathon", last_name="Smith", company_name="initech",
        )
    assert {(lead.pk, why) for lead, why in found} == {
        (same_email.pk, "same email"), (same_phone.pk, "same phone"),
        (similar.pk, "name 94% at the same company"),
    }


def test_no_duplicate_for_a_different_person_or_another_team(acme, globex):
    LeadFactory(team=globex.team, email="jane@acme.example")
    LeadFactory(team=acme.team, first_name="Bob", last_name="Jones", company_name="Initech", email="b@i.example")
    with tenancy.use_team(acme.team):
        found = selectors.lead_possible_duplicates(
            team=acme.team, email="jane@acme.example", first_name="Jane", last_name="Doe", company_name="Initech"
        )
    assert found == []
