"""Webhooks in Django admin: across teams for platform admins, secrets never shown, only disabling is editable."""

from primesync import tenancy
from primesync.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.primesync.test_admin import superuser


def test_a_platform_admin_sees_every_teams_endpoints_and_deliveries_but_no_secret(client, acme, globex):
    made = []
    for ts in (acme, globex):
        with tenancy.use_team(ts.team):
            endpoint = WebhookEndpoint.objects.create(team=ts.team, url=f"https://{ts.team.slug}.example/in",
                                                      event_types=["DEAL_STALE"])
            WebhookDelivery.objects.create(team=ts.team, endpoint=endpoint, event_id=5, event_type="DEAL_STALE",
                                           payload={"id": 5, "marker": "payload-shown"}, status="failed")
        made.append(endpoint)
    client.force_login(superuser())
    endpoints = client.get("/admin/primesync/webhookendpoint/").content.decode()
    deliveries = client.get("/admin/primesync/webhookdelivery/").content.decode()
    change = client.get(f"/admin/primesync/webhookendpoint/{made[0].pk}/change/").content.decode()
    with tenancy.use_team(acme.team):
        delivery = WebhookDelivery.objects.get()
    opened = client.get(f"/admin/primesync/webhookdelivery/{delivery.pk}/change/").content.decode()

    assert "acme.example" in endpoints and "globex.example" in endpoints and deliveries.count("Failed") >= 2
    assert made[0].secret not in change and 'name="secret"' not in change and "Previous secret expires at" in change
    assert "payload-shown" in opened
    assert client.get("/admin/primesync/webhookendpoint/add/").status_code == 403


def test_a_platform_admin_can_disable_an_endpoint_and_nothing_else(client, acme):
    with tenancy.use_team(acme.team):
        endpoint = WebhookEndpoint.objects.create(team=acme.team, url="https://acme.example/in",
                                                  event_types=["DEAL_STALE"])
    client.force_login(superuser())
    response = client.post(f"/admin/primesync/webhookendpoint/{endpoint.pk}/change/",
                           {"active": "", "url": "http://10.0.0.1/", "webhookendpointevent_set-TOTAL_FORMS": "0",
                            "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenancy.use_team(acme.team):
        saved = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (saved.active, saved.url) == (False, "https://acme.example/in")
