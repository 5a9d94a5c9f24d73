"""leads.duplicates: normalised keys, true and false positives, the pairs kept, and when scans run."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings

from leads import duplicates, selectors
from leads.models import DuplicateCandidate, DuplicateStatus, Lead, LeadSource
from primesync import tenancy
from primesync.models import ProcessedEvent
from tests.conftest import make_team
from tests.factories import CompanyFactory, LeadFactory
from tests.workers import wait_until


def person(team, **fields) -> Lead:
    """A lead with nothing but what the test gives (not the factory's shared phone and company)."""
    blank = {"phone": "", "company_name": "", "title": "", "email": "", "first_name": "", "last_name": ""}
    return LeadFactory(team=team, **(blank | fields))


def sweep(team, lead_ids=None) -> duplicates.ScanResult:
    with tenancy.use_team(team):
        return duplicates.scan(team_id=team.pk, lead_ids=lead_ids)


def pairs(team) -> dict[tuple[int, int], DuplicateCandidate]:
    with tenancy.use_team(team):
        return {(p.lead_a_id, p.lead_b_id): p for p in DuplicateCandidate.objects.all()}


def key(a: Lead, b: Lead) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


# --- keys ----------------------------------------------------------------------------------------


def typed(team, **values) -> duplicates.Keyed:
    return duplicates.keyed_values(team_id=team.pk, values=values)


def test_the_keys_normalise_what_people_type(acme):
    a = typed(acme.team, email="Ana.Silva@Acme.COM", phone="+1 (415) 555-0123", company_name="The ACME Co., Inc.",
              first_name="Jon", last_name="Smyth")
    b = typed(acme.team, email="ana.silva@acme.com", phone="415.555.0123", company_name="Acme",
              first_name="john", last_name="Smith")
    assert (a.email_key, a.phone_key, a.company_key, a.domain_key, a.name_key) == (
        "ana.silva@acme.com", "4155550123", "acme", "acme.com", "j:smt")
    assert (b.email_key, b.phone_key, b.company_key, b.name_key) == (a.email_key, a.phone_key, a.company_key,
                                                                      a.name_key)


def test_the_name_key_forgives_vowels_doubles_and_accents(acme):
    def name(first, last):
        return typed(acme.team, first_name=first, last_name=last).name_key

    assert name("Ann", "Johnson") == name("Anne", "Jonson") == "a:jnsn"
    assert name("Eva", "Müller") == name("Eva", "Mueller") == name("Eva", "Muller")
    assert name("Eva", "Schmidt") != name("Eva", "Smith")


def test_the_lookups_are_index_conditions_under_row_level_security(committed):
    """Each kind of key is looked up through its index, as the app role, with the team policy on.

    (An expression index on lower(email) would not serve: the policy comes first and lower() is
    not leakproof; that is why the keys are stored columns.)
    """
    acme = make_team("acme")
    person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example", phone="+1 415 555 0101",
           company_name="Initech")
    with tenancy.use_team(acme.team):
        Lead.objects.bulk_create([
            Lead(team=acme.team, first_name=f"F{i}", last_name=f"L{i}", email=f"p{i}@firm{i}.example",
                 phone=f"+1 212 555 {i:04d}", company_name=f"Firm {i}") for i in range(2000)
        ])
    with connections["owner"].cursor() as cur:  # statistics, as autovacuum would gather them
        cur.execute("ANALYZE leads_lead")
    probe = typed(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example", phone="4155550101",
                  company_name="Initech")
    lookups = {
        "key_email": probe.email_key, "key_phone": probe.phone_key, "key_domain": probe.domain_key,
        "key_company": probe.company_key, "key_name": probe.name_key,
    }
    with tenancy.use_team(acme.team):
        leads = Lead.objects.filter(team=acme.team)
        for column, value in lookups.items():
            plan = leads.filter(**{f"{column}__in": [value, "another"]}).explain()
            assert f"lead_team_{column}" in plan and f"{column} = ANY" in plan.split("Index Cond:")[1], plan
            assert leads.filter(**{column: value}).count() == 1


# --- true positives ----------------------------------------------------------------------------------


def test_it_pairs_the_same_email_in_any_case(acme):
    a = person(acme.team, first_name="Ana", last_name="Silva", email="ana.silva@initech.example")
    b = person(acme.team, first_name="A.", last_name="Silva", email="Ana.Silva@Initech.example")
    sweep(acme.team)
    found = pairs(acme.team)[key(a, b)]
    assert found.reasons == ["same email"] and found.score == 100 and found.status == DuplicateStatus.OPEN


def test_it_pairs_the_same_phone_in_any_format(acme):
    a = person(acme.team, first_name="Dana", last_name="Novak", phone="+1 (415) 555-0123")
    b = person(acme.team, email="dana@hooli.example", phone="415.555.0123")
    sweep(acme.team)
    assert pairs(acme.team)[key(a, b)].reasons == ["same phone"]


def test_it_pairs_a_misspelt_name_at_the_same_company(acme):
    a = person(acme.team, first_name="Jonathan", last_name="Smith", company_name="Initech")
    b = person(acme.team, first_name="Jonathon", last_name="Smith", company_name="INITECH, Inc.")
    sweep(acme.team)
    assert pairs(acme.team)[key(a, b)].reasons == ["name 94% at the same company"]


def test_the_same_company_is_also_an_email_domain_or_a_linked_company(acme):
    initech = CompanyFactory(team=acme.team, name="Initech", domain="initech.com")
    by_domain = person(acme.team, first_name="Peter", last_name="Gibbons", email="peter@initech.com")
    by_company = person(acme.team, first_name="Peter", last_name="Gibons", company=initech)
    by_host = person(acme.team, first_name="Petr", last_name="Gibbons", email="p.gibbons@mail.initech.com")
    sweep(acme.team)
    found = pairs(acme.team)
    assert found[key(by_domain, by_company)].reasons[0].endswith("at the same company")
    assert found[key(by_domain, by_host)].reasons[0].endswith("at the same company")
    assert found[key(by_company, by_host)].reasons[0].endswith("at the same company")


def test_it_pairs_a_similar_name_at_a_similar_company(acme):
    a = person(acme.team, first_name="Katarzyna", last_name="Kowalska", company_name="Globodyne Systems")
    b = person(acme.team, first_name="Katarzyna", last_name="Kowalska", company_name="Globodyne")
    sweep(acme.team)
    (reason,) = pairs(acme.team)[key(a, b)].reasons
    assert reason.startswith("name 100%, company ")


def test_names_in_any_script_are_compared(acme):
    saved = person(acme.team, first_name="伟", last_name="王", company_name="Initech")
    person(acme.team, first_name="Wei", last_name="0042", company_name="Initech")  # no letters at all
    with tenancy.use_team(acme.team):
        warned = selectors.lead_possible_duplicates(team=acme.team, first_name="伟", last_name="王",
                                                    company_name="Initech")
        also = selectors.lead_possible_duplicates(team=acme.team, first_name="Wei", last_name="0042",
                                                  company_name="Initech Inc")
    assert warned == [(saved, "name 100% at the same company")]
    assert [why for _, why in also] == ["name 100% at the same company"]


def test_more_evidence_ranks_higher(acme):
    a = person(acme.team, first_name="Ana", last_name="Silva", email="ana@x.example", phone="+1 415 555 0199")
    b = person(acme.team, first_name="Ana", last_name="Silva", email="ana@x.example", phone="(415) 555-0199")
    c = person(acme.team, first_name="Jonathan", last_name="Smith", company_name="Initech")
    d = person(acme.team, first_name="Jonathon", last_name="Smith", company_name="Initech")
    sweep(acme.team)
    found = pairs(acme.team)
    assert found[key(a, b)].reasons == ["same email", "same phone", "name 100% at the same company"]
    assert found[key(a, b)].score == 100
    assert found[key(a, b)].score > found[key(c, d)].score


# --- false positives ---------------------------------------------------------------------------------


def test_the_same_name_at_different_companies_is_not_a_pair(acme):
    person(acme.team, first_name="John", last_name="Smith", company_name="Initech", email="john@initech.example")
    person(acme.team, first_name="John", last_name="Smith", company_name="Hooli", email="john@hooli.example")
    sweep(acme.team)
    assert pairs(acme.team) == {}


def test_the_same_name_at_alike_companies_with_their_own_domains_is_not_a_pair(acme):
    person(acme.team, first_name="Tom", last_name="Bita", company_name="Tolis Partners", email="tom@tolis.example")
    micen = person(acme.team, first_name="Tom", last_name="Bita", company_name="Micen Partners",
                   email="tom@micen.example")
    maybe = person(acme.team, first_name="Tom", last_name="Bita", company_name="Micen Partners Group")  # no domain
    person(acme.team, first_name="Tom", last_name="Bita", company_name="Hooli Partners")  # "Partners" is not alike
    sweep(acme.team)
    assert {k: p.reasons for k, p in pairs(acme.team).items()} == {key(micen, maybe): ["name 100%, company 100%"]}


def test_colleagues_sharing_an_office_line_are_not_a_pair(acme):
    person(acme.team, first_name="Maria", last_name="Lopez", company_name="Initech", phone="+1 415 555 0100")
    person(acme.team, first_name="Kevin", last_name="Brown", company_name="Initech", phone="(415) 555-0100")
    sweep(acme.team)
    assert pairs(acme.team) == {}


def test_different_people_at_one_company_are_not_a_pair(acme):
    person(acme.team, first_name="Maria", last_name="Smith", company_name="Initech")
    person(acme.team, first_name="John", last_name="Smith", company_name="Initech")
    person(acme.team, first_name="John", last_name="Smythe-Jones", company_name="Initech")
    sweep(acme.team)
    assert pairs(acme.team) == {}


def test_free_mail_is_not_a_company(acme):
    person(acme.team, first_name="Ana", last_name="Silva", email="ana.silva@gmail.com")
    person(acme.team, first_name="Ana", last_name="Silva", email="asilva1985@gmail.com")
    sweep(acme.team)
    assert pairs(acme.team) == {}


def test_numbers_that_end_alike_in_other_countries_are_not_a_pair(acme):
    person(acme.team, first_name="Jan", last_name="Weber", phone="+1 212 736 5000")
    person(acme.team, email="info@solingen.example", phone="+49 212 7365000")
    sweep(acme.team)
    assert pairs(acme.team) == {}


def test_another_teams_lead_is_never_a_pair(acme, globex):
    a = person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    b = person(globex.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    sweep(acme.team, [a.pk])
    sweep(globex.team, [b.pk])
    sweep(acme.team)
    assert pairs(acme.team) == {} and pairs(globex.team) == {}


def test_the_thresholds_come_from_settings(acme):
    a = person(acme.team, first_name="Jonathan", last_name="Smith", company_name="Initech")
    b = person(acme.team, first_name="Jonathon", last_name="Smith", company_name="Initech")
    strict = {**settings.DUPLICATE_THRESHOLDS, "first_name": 90}
    with override_settings(DUPLICATE_THRESHOLDS=strict):
        sweep(acme.team)
    assert pairs(acme.team) == {}
    sweep(acme.team)
    assert key(a, b) in pairs(acme.team)


def test_a_placeholder_shared_by_too_many_leads_is_skipped(acme):
    for _ in range(4):
        person(acme.team, email="", phone="000 000 0000", company_name="Unknown")
    with override_settings(DUPLICATE_MAX_BLOCK=3):
        result = sweep(acme.team)
    assert (result.pairs, result.oversized_blocks) == (0, 1)


# --- the pairs kept ----------------------------------------------------------------------------------


def test_not_a_duplicate_is_remembered(acme):
    a = person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    b = person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    sweep(acme.team)
    with tenancy.use_team(acme.team):
        duplicates.duplicate_dismiss(pair=DuplicateCandidate.objects.get(), by=acme.manager)
    sweep(acme.team)
    sweep(acme.team, [a.pk, b.pk])
    (pair,) = pairs(acme.team).values()
    assert pair.status == DuplicateStatus.DISMISSED and pair.resolved_by == acme.manager


def test_a_pair_that_no_longer_matches_leaves_the_queue(acme):
    a = person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    b = person(acme.team, first_name="Bea", last_name="Costa", email="ana@initech.example")
    c = person(acme.team, first_name="Carl", last_name="Weber", email="carl@hooli.example")
    d = person(acme.team, first_name="Dora", last_name="Weber", email="carl@hooli.example")
    sweep(acme.team)
    assert set(pairs(acme.team)) == {key(a, b), key(c, d)}
    with tenancy.use_team(acme.team):
        Lead.objects.filter(pk=b.pk).update(email="bea@elsewhere.example")
        Lead.objects.filter(pk=d.pk).update(email="dora@elsewhere.example")
    sweep(acme.team, [b.pk])  # a rescan of b: only b's pairs are reconsidered
    assert set(pairs(acme.team)) == {key(c, d)}
    sweep(acme.team)  # the sweep reconsiders every pair
    assert pairs(acme.team) == {}


def test_a_rescan_refreshes_an_open_pair_in_place(acme):
    a = person(acme.team, first_name="Ana", last_name="Silva", email="ana.silva@gmail.com")
    b = person(acme.team, first_name="Ana", last_name="Silva", email="ana.silva@gmail.com", phone="4155550111")
    sweep(acme.team)
    first = pairs(acme.team)[key(a, b)]
    with tenancy.use_team(acme.team):
        Lead.objects.filter(pk=a.pk).update(phone="+1 415 555 0111")
    sweep(acme.team, [a.pk])
    again = pairs(acme.team)[key(a, b)]
    assert again.pk == first.pk and again.found_at == first.found_at and again.seen_at > first.seen_at
    assert again.reasons == ["same email", "same phone"]


def test_an_import_scan_pairs_new_leads_with_old_ones_and_each_other(acme):
    old = person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    new = [person(acme.team, first_name="Ana", last_name="Silva", email="ANA@initech.example", source="import"),
           person(acme.team, first_name="Bo", last_name="Lind", phone="+46 8 123 456 78", source="import"),
           person(acme.team, first_name="Bo", last_name="Lind", phone="+46812345678", source="import")]
    untouched = [person(acme.team, first_name="Cy", last_name="Ng", email="cy@x.example"),
                 person(acme.team, first_name="Cy", last_name="Ng", email="cy@x.example")]
    result = sweep(acme.team, [lead.pk for lead in new])
    assert set(pairs(acme.team)) == {key(old, new[0]), key(new[1], new[2])}
    assert result.pairs == 2 and key(*untouched) not in pairs(acme.team)


# --- the form's warning and the queue use the one finder ------------------------------------------


def test_the_new_lead_form_warns_with_the_same_finder(acme):
    saved = person(acme.team, first_name="Jonathan", last_name="Smith", company_name="Initech",
                   email="jsmith@initech.example")
    with tenancy.use_team(acme.team):
        warned = selectors.lead_possible_duplicates(team=acme.team, first_name="Jonathon", last_name="Smith",
                                                    company_name="Initech Inc", email="j.smith@initech.example")
    twin = person(acme.team, first_name="Jonathon", last_name="Smith", company_name="Initech Inc",
                  email="j.smith@initech.example")
    sweep(acme.team, [twin.pk])
    assert warned == [(saved, ", ".join(pairs(acme.team)[key(saved, twin)].reasons))]


def test_the_form_warning_reads_by_index_with_few_queries(acme, django_assert_max_num_queries):
    for i in range(30):
        person(acme.team, first_name=f"P{i}", last_name="Other", company_name="Initech", email=f"p{i}@initech.example")
    with tenancy.use_team(acme.team), django_assert_max_num_queries(8):
        selectors.lead_possible_duplicates(team=acme.team, first_name="Ana", last_name="Silva", phone="4155550100",
                                           company_name="Initech", email="ana@initech.example")


# --- when scans run: a new lead, an import, every night ------------------------------------------


def test_the_scan_task_is_registered_by_name_and_runs_in_a_worker(committed, celery_worker_thread):
    from primesync.celery import app

    acme = make_team("acme")
    a = person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    b = person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    assert "leads.scan_duplicates" in app.tasks
    app.send_task("leads.scan_duplicates", args=[acme.team.pk, [b.pk]])
    wait_until(lambda: key(a, b) in pairs(acme.team), timeout=20, message="the import's scan")


def test_every_team_is_swept_nightly(committed, celery_worker_thread):
    from leads.tasks import scan_duplicates_nightly

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "leads.scan_duplicates_nightly")
    assert entry["schedule"].hour == {3}
    teams = [make_team("acme"), make_team("globex")]
    for team in teams:
        person(team.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
        person(team.team, first_name="Ana", last_name="Silva", email="ana@initech.example")
    assert scan_duplicates_nightly() == 2
    for team in teams:
        wait_until(lambda team=team: len(pairs(team.team)) == 1, timeout=20, message=f"{team.team}'s sweep")


@pytest.mark.parametrize("source, paired", [(LeadSource.WEB, True), (LeadSource.IMPORT, False)])
def test_a_new_lead_is_checked_unless_it_comes_from_an_import(relay, celery_worker_thread, simulator, source, paired):
    # vendors find nothing and a free-mail address links no company: enrichment changes no contact field, so no
    # LEAD_CONTACT_CHANGED rescan (which rightly checks any lead, imported or not) pairs them behind our back
    simulator.configure(**{v: {"miss_rate": 1.0} for v in ("zoominfo", "apollo", "linkedin", "zerobounce")})
    acme = make_team("acme")
    old = person(acme.team, first_name="Ana", last_name="Silva", email="ana.silva@gmail.com", owner=acme.rep)
    wait_until(lambda: handled(acme, "find_duplicates_of_new_lead") == 1, timeout=30, message="the first lead")
    new = person(acme.team, first_name="Ana", last_name="Silva", email="ana.silva@gmail.com", owner=acme.rep,
                 source=source)
    wait_until(lambda: handled(acme, "find_duplicates_of_new_lead") == 2, timeout=30, message="the second lead")
    assert (key(old, new) in pairs(acme.team)) is paired


def handled(team_set, handler: str) -> int:
    with tenancy.use_team(team_set.team):
        return ProcessedEvent.objects.filter(handler=f"leads.handlers.{handler}").count()


def test_an_edited_lead_is_checked_again(relay, celery_worker_thread, simulator):
    acme = make_team("acme")
    a = person(acme.team, first_name="Ana", last_name="Silva", email="ana@initech.example", owner=acme.rep)
    b = person(acme.team, first_name="Bea", last_name="Costa", email="bea@hooli.example", owner=acme.rep)
    wait_until(lambda: handled(acme, "find_duplicates_of_new_lead") == 2, timeout=30, message="the new leads")
    assert pairs(acme.team) == {}
    with tenancy.use_team(acme.team):
        Lead.objects.filter(pk=b.pk).update(first_name="Ana", last_name="Silva", email="ana@initech.example")
    wait_until(lambda: key(a, b) in pairs(acme.team), timeout=30, message="the LEAD_CONTACT_CHANGED handler")


def test_the_demo_has_people_entered_twice_to_review(db):
    from django.core.management import call_command

    from primesync.models import Team

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for team in Team.objects.all():
        found = pairs(team)
        assert len(found) >= 10 and all(p.status == DuplicateStatus.OPEN for p in found.values())
        assert any(r.endswith("at the same company") for p in found.values() for r in p.reasons)
