"""Login lockout (django-axes): per account and address together, on the login page and the token API."""

from datetime import timedelta

from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
LIMIT = 3


def fail_login(client, email, times):
    for _ in range(times):
        client.post(LOGIN, {"username": email, "password": "wrong"})


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_it_locks_the_account_from_that_address_and_says_until_when(acme):
    client = Client(REMOTE_ADDR="10.0.0.1")
    fail_login(client, "rep@acme.test", LIMIT - 1)
    response = client.post(LOGIN, {"username": "REP@acme.test", "password": "wrong"})  # any case: one account
    assert response.status_code == 429
    body = response.content.decode()
    assert "Login locked" in body and "try again after" in body
    until = timezone.now() + timedelta(minutes=15)
    assert until.strftime("%H:%M") in body or (until - timedelta(minutes=1)).strftime("%H:%M") in body
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    # the right password does not get through while locked
    assert client.post(LOGIN, {"username": "rep@acme.test", "password": PASSWORD}).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_it_never_locks_the_whole_office_address(acme):
    fail_login(Client(REMOTE_ADDR="10.0.0.1"), "rep@acme.test", LIMIT)
    colleague = Client(REMOTE_ADDR="10.0.0.1")
    response = colleague.post(LOGIN, {"username": "manager@acme.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/my-day/"


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_same_account_from_another_address_still_logs_in(acme):
    fail_login(Client(REMOTE_ADDR="10.0.0.1"), "rep@acme.test", LIMIT)
    response = Client(REMOTE_ADDR="10.0.0.2").post(LOGIN, {"username": "rep@acme.test", "password": PASSWORD})
    assert response.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT, AXES_COOLOFF_TIME=timedelta(minutes=15))
def test_the_lockout_ends_after_the_cool_off(acme):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="10.0.0.1")
    fail_login(client, "rep@acme.test", LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert client.post(LOGIN, {"username": "rep@acme.test", "password": PASSWORD}).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_a_success_before_the_limit_starts_the_count_again(acme):
    client = Client(REMOTE_ADDR="10.0.0.1")
    fail_login(client, "rep@acme.test", LIMIT - 1)
    assert client.post(LOGIN, {"username": "rep@acme.test", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    fail_login(client, "rep@acme.test", LIMIT - 1)
    assert client.post(LOGIN, {"username": "rep@acme.test", "password": PASSWORD}).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_token_endpoint_counts_failures_and_locks_too(acme):
    client = APIClient(REMOTE_ADDR="10.0.0.3")
    for _ in range(LIMIT - 1):
        assert client.post(TOKEN, {"email": "rep@acme.test", "password": "wrong"}, format="json").status_code == 400
    response = client.post(TOKEN, {"email": "rep@acme.test", "password": "wrong"}, format="json")
    assert response.status_code == 429
    assert "locked" in response.json()["detail"] and response.json()["locked_until"]
    assert int(response["Retry-After"]) > 0
    locked = client.post(TOKEN, {"email": "rep@acme.test", "password": PASSWORD}, format="json")
    assert locked.status_code == 429 and "token" not in locked.json()
    # the login page shares the count: same account, same address
    assert Client(REMOTE_ADDR="10.0.0.3").post(
        LOGIN, {"username": "rep@acme.test", "password": PASSWORD}).status_code == 429
    other = APIClient(REMOTE_ADDR="10.0.0.3").post(TOKEN, {"email": "manager@acme.test", "password": PASSWORD},
                                                   format="json")
    assert other.status_code == 200
