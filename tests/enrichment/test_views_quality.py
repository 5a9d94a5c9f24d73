"""/quality/ (managers): the distribution and its trend, the review queue and its bulk actions; the one-click
"did you mean" fix on the lead page."""

from datetime import timedelta

from django.utils import timezone

from enrichment import scoring
from enrichment.models import LeadEnrichment, LeadQuality, QualitySnapshot
from leads.models import EnrichmentRequest, Lead
from primesync import tenancy
from tests.factories import LeadFactory

NO_MATCH = {"local": "ok", "zerobounce": "ok", "apollo": "ok", "zoominfo": "ok", "zoominfo_company": "no match",
            "linkedin": "no match"}


def queued_lead(team, **fields):
    """A lead below 50 that no source can raise: it waits for review."""
    lead = LeadFactory(team=team, **fields)
    with tenancy.use_team(team):
        LeadEnrichment.objects.create(team=team, lead=lead, status="enriched", detail=NO_MATCH,
                                      email_status="invalid", email_sub_status="mailbox_not_found", email_free=True,
                                      enriched_at=timezone.now())
    scoring.quality_rescore(team_id=team.pk, lead_ids=[lead.pk])
    return lead


def test_only_managers_open_the_quality_page(client, acme):
    client.force_login(acme.rep)
    assert client.get("/quality/").status_code == 403
    assert client.post("/quality/bulk/", {"action": "reviewed"}).status_code == 403


def test_the_page_shows_the_queue_with_reasons_escaped_and_the_trend(client, acme, globex,
                                                                     django_assert_max_num_queries):
    leads = [queued_lead(acme.team, first_name=f"<b>Ann{i}</b>", owner=acme.rep) for i in range(8)]
    foreign = queued_lead(globex.team, first_name="Globex")
    with tenancy.use_team(acme.team):
        QualitySnapshot.objects.create(team=acme.team, day=timezone.localdate() - timedelta(days=1),
                                       histogram=[0, 0, 5, 0, 0, 0, 0, 0, 0, 1], average=28.0, leads=6)
    client.force_login(acme.manager)
    with django_assert_max_num_queries(16):  # the same for 8 queued leads as for 1
        page = client.get("/quality/").content.decode()
    for lead in leads:
        assert f'data-lead="{lead.pk}"' in page
    assert f'data-lead="{foreign.pk}"' not in page
    assert "&lt;b&gt;Ann0&lt;/b&gt;" in page and "<b>Ann0" not in page
    assert "-30: email is invalid, mailbox not found" in page and "free-mail" in page
    assert 'data-stat="in-review">8<' in page
    assert page.count('class="trend-col') == 2  # yesterday's snapshot and now


def test_bulk_actions_re_enrich_keep_or_disqualify(client, acme, globex):
    a, b, c = (queued_lead(acme.team) for _ in range(3))
    foreign = queued_lead(globex.team)
    client.force_login(acme.manager)
    client.post("/quality/bulk/", {"action": "reenrich", "ids": [a.pk, foreign.pk]})
    client.post("/quality/bulk/", {"action": "reviewed", "ids": [b.pk]})
    client.post("/quality/bulk/", {"action": "disqualify", "ids": [c.pk]})
    with tenancy.use_team(acme.team):
        assert list(EnrichmentRequest.objects.values_list("lead_id", "reason")) == [(a.pk, "quality review")]
        review = dict(LeadQuality.objects.values_list("lead_id", "review_status"))
        assert (review[a.pk], review[b.pk], review[c.pk]) == ("open", "reviewed", "reviewed")
        assert Lead.objects.get(pk=c.pk).status == "disqualified"
    with tenancy.use_team(globex.team):
        assert not EnrichmentRequest.objects.exists()


def test_the_lead_page_explains_the_score(client, acme):
    lead = queued_lead(acme.team, owner=acme.rep)
    client.force_login(acme.rep)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'data-factor="email"' in page and "Email is invalid, mailbox not found" in page and "&minus;30" in page


def test_did_you_mean_fix_needs_edit_rights_and_a_suggestion(client, acme, globex):
    lead = LeadFactory(team=acme.team, owner=acme.manager, email="jane@gmial.com")
    with tenancy.use_team(acme.team):
        LeadEnrichment.objects.create(team=acme.team, lead=lead, status="enriched", email_status="invalid",
                                      email_did_you_mean="jane@gmail.com")
    other = LeadFactory(team=globex.team)
    client.force_login(acme.rep)
    panel = client.get(f"/leads/{lead.pk}/enrichment/").content.decode()
    assert "jane@gmail.com" in panel and "Use it and verify" not in panel  # not the rep's lead
    assert client.post(f"/leads/{lead.pk}/enrichment/fix-email/").status_code == 403
    assert client.post(f"/leads/{other.pk}/enrichment/fix-email/").status_code == 404
    client.force_login(acme.manager)
    assert "Use it and verify" in client.get(f"/leads/{lead.pk}/enrichment/").content.decode()
    response = client.post(f"/leads/{lead.pk}/enrichment/fix-email/")
    assert response.status_code == 302
    with tenancy.use_team(acme.team):
        assert Lead.objects.get(pk=lead.pk).email == "jane@gmail.com"
        assert EnrichmentRequest.objects.filter(lead=lead, reason="email corrected").exists()
    again = client.post(f"/leads/{lead.pk}/enrichment/fix-email/", follow=True).content.decode()
    assert "There is no suggested address for this lead." in again
