"""The API keeps its published contract: the schema is valid, and the live server answers as it says.

schemathesis generates requests from the schema /api/schema/ serves, for every operation, and sends
them to the real server (uvicorn on the test database) with a manager's token: no answer may be a
5xx, and every answer's status, content type, headers and body must be ones the schema describes.
"""

import json

import pytest
import requests
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks

from primesync.services import api_token_create
from tests.conftest import make_team, truncate_all
from tests.factories import CompanyFactory, LeadFactory


def test_the_schema_is_valid_without_warnings(tmp_path):
    # drf-spectacular validates against the OpenAPI 3 meta-schema; a warning (an untyped field, a view
    # it cannot describe) fails the command.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")


def test_the_docs_page_loads_its_assets_from_this_server(db, client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html and "<script>" not in html


def test_csv_downloads_accept_text_csv(acme, api):
    client = api(acme.rep)
    export = client.get("/api/v1/leads/export.csv", HTTP_ACCEPT="text/csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    missing = client.get("/api/v1/imports/999999/errors.csv", HTTP_ACCEPT="text/csv")
    assert missing.status_code == 404 and "detail" in missing.json()


def published_schema() -> dict:
    """What /api/schema/ serves (a test below checks the live one is the same), as JSON."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(published_schema())
# What the contract promises. Not "schema-valid data is accepted": business rules the schema cannot say
# (a lead needs an email, a phone or a name; a wrong password) rightly answer a documented 400.
CONTRACT_CHECKS = [
    checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
    checks.response_headers_conformance, checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def token(django_db_setup, django_db_blocker):
    """A manager's token of a team with a few rows (so that some generated ids exist), committed for the server."""
    with django_db_blocker.unblock():
        try:
            acme = make_team("acme")
            for _ in range(3):
                LeadFactory(team=acme.team, owner=acme.rep, company=CompanyFactory(team=acme.team))
            _, key = api_token_create(user=acme.manager, team=acme.team)
            yield key
        finally:
            truncate_all()


def test_the_live_server_serves_this_schema(asgi_server):
    served = requests.get(f"{asgi_server.url}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"},
                          timeout=30)
    assert served.status_code == 200
    assert served.json() == schema.raw_schema


@schema.parametrize()
@settings(
    max_examples=10, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_live_api_matches_its_schema(case, token, asgi_server):
    case.call_and_validate(base_url=asgi_server.url, headers={"Authorization": f"Token {token}"}, timeout=30,
                           checks=CONTRACT_CHECKS)
