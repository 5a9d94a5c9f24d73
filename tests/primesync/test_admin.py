"""Django admin: platform admins work across teams through the audited bypass."""

from leads.models import Lead, LeadEvent
from primesync import tenancy
from primesync.models import RlsBypass
from tests.factories import LeadFactory, UserFactory


def superuser():
    return UserFactory(email="root@primesync.test", is_staff=True, is_superuser=True)


def test_a_platform_admin_sees_every_team_and_the_bypass_is_logged(client, acme, globex):
    LeadFactory(team=acme.team, email="a@acme.example")
    LeadFactory(team=globex.team, email="g@globex.example")
    admin_user = superuser()
    client.force_login(admin_user)
    page = client.get("/admin/leads/lead/")
    assert page.status_code == 200
    assert b"a@acme.example" in page.content and b"g@globex.example" in page.content
    log = RlsBypass.objects.get(path="/admin/leads/lead/")
    assert (log.user, log.reason, log.method) == (admin_user, "django-admin", "GET")


def test_every_admin_page_opens(client, acme):
    lead = LeadFactory(team=acme.team)
    client.force_login(superuser())
    for url in [
        "/admin/", "/admin/primesync/team/", "/admin/primesync/user/", "/admin/primesync/membership/",
        "/admin/primesync/apitoken/", "/admin/primesync/rlsbypass/", "/admin/leads/company/",
        "/admin/leads/lead/", "/admin/leads/activity/", "/admin/deals/pipeline/", "/admin/deals/stage/",
        "/admin/deals/deal/", "/admin/deals/quota/", f"/admin/leads/lead/{lead.pk}/change/",
        f"/admin/primesync/team/{acme.team.pk}/change/", "/admin/leads/lead/?q=prospect",
    ]:
        assert client.get(url).status_code == 200, url


def test_an_admin_edit_is_audited_with_source_admin(client, acme):
    lead = LeadFactory(team=acme.team)
    admin_user = superuser()
    client.force_login(admin_user)
    response = client.post(
        "/admin/leads/lead/",
        {"action": "disqualify", "_selected_action": [lead.pk], "index": 0},
    )
    assert response.status_code == 302
    with tenancy.use_team(acme.team):
        assert Lead.objects.get(pk=lead.pk).status == "disqualified"
        event = LeadEvent.objects.filter(pgh_obj_id=lead.pk).latest("pgh_id")
    assert event.pgh_context["source"] == "admin" and event.pgh_context["user"] == admin_user.pk


def test_team_members_cannot_open_admin(client, acme):
    client.force_login(acme.manager)
    response = client.get("/admin/leads/lead/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_platform_admin_adds_a_lead_to_a_team(client, acme):
    client.force_login(superuser())
    response = client.post("/admin/leads/lead/add/", {
        "team": acme.team.pk, "first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.example",
        "status": "new", "source": "referral", "phone": "", "title": "", "company_name": "", "country": "",
        "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.content[:2000]
    with tenancy.use_team(acme.team):
        lead = Lead.objects.get(email="grace@navy.example")
        assert LeadEvent.objects.get(pgh_obj_id=lead.pk).pgh_context["source"] == "admin"
