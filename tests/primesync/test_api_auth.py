"""POST /api/v1/auth/token/ and the Token header."""

from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from primesync.models import ApiToken
from tests.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/token/"


def test_it_issues_a_token_that_works(acme):
    client = APIClient()
    response = client.post(URL, {"email": "REP@acme.test", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/leads/").status_code == 200
    stored = ApiToken.objects.get(user=acme.rep)
    assert stored.key_hash != token and token.startswith(stored.prefix)  # only the hash is kept


def test_it_refuses_a_wrong_password(acme):
    response = APIClient().post(URL, {"email": "rep@acme.test", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_it_validates_input(db):
    response = APIClient().post(URL, {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_it_refuses_a_user_without_a_team(db):
    UserFactory(email="loner@example.test")
    response = APIClient().post(URL, {"email": "loner@example.test", "password": PASSWORD}, format="json")
    assert response.status_code == 400


@override_settings(DEMO_MODE=False)
def test_it_refuses_the_demo_password_outside_demo_mode(acme):
    acme.rep.set_password("primesync-demo")
    acme.rep.save()
    response = APIClient().post(URL, {"email": "rep@acme.test", "password": "primesync-demo"}, format="json")
    assert response.status_code == 400


def test_it_requires_a_token(acme):
    assert APIClient().get("/api/v1/leads/").status_code in (401, 403)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/leads/").status_code == 401


def test_a_revoked_token_stops_working(acme, api):
    client = api(acme.rep)
    ApiToken.objects.filter(user=acme.rep).update(revoked_at=timezone.now())
    assert client.get("/api/v1/leads/").status_code == 401


def test_a_token_stops_working_when_its_membership_ends(acme, api):
    client = api(acme.rep)
    acme.rep.memberships.all().delete()
    assert client.get("/api/v1/leads/").status_code == 401
