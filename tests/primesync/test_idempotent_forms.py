"""Idempotent HTML form POSTs, through the lead form: a resend with the same key is answered as the first time."""

from functools import partial

import pytest
from django.test import Client, RequestFactory

from leads.models import Lead
from primesync import tenancy
from primesync.idempotent_forms import form_hash
from primesync.models import IdempotencyKey
from tests.conftest import make_team
from tests.workers import at_once

NEW_LEAD = "/leads/new/"
ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engine.io", "source": "web"}


def send(client, key, **fields):
    return client.post(NEW_LEAD, {**ADA, **fields, "idempotency_key": key})


def leads(team_set) -> list[str]:
    with tenancy.use_team(team_set.team):
        return list(Lead.objects.order_by("pk").values_list("first_name", flat=True))


@pytest.fixture
def rep_client(client, acme):
    client.force_login(acme.rep)
    return client


def test_a_resend_with_the_same_key_is_answered_as_the_first_time_and_writes_nothing(rep_client, acme):
    first = send(rep_client, "k-1")
    again = send(rep_client, "k-1")
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] and first["Location"].startswith("/leads/")
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert leads(acme) == ["Ada"]


def test_the_same_key_with_other_fields_is_422_and_writes_nothing(rep_client, acme):
    send(rep_client, "k-1")
    response = send(rep_client, "k-1", first_name="Bea", email="bea@engine.io")
    assert response.status_code == 422
    assert b"already sent with other values" in response.content
    assert leads(acme) == ["Ada"]


def test_a_new_csrf_token_does_not_make_a_resend_another_request(rep_client, acme):
    """The page's CSRF token may change between the first send and its replay (a reload, a new session)."""
    first = rep_client.post(NEW_LEAD, {**ADA, "idempotency_key": "k-1", "csrfmiddlewaretoken": "a" * 64})
    again = rep_client.post(NEW_LEAD, {**ADA, "idempotency_key": "k-1", "csrfmiddlewaretoken": "b" * 64})
    assert again["Location"] == first["Location"] and again["Idempotent-Replayed"] == "true"
    assert leads(acme) == ["Ada"]


def test_a_refused_form_keeps_no_key_so_the_fixed_one_goes_through(rep_client, acme):
    refused = send(rep_client, "k-1", email="not-an-email")
    assert refused.status_code == 422 and b"Enter a valid email address." in refused.content
    assert send(rep_client, "k-1").status_code == 302
    assert leads(acme) == ["Ada"]
    with tenancy.use_team(acme.team):
        assert IdempotencyKey.objects.get(key="k-1").response_status == 302


def test_keys_are_per_user(client, acme):
    """The rep's and the manager's "k-1" are two keys: each creates its own lead."""
    client.force_login(acme.rep)
    send(client, "k-1")
    client.force_login(acme.manager)
    response = send(client, "k-1", first_name="Bea", email="bea@engine.io")
    assert response.status_code == 302 and not response.has_header("Idempotent-Replayed")
    assert leads(acme) == ["Ada", "Bea"]


def test_it_hides_other_teams(client, acme, globex):
    """Globex's rep sending Acme's key gets a lead of their own, never Acme's redirect."""
    client.force_login(acme.rep)
    acme_answer = send(client, "k-1")
    client.force_login(globex.rep)
    globex_answer = send(client, "k-1")
    assert globex_answer.status_code == 302 and globex_answer["Location"] != acme_answer["Location"]
    assert leads(acme) == leads(globex) == ["Ada"]


def test_a_key_that_is_not_valid_is_refused(rep_client, acme):
    response = send(rep_client, "x" * 256)
    assert response.status_code == 422 and b"key is not valid" in response.content
    assert leads(acme) == []


def test_without_a_key_the_form_works_as_before(rep_client, acme):
    assert rep_client.post(NEW_LEAD, ADA).status_code == 302
    assert leads(acme) == ["Ada"]
    with tenancy.use_team(acme.team):
        assert not IdempotencyKey.objects.exists()


def test_the_hash_ignores_field_order_the_key_and_the_csrf_token():
    factory = RequestFactory()
    one = factory.post(NEW_LEAD, {"a": "1", "b": "2", "idempotency_key": "k", "csrfmiddlewaretoken": "x"})
    two = factory.post(NEW_LEAD, {"b": "2", "a": "1", "idempotency_key": "j", "csrfmiddlewaretoken": "y"})
    other = factory.post(NEW_LEAD, {"a": "1", "b": "3"})
    elsewhere = factory.post("/companies/new/", {"a": "1", "b": "2"})
    assert form_hash(one) == form_hash(two)
    assert len({form_hash(one), form_hash(other), form_hash(elsewhere)}) == 3


@pytest.mark.parametrize("attempt", range(3))
def test_two_sends_of_one_key_at_once_create_one_lead(committed, attempt):
    """Two tabs replaying the same queued lead: the second waits on the key's index, then replays the first's answer."""
    acme = make_team("acme")
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(acme.rep)
    responses = at_once(*(partial(send, c, f"race-{attempt}") for c in clients))
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert sum(r.has_header("Idempotent-Replayed") for r in responses) == 1
    assert leads(acme) == ["Ada"]
