"""/settings/api-tokens/: a user's API tokens, created and revoked; a team admin sees the team's."""

import pytest
from rest_framework.test import APIClient

from primesync.models import ApiToken, Role
from primesync.services import api_token_create
from tests.factories import MembershipFactory, UserFactory

URL = "/settings/api-tokens/"


@pytest.fixture
def admin(acme):
    user = UserFactory(email="admin@acme.test")
    MembershipFactory(team=acme.team, user=user, role=Role.ADMIN)
    return user


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/leads/").status_code


def test_it_requires_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lists_only_the_users_own_tokens(client, acme):
    mine, _ = api_token_create(user=acme.rep, name="Zapier sync")
    theirs, _ = api_token_create(user=acme.manager, name="Manager script")
    client.force_login(acme.rep)
    page = client.get(URL).content.decode()
    assert f'id="api-token-{mine.pk}"' in page and "Zapier sync" in page and f"{mine.prefix}…" in page
    assert f'id="api-token-{theirs.pk}"' not in page and "Manager script" not in page
    assert mine.key_hash not in page


def test_a_manager_sees_only_their_own_tokens_too(client, acme):
    theirs, _ = api_token_create(user=acme.rep, name="Rep script")
    client.force_login(acme.manager)
    assert f'id="api-token-{theirs.pk}"' not in client.get(URL).content.decode()


def test_a_team_admin_sees_and_revokes_the_teams_tokens_but_not_another_teams(client, acme, globex, admin):
    reps, rep_key = api_token_create(user=acme.rep, name="Rep script")
    foreign, foreign_key = api_token_create(user=globex.rep, name="Globex script")
    client.force_login(admin)
    page = client.get(URL).content.decode()
    assert f'id="api-token-{reps.pk}"' in page and acme.rep.display_name in page
    assert f'id="api-token-{foreign.pk}"' not in page
    assert client.post(f"{URL}{reps.pk}/revoke/").status_code == 302
    assert api_status(rep_key) == 401
    assert client.post(f"{URL}{foreign.pk}/revoke/").status_code == 404
    assert api_status(foreign_key) == 200


def test_it_creates_a_named_token_and_shows_the_key_once(client, acme):
    client.force_login(acme.rep)
    response = client.post(URL, {"name": "Reporting script"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=acme.rep)
    key = response.context["new_key"]
    assert key.startswith(token.prefix) and token.name == "Reporting script" and token.team == acme.team
    page = response.content.decode()
    assert f'value="{key}"' in page and "shown only this once" in page and 'data-copy="#new-token-key"' in page
    assert api_status(key) == 200
    assert key not in client.get(URL).content.decode()  # never again


def test_it_validates_input(client, acme):
    client.force_login(acme.rep)
    response = client.post(URL, {"name": ""})
    assert response.status_code == 422 and "This field is required" in response.content.decode()
    response = client.post(URL, {"name": "x" * 81})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_it_revokes_after_confirming_and_the_token_answers_401(client, acme):
    token, key = api_token_create(user=acme.rep, name="Old script")
    client.force_login(acme.rep)
    confirm = client.get(f"{URL}{token.pk}/revoke/")
    assert confirm.status_code == 200 and "Revoke the token" in confirm.content.decode()
    assert api_status(key) == 200  # asking is not revoking
    response = client.post(f"{URL}{token.pk}/revoke/", follow=True)
    assert response.redirect_chain[-1][0] == URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_status(key) == 401
    page = response.content.decode()
    assert "Revoked the token" in page and 'id="revoked-tokens"' in page and f'id="api-token-{token.pk}"' in page


def test_it_hides_other_teams(client, acme, globex):
    foreign, key = api_token_create(user=globex.manager, name="Globex")
    own_rep, _ = api_token_create(user=acme.manager, name="Acme manager")
    client.force_login(acme.rep)
    for target in (foreign, own_rep):  # another team's token, and a teammate's (not an admin)
        assert client.get(f"{URL}{target.pk}/revoke/").status_code == 404
        assert client.post(f"{URL}{target.pk}/revoke/").status_code == 404
    assert client.post(f"{URL}987654/revoke/").status_code == 404
    assert api_status(key) == 200


def test_it_escapes_token_names(client, acme):
    api_token_create(user=acme.rep, name='<script>alert("x")</script>')
    client.force_login(acme.rep)
    page = client.get(URL).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_layout_links_to_it(client, acme):
    client.force_login(acme.rep)
    assert f'href="{URL}"' in client.get("/my-day/").content.decode()
