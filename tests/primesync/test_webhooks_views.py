"""/settings/webhooks/: managers and admins manage endpoints and read the delivery log; reps and other teams can't."""

import re

import pytest
from django.db import connection

from primesync import tenancy
from primesync.models import Role
from primesync.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import MembershipFactory, UserFactory

FORM = {"url": "https://hooks.initech.example/crm", "description": "Initech's warehouse",
        "event_types": ["LEAD_CREATED", "DEAL_STAGE_CHANGED"], "active": "on"}


@pytest.fixture
def endpoint(acme):
    with tenancy.use_team(acme.team):
        return WebhookEndpoint.objects.create(team=acme.team, url="https://hooks.acme.example/in",
                                              event_types=["LEAD_CREATED"], created_by=acme.manager)


def deliveries(endpoint, count, **fields):
    with tenancy.use_team(endpoint.team_id):
        return WebhookDelivery.objects.bulk_create([
            WebhookDelivery(team_id=endpoint.team_id, endpoint=endpoint, event_id=i, event_type="LEAD_CREATED",
                            payload={"id": i}, **fields)
            for i in range(1, count + 1)
        ])


def endpoints_of(ts):
    with tenancy.use_team(ts.team):
        return list(WebhookEndpoint.objects.all())


def test_it_works(client, acme):
    client.force_login(acme.manager)
    assert client.get("/settings/webhooks/").status_code == 200
    assert client.get("/settings/webhooks/new/").status_code == 200
    response = client.post("/settings/webhooks/new/", FORM)

    [created] = endpoints_of(acme)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert created.secret in response.content.decode()  # shown once, here
    assert (created.url, created.event_types, created.active, created.created_by) == \
        (FORM["url"], ["LEAD_CREATED", "DEAL_STAGE_CHANGED"], True, acme.manager)
    listing = client.get("/settings/webhooks/").content.decode()
    detail = client.get(f"/settings/webhooks/{created.pk}/").content.decode()
    assert FORM["url"] in listing and "Initech&#x27;s warehouse" in listing
    assert created.secret not in listing and created.secret not in detail


def test_an_admin_may_too(client, acme):
    admin = UserFactory(email="admin@acme.test")
    MembershipFactory(team=acme.team, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    assert client.post("/settings/webhooks/new/", FORM).status_code == 200
    assert len(endpoints_of(acme)) == 1


def test_it_requires_login(client, endpoint):
    for url in ("/settings/webhooks/", f"/settings/webhooks/{endpoint.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_refuses_reps(client, acme, endpoint):
    client.force_login(acme.rep)
    assert client.get("/settings/webhooks/").status_code == 403
    assert client.post("/settings/webhooks/new/", FORM).status_code == 403
    assert client.get(f"/settings/webhooks/{endpoint.pk}/").status_code == 403
    assert client.post(f"/settings/webhooks/{endpoint.pk}/rotate/").status_code == 403
    assert client.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 403
    assert len(endpoints_of(acme)) == 1 and endpoints_of(acme)[0].secret == endpoint.secret
    assert "/settings/webhooks/" not in client.get("/my-day/").content.decode()  # no link in the navigation


def test_it_validates_input(client, acme):
    client.force_login(acme.manager)
    for bad, message in (
        ({**FORM, "url": "ftp://files.initech.example/drop"}, "Only http:// and https://"),
        ({**FORM, "url": "not a url"}, "Enter a valid URL"),
        ({**FORM, "event_types": []}, "This field is required"),
        ({**FORM, "event_types": ["IMPORT_REQUESTED"]}, "Select a valid choice"),
    ):
        response = client.post("/settings/webhooks/new/", bad)
        assert response.status_code == 422 and message in response.content.decode(), bad
    assert endpoints_of(acme) == []


def test_it_refuses_private_addresses_outside_debug(client, acme, settings):
    settings.WEBHOOK_BLOCK_PRIVATE = True
    client.force_login(acme.manager)
    for url in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/hook", "http://127.0.0.1:6379/",
                "http://[::ffff:127.0.0.1]/hook"):
        response = client.post("/settings/webhooks/new/", {**FORM, "url": url})
        assert response.status_code == 422 and "private, loopback or reserved" in response.content.decode(), url
    assert endpoints_of(acme) == []


def test_it_escapes_user_text(client, acme):
    client.force_login(acme.manager)
    client.post("/settings/webhooks/new/", {**FORM, "description": "<script>alert(1)</script>"})
    page = client.get("/settings/webhooks/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_it_hides_other_teams(client, acme, globex, endpoint):
    [delivery] = deliveries(endpoint, 1, status="failed")
    client.force_login(globex.manager)
    assert "hooks.acme.example" not in client.get("/settings/webhooks/").content.decode()
    base = f"/settings/webhooks/{endpoint.pk}"
    for method, url in (("get", f"{base}/"), ("get", f"{base}/edit/"), ("post", f"{base}/edit/"),
                        ("post", f"{base}/rotate/"), ("post", f"{base}/delete/"),
                        ("post", f"{base}/deliveries/{delivery.pk}/redeliver/")):
        assert getattr(client, method)(url).status_code == 404, url
    with tenancy.use_team(acme.team):
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == endpoint.secret
        assert WebhookDelivery.objects.count() == 1


def test_a_delivery_of_another_endpoint_is_not_found_under_this_one(client, acme, endpoint):
    with tenancy.use_team(acme.team):
        other = WebhookEndpoint.objects.create(team=acme.team, url="https://other.example/", event_types=["DEAL_STALE"])
    [delivery] = deliveries(other, 1, status="failed")
    client.force_login(acme.manager)
    assert client.post(f"/settings/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/").status_code == 404


def test_it_edits_and_disables(client, acme, endpoint):
    client.force_login(acme.manager)
    page = client.get(f"/settings/webhooks/{endpoint.pk}/edit/").content.decode()
    assert re.search(r'<input[^>]*value="LEAD_CREATED"[^>]*checked', page)  # the form starts from what is saved
    assert not re.search(r'<input[^>]*value="DEAL_STALE"[^>]*checked', page)
    response = client.post(f"/settings/webhooks/{endpoint.pk}/edit/",
                           {"url": "https://hooks.acme.example/v2", "event_types": ["DEAL_STALE"]})
    assert response.status_code == 302
    [saved] = endpoints_of(acme)
    assert (saved.url, saved.event_types, saved.active) == ("https://hooks.acme.example/v2", ["DEAL_STALE"], False)


def test_it_rotates_the_secret_and_shows_the_new_one_once(client, acme, endpoint):
    client.force_login(acme.manager)
    response = client.post(f"/settings/webhooks/{endpoint.pk}/rotate/")
    [rotated] = endpoints_of(acme)
    assert rotated.secret != endpoint.secret and rotated.previous_secret == endpoint.secret
    assert rotated.secret in response.content.decode() and endpoint.secret not in response.content.decode()
    assert rotated.previous_secret_expires_at is not None
    assert client.get(f"/settings/webhooks/{endpoint.pk}/rotate/").status_code == 405  # never by a link


def test_it_deletes(client, acme, endpoint):
    deliveries(endpoint, 3)
    client.force_login(acme.manager)
    assert client.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert endpoints_of(acme) == []
    with tenancy.use_team(acme.team):
        assert WebhookDelivery.objects.count() == 0


def test_the_redeliver_button_queues_a_new_delivery_of_the_same_event(client, acme, endpoint):
    [failed] = deliveries(endpoint, 1, status="failed", attempts=8, last_status_code=500)
    client.force_login(acme.manager)
    page = client.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert f'action="/settings/webhooks/{endpoint.pk}/deliveries/{failed.pk}/redeliver/"' in page
    response = client.post(f"/settings/webhooks/{endpoint.pk}/deliveries/{failed.pk}/redeliver/", follow=True)
    with tenancy.use_team(acme.team):
        again = WebhookDelivery.objects.exclude(pk=failed.pk).get()
    assert (again.status, again.attempts, again.event_id, again.redelivery_of_id) == ("pending", 0, 1, failed.pk)
    assert f"Queued delivery #{again.pk}" in response.content.decode()


def test_a_disabled_endpoint_is_not_redelivered_to(client, acme, endpoint):
    [failed] = deliveries(endpoint, 1, status="failed")
    with tenancy.use_team(acme.team):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    client.force_login(acme.manager)
    response = client.post(f"/settings/webhooks/{endpoint.pk}/deliveries/{failed.pk}/redeliver/", follow=True)
    assert "enable it before redelivering" in response.content.decode()
    with tenancy.use_team(acme.team):
        assert WebhookDelivery.objects.count() == 1


def test_the_delivery_log_pages_by_keyset_with_bounded_queries(client, acme, endpoint, django_assert_max_num_queries):
    deliveries(endpoint, 120, status="succeeded", attempts=1, last_status_code=200)
    client.force_login(acme.manager)
    url, seen, pages = f"/settings/webhooks/{endpoint.pk}/", [], 0
    while url:
        with django_assert_max_num_queries(8):  # session, user, seat, context, endpoint, page
            response = client.get(url, headers={"HX-Request": "true"} if pages else {})
        body = response.content.decode()
        seen += [int(i) for i in re.findall(r'<tr id="delivery-(\d+)"', body)]
        more = re.search(r'hx-get="(\?after=[^"]+)"', body)
        url = f"/settings/webhooks/{endpoint.pk}/{more.group(1)}" if more else None
        pages += 1
    with tenancy.use_team(acme.team):
        ids = list(WebhookDelivery.objects.order_by("-id").values_list("pk", flat=True))
    assert pages == 3 and seen == ids  # newest first, each once
    assert client.get(f"/settings/webhooks/{endpoint.pk}/?after=garbage").status_code == 302


def test_the_history_records_a_rotation_but_never_a_secret(client, acme, endpoint):
    client.force_login(acme.manager)
    client.post(f"/settings/webhooks/{endpoint.pk}/rotate/")
    with tenancy.use_team(acme.team):
        history = list(WebhookEndpoint.objects.get(pk=endpoint.pk).events.order_by("pgh_id").values())
    assert [row["pgh_label"] for row in history] == ["insert", "update"]
    assert history[1]["previous_secret_expires_at"] is not None
    assert not [key for row in history for key, value in row.items()
                if ("secret" in key and key != "previous_secret_expires_at") or value == endpoint.secret]


def test_raw_sql_in_one_teams_scope_sees_none_of_another_teams_webhooks(acme, globex, endpoint):
    deliveries(endpoint, 2)
    with tenancy.use_team(globex.team), connection.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM primesync_webhookendpoint), "
                    "(SELECT count(*) FROM primesync_webhookdelivery)")
        assert cur.fetchone() == (0, 0)
    with tenancy.use_team(acme.team), connection.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM primesync_webhookendpoint), "
                    "(SELECT count(*) FROM primesync_webhookdelivery)")
        assert cur.fetchone() == (1, 2)


def test_the_endpoint_list_reads_the_last_deliveries_in_one_query(client, acme, django_assert_max_num_queries):
    with tenancy.use_team(acme.team):
        endpoints = [WebhookEndpoint.objects.create(team=acme.team, url=f"https://hooks{i}.example/",
                                                    event_types=["DEAL_STALE"]) for i in range(10)]
    for endpoint in endpoints:
        deliveries(endpoint, 3, status="succeeded")
    client.force_login(acme.manager)
    with django_assert_max_num_queries(7):  # session, user, seat, context, the list with its subqueries
        page = client.get("/settings/webhooks/").content.decode()
    assert page.count("succeeded, ") == 10 and "hooks9.example" in page
