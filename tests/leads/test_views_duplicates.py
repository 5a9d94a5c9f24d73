"""Pages: /duplicates/ (queue, compare and merge, not a duplicate), /duplicates/merges/ (history, undo)."""

from __future__ import annotations

import itertools
import re
import uuid

import pytest

from leads import duplicates
from leads.merge import lead_merge
from leads.models import Activity, DuplicateCandidate, DuplicateStatus, Lead, LeadMerge
from primesync import events, tenancy
from primesync.models import OutboxEvent
from tests.factories import ActivityFactory, LeadFactory


def person(team, **fields) -> Lead:
    blank = {"phone": "", "company_name": "", "title": "", "email": "", "first_name": "", "last_name": ""}
    return LeadFactory(team=team, **(blank | fields))


PHONES = itertools.count(101)


def twins(team_set, *, owner=None, other_owner=None, email="ana@initech.example", **extra):
    """Two leads of one person (same email), found by a scan: (older lead, newer lead, their pair)."""
    owner = owner or team_set.rep
    a = person(team_set.team, first_name="Ana", last_name="Silva", email=email, owner=owner, **extra)
    b = person(team_set.team, first_name="Ana", last_name="Silva", email=email.upper(), owner=other_owner or owner,
               phone=f"+1 415 555 {next(PHONES):04d}")
    with tenancy.use_team(team_set.team):
        duplicates.scan(team_id=team_set.team.pk, lead_ids=[b.pk])
        return a, b, DuplicateCandidate.objects.get(lead_a=a, lead_b=b)


@pytest.fixture
def rep_client(client, acme):
    client.force_login(acme.rep)
    return client


@pytest.fixture
def manager_client(client, acme):
    client.force_login(acme.manager)
    return client


def test_it_works(manager_client, acme):
    _, b, pair = twins(acme)
    page = manager_client.get("/duplicates/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/duplicates/{pair.pk}/"' in body and "same email" in body and f"/leads/{b.pk}/" in body


def test_it_requires_login(client, acme):
    _, _, pair = twins(acme)
    for url in ["/duplicates/", "/duplicates/count/", f"/duplicates/{pair.pk}/", "/duplicates/merges/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in [f"/duplicates/{pair.pk}/merge/", f"/duplicates/{pair.pk}/dismiss/", "/duplicates/merges/1/undo/"]:
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_it_hides_other_teams(manager_client, acme, globex):
    a, b, _ = twins(globex)
    with tenancy.use_team(globex.team):
        record = lead_merge(survivor=a, merged=b, by=globex.manager)
    _, _, other_pair = twins(globex, email="bo@hooli.example")
    assert manager_client.get(f"/duplicates/{other_pair.pk}/").status_code == 404
    assert manager_client.post(f"/duplicates/{other_pair.pk}/merge/", {"keep": a.pk}).status_code == 404
    assert manager_client.post(f"/duplicates/{other_pair.pk}/dismiss/").status_code == 404
    assert manager_client.post(f"/duplicates/merges/{record.pk}/undo/").status_code == 404
    assert manager_client.get(f"/leads/{b.pk}/").status_code == 404  # merged in another team: no redirect
    assert b"pair-row-" not in manager_client.get("/duplicates/").content
    assert b"merge-row-" not in manager_client.get("/duplicates/merges/").content
    with tenancy.use_team(globex.team):
        assert DuplicateCandidate.objects.get(pk=other_pair.pk).status == DuplicateStatus.OPEN


def test_a_rep_sees_the_pairs_of_their_leads_and_merges_only_their_own(rep_client, acme):
    mine, _, my_pair = twins(acme)
    _, _, shared = twins(acme, email="bo@hooli.example", other_owner=acme.manager)
    _, _, theirs = twins(acme, email="cy@globo.example", owner=acme.manager)
    queue = rep_client.get("/duplicates/").content.decode()
    assert f"pair-row-{my_pair.pk}" in queue and f"pair-row-{shared.pk}" in queue
    assert f"pair-row-{theirs.pk}" not in queue
    assert queue.count("Not a duplicate") == 1  # only where both leads are the rep's
    assert rep_client.get(f"/duplicates/{theirs.pk}/").status_code == 403
    assert rep_client.post(f"/duplicates/{shared.pk}/merge/", {"keep": shared.lead_a_id}).status_code == 403
    assert rep_client.post(f"/duplicates/{shared.pk}/dismiss/").status_code == 403
    merged = rep_client.post(f"/duplicates/{my_pair.pk}/merge/", {"keep": mine.pk})
    assert merged.status_code == 302 and merged["Location"] == f"/leads/{mine.pk}/"


def test_the_queue_pages_most_likely_first_with_bounded_queries(manager_client, acme, django_assert_max_num_queries):
    for i in range(30):
        twins(acme, email=f"ana@firm{i}.example")  # same email and name at the same company: 100
        surname, firm = uuid.uuid4().hex[:10], uuid.uuid4().hex[:10]  # nothing like the other pairs
        a = person(acme.team, first_name="Jonathan", last_name=surname, company_name=firm)
        b = person(acme.team, first_name="Jonathon", last_name=surname, company_name=firm)
        with tenancy.use_team(acme.team):
            duplicates.scan(team_id=acme.team.pk, lead_ids=[a.pk, b.pk])
    with django_assert_max_num_queries(8):
        first = manager_client.get("/duplicates/")
    scores = [int(s) for s in re.findall(r"data-pair-score>(\d+)%", first.content.decode())]
    assert len(scores) == 50 and scores == sorted(scores, reverse=True) and scores[0] == 100
    more = manager_client.get(f"/duplicates/{first.context['next_url']}")
    assert more.content.count(b'id="pair-row-') == 10 and b"<html" not in more.content
    assert manager_client.get("/duplicates/?after=garbage").status_code == 302


def test_the_queue_of_one_lead(manager_client, acme):
    a, _, pair = twins(acme)
    _, _, other = twins(acme, email="bo@hooli.example")
    body = manager_client.get(f"/duplicates/?lead={a.pk}").content.decode()
    assert f"pair-row-{pair.pk}" in body and f"pair-row-{other.pk}" not in body


def test_the_navigation_shows_the_open_count(manager_client, acme):
    twins(acme)
    twins(acme, email="bo@hooli.example")
    page = manager_client.get("/leads/").content.decode()
    assert 'hx-get="/duplicates/count/"' in page  # loaded after the page, so no page pays for the count
    assert 'href="/duplicates/"' in manager_client.get("/duplicates/merges/").content.decode()  # the Data tabs
    assert re.search(r'id="duplicate-count"[^>]*>2</span>', manager_client.get("/duplicates/count/").content.decode())


def test_the_compare_page_puts_the_leads_side_by_side(manager_client, acme, django_assert_max_num_queries):
    a, b, pair = twins(acme, title="Analyst")
    ActivityFactory.create_batch(2, team=acme.team, lead=b, created_by=acme.rep, subject="Call")
    with django_assert_max_num_queries(20):
        page = manager_client.get(f"/duplicates/{pair.pk}/")
    body = page.content.decode()
    assert page.context["survivor"] == b  # more activities: it survives by default
    rows = {row.name: row for row in page.context["rows"]}
    assert rows["title"].picked == a.pk  # the survivor has no title: the other's is picked
    assert rows["phone"].picked == b.pk and rows["email"].picked == b.pk  # the survivor's own
    assert f'name="title" value="{a.pk}" checked' in body
    assert re.search(rf'data-counts="{b.pk}">.*Activities: <strong>2</strong>', body, re.S)
    switched = manager_client.get(f"/duplicates/{pair.pk}/?keep={a.pk}")
    assert switched.context["survivor"] == a


def test_merge_keeps_the_picked_values_and_shows_the_undo_banner(manager_client, acme):
    a, b, pair = twins(acme, title="Analyst")
    response = manager_client.post(f"/duplicates/{pair.pk}/merge/", {"keep": a.pk, "phone": b.pk, "email": b.pk})
    assert response.status_code == 302 and response["Location"] == f"/leads/{a.pk}/"
    with tenancy.use_team(acme.team):
        survivor = Lead.objects.get(pk=a.pk)
        event = OutboxEvent.objects.get(type=events.LEAD_MERGED)
        assert not Lead.objects.filter(pk=b.pk).exists()
    assert (survivor.phone, survivor.email, survivor.title) == (b.phone, "ANA@INITECH.EXAMPLE", "Analyst")
    assert (event.context["source"], event.context["user"]) == ("web", acme.manager.pk)
    page = manager_client.get(f"/leads/{a.pk}/").content.decode()
    assert "Merged with <strong>Ana Silva &lt;ANA@INITECH.EXAMPLE&gt;</strong>" in page and "data-undo-merge" in page
    assert "Merged Ana Silva &lt;ANA@INITECH.EXAMPLE&gt; into this lead" in page  # in the timeline
    old_link = manager_client.get(f"/leads/{b.pk}/")  # a notification's link to the merged lead
    assert old_link.status_code == 302 and old_link["Location"] == f"/leads/{a.pk}/"


def test_merge_validates_input(manager_client, acme):
    a, b, pair = twins(acme)
    stranger = person(acme.team, email="zed@x.example")
    bad_pick = manager_client.post(f"/duplicates/{pair.pk}/merge/", {"keep": a.pk, "phone": stranger.pk})
    bad_keep = manager_client.post(f"/duplicates/{pair.pk}/merge/", {"keep": stranger.pk})
    assert bad_pick.status_code == bad_keep.status_code == 422
    assert b"Keep one of the two leads." in bad_keep.content
    with tenancy.use_team(acme.team):
        assert Lead.objects.filter(pk__in=[a.pk, b.pk, stranger.pk]).count() == 3


def test_not_a_duplicate_leaves_the_queue(manager_client, acme):
    _, _, pair = twins(acme)
    _, _, other = twins(acme, email="bo@hooli.example")
    fragment = manager_client.post(f"/duplicates/{pair.pk}/dismiss/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and fragment.content == b""
    page = manager_client.post(f"/duplicates/{other.pk}/dismiss/")
    assert page.status_code == 302 and page["Location"] == "/duplicates/"
    with tenancy.use_team(acme.team):
        assert set(DuplicateCandidate.objects.values_list("status", "resolved_by")) == {
            (DuplicateStatus.DISMISSED, acme.manager.pk)}
    assert b"pair-row-" not in manager_client.get("/duplicates/").content


def test_undo_from_the_banner_brings_the_lead_back(manager_client, acme):
    a, b, pair = twins(acme)
    ActivityFactory(team=acme.team, lead=b, created_by=acme.rep, subject="Call")
    manager_client.post(f"/duplicates/{pair.pk}/merge/", {"keep": a.pk})
    with tenancy.use_team(acme.team):
        record = LeadMerge.objects.get()
    response = manager_client.post(f"/duplicates/merges/{record.pk}/undo/", follow=True)
    assert response.redirect_chain[-1][0] == f"/leads/{b.pk}/"
    assert "is back, with 1 record(s) moved back to it" in response.content.decode()
    with tenancy.use_team(acme.team):
        assert Activity.objects.get(subject="Call").lead_id == b.pk
        assert DuplicateCandidate.objects.get(pk=pair.pk).status == DuplicateStatus.OPEN
    history = manager_client.get("/duplicates/merges/").content.decode()
    assert f"merge-row-{record.pk}" in history and "data-undone" in history
    assert "data-undo-merge" not in manager_client.get(f"/leads/{a.pk}/").content.decode()


def test_an_unsafe_undo_is_refused_with_the_reason(manager_client, acme):
    a, b, pair = twins(acme)
    manager_client.post(f"/duplicates/{pair.pk}/merge/", {"keep": a.pk, "phone": b.pk})
    manager_client.post(f"/leads/{a.pk}/field/phone/", {"phone": "+1 212 736 5000"})
    with tenancy.use_team(acme.team):
        record = LeadMerge.objects.get()
    response = manager_client.post(f"/duplicates/merges/{record.pk}/undo/", follow=True)
    assert "Phone of Ana Silva changed after the merge" in response.content.decode()
    with tenancy.use_team(acme.team):
        assert LeadMerge.objects.get().undone_at is None and not Lead.objects.filter(pk=b.pk).exists()


def test_undo_is_for_managers_and_the_rep_who_owns_both(client, acme):
    a, b, _ = twins(acme, other_owner=acme.manager)
    with tenancy.use_team(acme.team):
        record = lead_merge(survivor=a, merged=b, by=acme.manager)
    client.force_login(acme.rep)
    assert client.post(f"/duplicates/merges/{record.pk}/undo/").status_code == 403
    assert b"<button class=\"small\">Undo" not in client.get("/duplicates/merges/").content
    mine_a, _, mine = twins(acme, email="bo@hooli.example")
    client.post(f"/duplicates/{mine.pk}/merge/", {"keep": mine_a.pk})
    with tenancy.use_team(acme.team):
        own = LeadMerge.objects.get(survivor_id=mine_a.pk)
    assert client.post(f"/duplicates/merges/{own.pk}/undo/").status_code == 302


def test_the_merge_history_has_bounded_queries(manager_client, acme, django_assert_max_num_queries):
    for i in range(12):
        a, b, _ = twins(acme, email=f"ana@firm{i}.example")
        with tenancy.use_team(acme.team):
            lead_merge(survivor=a, merged=b, by=acme.manager)
    with django_assert_max_num_queries(8):
        page = manager_client.get("/duplicates/merges/")
    assert page.content.decode().count("merge-row-") == 12
