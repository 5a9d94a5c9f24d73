"""The offline lead form's server side: the service worker script, the session check, the page's markup."""

import pytest

from leads.models import Lead
from primesync import tenancy


@pytest.fixture
def rep_client(client, acme):
    client.force_login(acme.rep)
    return client


def test_it_serves_the_worker_under_leads_so_it_may_control_the_form(client, db):
    response = client.get("/leads/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert b'var CACHE = "lead-form-shell-' in response.content
    assert response.content.startswith(b'var QUEUE_SCRIPT = "/static/js/lead_queue.js";\n')  # what it imports


def test_the_session_check_requires_login(client, db):
    response = client.get("/leads/new/session/")
    assert response.status_code == 401 and "Log in" in response.json()["error"]


def test_the_session_check_answers_a_fresh_token_and_the_account(rep_client, acme):
    response = rep_client.get("/leads/new/session/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["owner"] == f"{acme.rep.pk}:{acme.team.pk}"
    # the token works for a POST from this session, whatever token the cached page held
    rep_client.handler.enforce_csrf_checks = True
    stale = rep_client.post("/leads/new/", {"first_name": "Ada", "source": "web"}, HTTP_X_CSRFTOKEN="x" * 64)
    assert stale.status_code == 403
    created = rep_client.post("/leads/new/", {"first_name": "Ada", "source": "web", "idempotency_key": "k-1"},
                              HTTP_X_CSRFTOKEN=data["csrf"])
    assert created.status_code == 302
    with tenancy.use_team(acme.team):
        assert Lead.objects.filter(first_name="Ada").count() == 1


def test_it_hides_other_teams(client, acme, globex):
    """The session check names only the caller's own account and team."""
    client.force_login(globex.rep)
    assert client.get("/leads/new/session/").json()["owner"] == f"{globex.rep.pk}:{globex.team.pk}"


def test_the_form_carries_the_queue_and_an_empty_key_field(rep_client, acme):
    page = rep_client.get("/leads/new/").content.decode()
    assert f'data-owner="{acme.rep.pk}:{acme.team.pk}"' in page
    assert 'name="idempotency_key" value=""' in page
    assert 'src="/static/js/lead_form_offline.js"' in page and 'data-worker-url="/leads/sw.js"' in page
