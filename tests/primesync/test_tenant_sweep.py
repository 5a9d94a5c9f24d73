"""Every URL, API route and websocket route, tried by 3 teams x 3 roles against the other teams' objects.

The URL list comes from the resolver itself, so a new page or endpoint is swept the day it is added:
a path parameter this module cannot fill makes the sweep fail rather than skip it. A foreign id must
answer exactly like an id that does not exist (same status, same body once ids and CSRF tokens are
masked): anything else tells an outsider the object exists, or shows it.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter

import pytest
import websockets
from django.contrib.admin.sites import site as admin_site
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from leads.models import EnrichmentRequest, SavedView
from leads.models.duplicates import DuplicateCandidate, LeadMerge
from leads.models.imports import ImportFile, LeadImport
from leads.models.routing import AssignmentRule
from leads.models.sequences import Sequence
from primesync import tenancy
from primesync.asgi import websocket_urlpatterns
from primesync.models import Role
from primesync.permissions import IsManager
from primesync.services import api_token_create
from primesync.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import make_team
from tests.dashboards.test_consumers import connect
from tests.factories import ActivityFactory, CompanyFactory, DealFactory, LeadFactory, MembershipFactory, UserFactory
from tests.workers import run_async

MISSING_ID = 987654321
# Path parameters no object stands behind: they are checked by their own tests.
NOT_OBJECTS = {"token", "uidb64", "format"}
# Which object a "pk" names, by the route's beginning (longest first).
PK_OWNERS = [
    ("api/v1/leads/", "lead"), ("api/v1/companies/", "company"), ("api/v1/deals/", "deal"),
    ("api/v1/pipelines/", "pipeline"), ("api/v1/imports/", "lead_import"),
    ("leads/views/", "saved_view"), ("leads/", "lead"), ("companies/", "company"), ("activities/", "activity"),
    ("settings/routing/rules/", "rule"), ("sequences/", "sequence"), ("duplicates/merges/", "merge"),
    ("duplicates/", "pair"), ("imports/", "lead_import"), ("deals/", "deal"),
    ("settings/webhooks/", "webhook_endpoint"), ("settings/api-tokens/", "api_token"),
]
OTHER_PARAMS = {"user_id": "user", "file_id": "import_file", "stage_id": "stage", "batch_id": "batch",
                "delivery_id": "webhook_delivery"}
# Text parameters that pick a field or a metric rather than an object: a real value of each.
TEXT_PARAMS = {"field": "first_name", "name": "pipeline"}
MASKS = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="T"'),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), '"X-CSRFToken": "T"'),
]


def routes():
    """(route with {param} placeholders, callback) for every URL pattern outside /admin/."""

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/"):
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.callback

    for raw, callback in walk(get_resolver().url_patterns, ""):
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", raw).replace("^", "").replace("$", "").replace("\\.", ".")
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("/?", "/")
        yield route, callback


def object_routes():
    """Routes naming an object: (route, {param: object key})."""
    found = []
    for route, _ in routes():
        params = re.findall(r"{(\w+)}", route)
        if not params or set(params) & NOT_OBJECTS:
            continue
        keys = {}
        for param in params:
            if param in TEXT_PARAMS:
                continue
            if param == "pk":
                keys[param] = next((key for start, key in PK_OWNERS if route.startswith(start)), None)
            else:
                keys[param] = OTHER_PARAMS.get(param)
            assert keys[param] is not None, f"the sweep cannot fill {{{param}}} of {route}: teach it"
        if keys:
            found.append((route, keys))
    return found


def team_objects(ts, admin):
    """One of everything a team owns, by the keys the routes use."""
    with tenancy.use_team(ts.team):
        company = CompanyFactory(team=ts.team)
        lead = LeadFactory(team=ts.team, owner=ts.rep, company=company)
        twin = LeadFactory(team=ts.team, owner=ts.rep)
        a, b = sorted([lead, twin], key=lambda x: x.pk)
        pair = DuplicateCandidate.objects.create(team=ts.team, lead_a=a, lead_b=b, score=90, reasons=["same email"])
        row = {"model": "leads.lead", "pk": twin.pk, "fields": {"first_name": "Twin", "last_name": "Lead"}}
        merge = LeadMerge.objects.create(team=ts.team, survivor=lead, merged_lead=twin, merged_name="Twin Lead",
                                         survivor_before={**row, "pk": lead.pk}, survivor_after={**row, "pk": lead.pk},
                                         merged_row=row)
        import_file = ImportFile.objects.create(team=ts.team, uploaded_by=ts.rep, name="leads.csv", sha256="0" * 64,
                                                size=10, content=b"email\nx@y.z\n")
        batch = uuid.uuid4()
        EnrichmentRequest.objects.create(team=ts.team, lead=twin, batch=batch)
        stage = ts.stage("Prospecting")
        endpoint = WebhookEndpoint.objects.create(team=ts.team, url="https://hooks.example.com/crm",
                                                  event_types=["LEAD_CREATED"])
        delivery = WebhookDelivery.objects.create(team=ts.team, endpoint=endpoint, event_id=1, event_type="LEAD_CREATED",
                                                  payload={}, status="failed")
        return {
            "company": company.pk, "lead": lead.pk, "pair": pair.pk, "merge": merge.pk,
            "activity": ActivityFactory(team=ts.team, lead=lead, created_by=ts.rep).pk,
            "saved_view": SavedView.objects.create(team=ts.team, user=ts.rep, name="Mine", query="q=x").pk,
            "rule": AssignmentRule.objects.create(team=ts.team, name="West").pk,
            "sequence": Sequence.objects.create(team=ts.team, name="Outreach").pk,
            "import_file": import_file.pk,
            "lead_import": LeadImport.objects.create(team=ts.team, file=import_file, file_sha256="0" * 64,
                                                     file_name="leads.csv", created_by=ts.rep).pk,
            "deal": DealFactory(team=ts.team, pipeline=ts.pipeline, stage=stage, owner=ts.rep).pk,
            "pipeline": ts.pipeline.pk, "stage": stage.pk, "user": ts.rep.pk, "batch": str(batch),
            "admin_user": admin.pk,
            "webhook_endpoint": endpoint.pk, "webhook_delivery": delivery.pk,
            "api_token": api_token_create(user=ts.rep, team=ts.team)[0].pk,
        }


def fill(route, keys, values):
    url = route
    for param, key in keys.items():
        url = url.replace("{" + param + "}", str(values[key]))
    for param, value in TEXT_PARAMS.items():
        url = url.replace("{" + param + "}", value)
    return "/" + url


def answer(response, url) -> tuple:
    """What a client learns: status, type and body, with the per-request CSRF token and the URL itself masked."""
    body = response.content.decode(errors="replace")
    for pattern, replacement in MASKS:
        body = pattern.sub(replacement, body)
    body = body.replace(url, "URL")
    return response.status_code, response.get("Content-Type", ""), body


@pytest.fixture
def world(db):
    teams = []
    for slug in ("acme", "globex", "initech"):
        ts = make_team(slug)
        admin = UserFactory(email=f"admin@{slug}.test")
        MembershipFactory(team=ts.team, user=admin, role=Role.ADMIN)
        teams.append((ts, {"rep": ts.rep, "manager": ts.manager, "admin": admin}, team_objects(ts, admin)))
    return teams


def test_no_team_reaches_another_teams_objects_and_foreign_looks_missing(world):
    swept = object_routes()
    assert len(swept) > 30  # the resolver really was walked
    missing = {key: MISSING_ID for key in [*OTHER_PARAMS.values(), *(k for _, k in PK_OWNERS)]}
    missing["batch"] = str(uuid.UUID(int=MISSING_ID))
    leaks, requests = [], 0
    statuses = Counter()
    for i, (_, users, own) in enumerate(world):
        others = [objects for j, (_, _, objects) in enumerate(world) if j != i]
        for role, user in users.items():
            client = Client(raise_request_exception=False)
            client.force_login(user)
            # the control: the same user does reach their own team's objects, so refusals below mean something
            for own_url in (f"/leads/{own['lead']}/", f"/api/v1/leads/{own['lead']}/", f"/deals/{own['deal']}/"):
                assert client.get(own_url).status_code == 200, (role, own_url)
            for route, keys in swept:
                for method in ("get", "post"):
                    url = fill(route, keys, missing)
                    nothing = answer(getattr(client, method)(url), url)
                    for objects in others:
                        url = fill(route, keys, objects)
                        response = getattr(client, method)(url)
                        requests += 1
                        statuses[response.status_code] += 1
                        if answer(response, url) != nothing or not 400 <= response.status_code < 500:
                            leaks.append(f"{role} {method.upper()} {url} -> {response.status_code} "
                                         f"(missing id: {nothing[0]})")
    assert leaks == [], "\n".join(leaks)
    assert requests > 1000 and statuses[404] > requests / 2, statuses


def manager_only_views():
    for route, callback in routes():
        cls = getattr(callback, "cls", None)
        view_class = getattr(callback, "view_class", None)
        marked = getattr(callback, "manager_only", False) or getattr(view_class, "manager_only", False)
        if marked or (cls is not None and any(issubclass(p, IsManager) for p in cls.permission_classes)):
            yield route


def test_every_manager_only_page_refuses_a_rep(world):
    _, users, objects = world[0]
    pages = list(manager_only_views())
    assert len(pages) >= 3  # routing settings, rules, quality at least
    client = Client(raise_request_exception=False)
    client.force_login(users["rep"])
    manager = Client(raise_request_exception=False)
    manager.force_login(users["manager"])
    keyed = dict(object_routes())
    refused = {}
    for route in pages:
        url = fill(route, keyed.get(route, {}), objects)
        refused[url] = (client.get(url).status_code, manager.get(url).status_code)
    assert {url: codes for url, codes in refused.items() if codes[0] != 403} == {}
    assert all(codes[1] != 403 for codes in refused.values()), refused


def test_admin_pages_refuse_team_members_who_are_not_staff(world):
    _, users, _ = world[0]
    urls = ["/admin/"] + [f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin_site._registry]
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        answers = {url: client.get(url).status_code for url in urls}
        assert all(code == 302 for code in answers.values()), (role, answers)  # to the admin login, never the page
        assert client.get("/admin/").url.startswith("/admin/login/")


def ws_answer(server, path, user) -> int:
    """The HTTP status of the websocket handshake (101 when accepted)."""

    async def scenario():
        async with connect(server, path, user):
            return 101

    try:
        return run_async(scenario())
    except websockets.InvalidStatus as refused:
        return refused.response.status_code


def test_no_team_opens_another_teams_live_socket_and_foreign_looks_missing(committed, asgi_server):
    # Every websocket route, with its object parameters (today: /ws/live/?board=<pipeline id>).
    assert [str(p.pattern) for p in websocket_urlpatterns] == ["ws/live/"], "teach the sweep the new route"
    teams = []
    for slug in ("acme", "globex", "initech"):
        ts = make_team(slug)
        admin = UserFactory(email=f"admin@{slug}.test")
        MembershipFactory(team=ts.team, user=admin, role=Role.ADMIN)
        teams.append((ts, (ts.rep, ts.manager, admin)))
    answers = {}
    for ts, users in teams:
        for user in users:
            assert ws_answer(asgi_server, f"/ws/live/?board={ts.pipeline.pk}", user) == 101  # the control
            missing = ws_answer(asgi_server, f"/ws/live/?board={MISSING_ID}", user)
            for other, _ in teams:
                if other is not ts:
                    answers[(user.email, other.team.slug)] = (
                        ws_answer(asgi_server, f"/ws/live/?board={other.pipeline.pk}", user), missing)
    assert len(answers) == 18
    assert {who: codes for who, codes in answers.items() if codes != (403, 403)} == {}
