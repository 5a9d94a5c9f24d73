"""Idempotency-Key on API POSTs: replay, conflict, expiry, concurrency, per-user keys."""

from datetime import timedelta
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from drf_spectacular.generators import EndpointEnumerator

from leads.models import Lead, LeadImport
from primesync import tasks, tenancy
from primesync.api import TokenView
from primesync.idempotency import IdempotentPostMixin
from primesync.models import IdempotencyKey
from tests.conftest import make_team
from tests.factories import LeadFactory
from tests.workers import at_once

LEADS = "/api/v1/leads/"


def post_lead(client, key, **fields):
    body = {"first_name": "Ana", "email": "ana@prospect.example", **fields}
    return client.post(LEADS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def lead_count(team_set) -> int:
    with tenancy.use_team(team_set.team):
        return Lead.objects.count()


def test_a_retry_gets_the_first_answer_and_writes_nothing(acme, api):
    client = api(acme.rep)
    first = post_lead(client, "k-1")
    again = post_lead(client, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert lead_count(acme) == 1


def test_the_same_key_with_another_body_is_422(acme, api):
    client = api(acme.rep)
    post_lead(client, "k-1")
    response = post_lead(client, "k-1", first_name="Bea")
    assert response.status_code == 422
    assert "already used for a different request" in response.json()["detail"]
    assert lead_count(acme) == 1


def test_another_path_with_the_same_key_is_422(acme, api):
    client = api(acme.rep)
    post_lead(client, "k-1")
    response = client.post("/api/v1/companies/", {"name": "Acme"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422


def test_without_a_key_every_post_writes(acme, api):
    client = api(acme.rep)
    client.post(LEADS, {"email": "a@prospect.example"}, format="json")
    client.post(LEADS, {"email": "a@prospect.example"}, format="json")
    assert lead_count(acme) == 2


def test_a_refused_request_keeps_no_key_so_the_fixed_one_goes_through(acme, api):
    client = api(acme.rep)
    refused = client.post(LEADS, {"title": "no name, no email"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert refused.status_code == 400
    assert post_lead(client, "k-1").status_code == 201
    assert lead_count(acme) == 1


def test_a_key_that_is_not_valid_is_400(acme, api):
    response = post_lead(api(acme.rep), "x" * 256)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert lead_count(acme) == 0


def test_keys_are_per_user(acme, api):
    """The rep's and the manager's "k-1" are two keys: each writes its own lead."""
    rep, manager = api(acme.rep), api(acme.manager)
    assert post_lead(rep, "k-1").status_code == 201
    response = post_lead(manager, "k-1", first_name="Bea")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert lead_count(acme) == 2


def test_keys_are_per_team(acme, globex, api):
    assert post_lead(api(acme.rep), "k-1").status_code == 201
    assert post_lead(api(globex.rep), "k-1").status_code == 201
    assert lead_count(acme) == lead_count(globex) == 1


def test_a_key_expires_after_24_hours(acme, api, settings):
    client = api(acme.rep)
    post_lead(client, "k-1")
    with tenancy.use_team(acme.team):
        IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    response = post_lead(client, "k-1", first_name="Bea")  # an old key is a new key: no 422
    assert response.status_code == 201 and response.json()["first_name"] == "Bea"
    assert lead_count(acme) == 2


def test_the_purge_forgets_keys_older_than_24_hours(acme, api):
    client = api(acme.rep)
    post_lead(client, "old")
    post_lead(client, "new")
    with tenancy.use_team(acme.team):
        IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert tasks.purge_idempotency_keys() == 1
    with tenancy.use_team(acme.team):
        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_an_upload_retried_with_another_boundary_is_replayed(acme, api):
    """Multipart boundaries differ per request; the key still matches the same file and fields."""
    client = api(acme.rep)

    def upload():
        data = b"Email\nana@prospect.example\n"
        return client.post("/api/v1/imports/", {"file": SimpleUploadedFile("a.csv", data, content_type="text/csv")},
                           format="multipart", HTTP_IDEMPOTENCY_KEY="upload-1")

    first, again = upload(), upload()
    assert first.status_code == again.status_code == 202 and again.json() == first.json()
    with tenancy.use_team(acme.team):
        assert LeadImport.objects.count() == 1


def test_a_re_enrichment_is_replayed(acme, api):
    lead = LeadFactory(team=acme.team, owner=acme.rep)
    client = api(acme.rep)
    first = client.post(f"{LEADS}{lead.pk}/enrich/", HTTP_IDEMPOTENCY_KEY="enrich-1")
    again = client.post(f"{LEADS}{lead.pk}/enrich/", HTTP_IDEMPOTENCY_KEY="enrich-1")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("attempt", range(3))
def test_two_requests_with_one_key_at_once_write_once(committed, api, attempt):
    """The second waits on the key's unique index until the first commits, then replays its answer."""
    acme = make_team("acme")
    clients = [api(acme.rep), api(acme.rep)]
    responses = at_once(*(partial(post_lead, c, f"race-{attempt}") for c in clients))
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sum(r.has_header("Idempotent-Replayed") for r in responses) == 1
    assert lead_count(acme) == 1


def test_every_api_post_takes_a_key():
    """A new POST endpoint must be idempotent too; the token endpoint is the one exception (no user yet,
    and replaying it would store a live token in the database)."""
    posts = [(path, callback.cls) for path, _, method, callback in EndpointEnumerator().get_api_endpoints()
             if method == "POST"]
    assert len(posts) >= 6
    for path, view in posts:
        assert issubclass(view, IdempotentPostMixin) or view is TokenView, path
