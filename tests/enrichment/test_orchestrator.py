"""Enriching leads end to end against the simulator: parallel sources, merge, provenance, partial and retry."""

from enrichment import selectors
from enrichment.models import EnrichmentCall, EnrichmentObservation, LeadEnrichment
from enrichment.orchestrator import enrich_leads
from enrichment.simulator import company_for, person_for
from leads.models import Lead
from primesync import events, tenancy
from primesync.models import OutboxEvent
from tests.conftest import make_team
from tests.factories import LeadFactory


def state_of(lead) -> LeadEnrichment:
    with tenancy.use_team(lead.team_id):
        return LeadEnrichment.objects.get(lead=lead)


def reload(lead) -> Lead:
    with tenancy.use_team(lead.team_id):
        return Lead.objects.select_related("company").get(pk=lead.pk)


def test_a_lead_gets_every_source_merged_with_provenance(committed, simulator):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, email="dana.novak@initech.example", title="", phone="", country="")
    assert enrich_leads(acme.team.pk, [lead.pk]) == {lead.pk: "enriched"}

    lead, state = reload(lead), state_of(lead)
    person, company = person_for(lead.email), company_for("initech.example")
    assert lead.title == person["title"] and lead.country == company["country_code"]
    assert lead.company.domain == "initech.example" and lead.company.industry == company["industry"]
    assert lead.company.employees == company["employees"]
    assert state.email_status and state.linkedin_url.endswith(person["linkedin"].rsplit("/", 1)[-1])
    assert set(state.detail) == {"local", "zoominfo", "zoominfo_company", "apollo", "linkedin", "zerobounce"}
    assert state.chosen["title"]["source"] in {"zoominfo", "apollo", "linkedin"} and 0 < state.chosen["title"][
        "confidence"] <= 1
    with tenancy.use_team(acme.team):
        sources = set(EnrichmentObservation.objects.filter(lead=lead).values_list("source", flat=True))
        vendor_rows = EnrichmentObservation.objects.filter(lead=lead).exclude(source="local")
        assert not vendor_rows.filter(call__isnull=True).exists()  # each vendor value points at its raw response
        published = OutboxEvent.objects.get(type=events.LEAD_ENRICHED, entity_id=lead.pk)
    assert sources == {"local", "zoominfo", "apollo", "linkedin", "zerobounce"}
    assert published.payload == {"status": "enriched", "score": state.score} and state.score >= 75


def test_a_value_a_person_typed_stays_and_the_competitors_are_shown(committed, simulator):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, email="dana.novak@initech.example", title="Head Honcho")
    enrich_leads(acme.team.pk, [lead.pk])
    assert reload(lead).title == "Head Honcho"
    with tenancy.use_team(acme.team):
        _, fields = selectors.lead_enrichment(lead=reload(lead))
    title = next(f for f in fields if f.key == "title")
    assert title.kept == "Head Honcho"
    assert person_for(lead.email)["title"] in [o.value for o in title.others]  # the sources' value, to choose


def test_enrichment_keeps_updating_what_it_wrote_itself(committed, simulator):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, email="dana.novak@initech.example", title="", phone="")
    enrich_leads(acme.team.pk, [lead.pk])
    with tenancy.use_team(acme.team):
        state = LeadEnrichment.objects.get(lead=lead)
        assert state.applied["lead.title"] == reload(lead).title
        EnrichmentObservation.objects.create(team=acme.team, lead=lead, field="title", value="Chief Revenue Officer",
                                             source="person", confidence=1.0)
    enrich_leads(acme.team.pk, [lead.pk])
    assert reload(lead).title == "Chief Revenue Officer"


def test_a_failing_vendor_leaves_the_lead_partial_and_a_retry_fills_it_in(committed, simulator):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, email="dana.novak@initech.example", title="")
    simulator.configure(linkedin={"error_rate": 1.0})
    assert enrich_leads(acme.team.pk, [lead.pk]) == {lead.pk: "partial"}
    state = state_of(lead)
    assert state.detail["linkedin"].startswith("error: linkedin source: server error") and "reports_to" not in state.chosen
    before = simulator.stats()

    simulator.configure(linkedin={"error_rate": 0.0})
    assert enrich_leads(acme.team.pk, [lead.pk]) == {lead.pk: "enriched"}
    after = simulator.stats()
    assert "reports_to" in state_of(lead).chosen and state_of(lead).detail["linkedin"] == "ok"
    # the sources that had answered come from the cache: only the failed one is asked again
    assert {v: after[v]["requests"] - before.get(v, {}).get("requests", 0) for v in after} == {
        "zoominfo": 0, "apollo": 0, "linkedin": 1, "zerobounce": 0}


def test_every_source_failing_is_failed_with_every_reason(committed, simulator):
    acme = make_team("acme")
    lead = LeadFactory(team=acme.team, email="dana.novak@initech.example")
    simulator.configure(**{v: {"out_of_credits": True} for v in ("zoominfo", "apollo", "linkedin", "zerobounce")})
    enrich_leads(acme.team.pk, [lead.pk])
    state = state_of(lead)
    assert state.status == "partial"  # the offline checks still ran
    assert all("out of credits" in state.detail[v] for v in ("apollo", "linkedin", "zerobounce"))


def test_a_batch_uses_the_vendors_batch_endpoints_and_bills_each_hit_once(committed, simulator):
    acme = make_team("acme")
    leads = [LeadFactory(team=acme.team, email=f"person{i}@globex{i % 5}.example") for i in range(30)]
    statuses = enrich_leads(acme.team.pk, [lead.pk for lead in leads])
    assert set(statuses.values()) == {"enriched"} and len(statuses) == 30
    stats = simulator.stats()
    # Apollo takes 10 a call, ZeroBounce and the profile source 100, ZoomInfo 25 (+ 1 token request)
    assert stats["apollo"]["requests"] == 3 and stats["zerobounce"]["requests"] == 1
    assert stats["linkedin"]["requests"] == 1 and stats["zoominfo"]["requests"] <= 4
    with tenancy.use_team(acme.team):
        billed = {v: sum(EnrichmentCall.objects.filter(vendor=v).values_list("billed", flat=True))
                  for v in ("apollo", "linkedin", "zerobounce")}
        assert LeadEnrichment.objects.count() == 30
    assert billed == {v: stats[v]["billed"] for v in billed}
    enrich_leads(acme.team.pk, [lead.pk for lead in leads])  # within the cache TTL: nothing fetched again
    assert simulator.stats()["apollo"]["requests"] == 3


def test_leads_of_another_team_are_not_touched(committed, simulator):
    acme, globex = make_team("acme"), make_team("globex")
    theirs = LeadFactory(team=globex.team, email="their@globex.example")
    assert enrich_leads(acme.team.pk, [theirs.pk]) == {}
    with tenancy.use_team(globex.team):
        assert not LeadEnrichment.objects.exists()


def test_a_cached_answer_never_points_at_another_teams_call_or_a_call_that_is_gone(committed, simulator):
    acme, globex = make_team("acme"), make_team("globex")
    first = LeadFactory(team=acme.team, email="shared.person@initech.example")
    enrich_leads(acme.team.pk, [first.pk])
    again = LeadFactory(team=globex.team, email="shared.person@initech.example")
    assert enrich_leads(globex.team.pk, [again.pk]) == {again.pk: "enriched"}  # from the shared answer cache
    with tenancy.use_team(globex.team):
        assert not EnrichmentCall.objects.exists()  # globex paid for nothing
        assert not EnrichmentObservation.objects.filter(lead=again, call__isnull=False).exists()
    with tenancy.use_team(acme.team):
        EnrichmentObservation.objects.update(call=None)
        EnrichmentCall.objects.all().delete()  # as after restoring a database older than the cache
    later = LeadFactory(team=acme.team, email="shared.person@initech.example")
    assert enrich_leads(acme.team.pk, [later.pk]) == {later.pk: "enriched"}
