"""API v1: POST /api/v1/imports/, GET /api/v1/imports/{id}/ and its errors.csv."""

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from leads.imports import services
from leads.models import Lead, LeadImport
from primesync import tenancy

IMPORTS = "/api/v1/imports/"
FILE = b"Full Name,Email Address,Phone\nAna Silva,ana@x.example,+1 415 555 0100\nBad Row,not-an-email,\n"


def post(client, data=FILE, **fields):
    return client.post(IMPORTS, {"file": SimpleUploadedFile("api.csv", data, content_type="text/csv"), **fields},
                       format="multipart")


def run_queued(team_set, import_id):
    """What the worker does when the IMPORT_REQUESTED event reaches it."""
    return services.import_run(team_id=team_set.team.pk, import_id=import_id)


def test_it_works(acme, api):
    client = api(acme.rep)
    response = post(client)
    assert response.status_code == 202 and set(response.json()) == {"id"}
    import_id = response.json()["id"]
    assert client.get(f"{IMPORTS}{import_id}/").json()["status"] == "pending"
    run_queued(acme, import_id)
    body = client.get(f"{IMPORTS}{import_id}/").json()
    assert {k: body[k] for k in ("status", "total", "created", "updated", "duplicates", "rejected", "errors")} == {
        "status": "done", "total": 2, "created": 1, "updated": 0, "duplicates": 0, "rejected": 1,
        "errors": [{"line": 3, "reason": "email “not-an-email” is not a valid address"}],
    }
    errors = client.get(f"{IMPORTS}{import_id}/errors.csv")
    rows = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode("utf-8-sig"))))
    assert rows == [["Line", "Reason", "Full Name", "Email Address", "Phone"],
                    ["3", "email “not-an-email” is not a valid address", "Bad Row", "not-an-email", ""]]
    with tenancy.use_team(acme.team):
        assert Lead.objects.get().owner == acme.rep  # a rep's import is the rep's


def test_it_requires_login(acme):
    from rest_framework.test import APIClient

    client = APIClient()
    assert post(client).status_code in (401, 403)
    assert client.get(f"{IMPORTS}1/").status_code in (401, 403)
    assert client.get(f"{IMPORTS}1/errors.csv").status_code in (401, 403)


def test_it_hides_other_teams(acme, globex, api):
    theirs = post(api(globex.manager)).json()["id"]
    client = api(acme.manager)
    missing = client.get(f"{IMPORTS}999999/")
    foreign = client.get(f"{IMPORTS}{theirs}/")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    assert client.get(f"{IMPORTS}{theirs}/errors.csv").status_code == 404
    # the same file in another team is that team's first import of it
    assert post(client).status_code == 202


def test_a_rep_follows_only_their_own_imports(acme, api):
    managers = post(api(acme.manager)).json()["id"]
    assert api(acme.rep).get(f"{IMPORTS}{managers}/").status_code == 404


def test_it_validates_input(acme, api):
    client = api(acme.manager)
    assert client.post(IMPORTS, {}, format="multipart").json()["file"]
    assert post(client, mapping="{nope").json() == {"mapping": ["Not valid JSON."]}
    assert post(client, mapping='{"Nope": "email"}').json() == {"mapping": ["No column named 'Nope' in the file."]}
    assert post(client, on_duplicate="merge").status_code == 400
    assert post(client, data=b"").status_code == 400
    assert post(client, default_owner=999999).json() == {"default_owner": ["Not a member of this team."]}
    rep = post(api(acme.rep), default_owner=acme.manager.pk)
    assert rep.status_code == 403 and rep.json() == {"detail": "Only managers can choose who owns imported leads."}


def test_a_mapping_and_options_are_taken(acme, api):
    client = api(acme.manager)
    mapping = {"Full Name": "full_name", "Email Address": "", "Phone": "phone"}
    response = post(client, mapping=json.dumps(mapping), on_duplicate="update_empty", default_owner=acme.rep.pk,
                    phone_region="DE")
    with tenancy.use_team(acme.team):
        job = LeadImport.objects.get(pk=response.json()["id"])
    assert (job.mapping, job.on_duplicate, job.default_owner, job.phone_region) == (
        mapping, "update_empty", acme.rep, "DE")


def test_the_same_file_again_answers_with_the_first_import(acme, api):
    client = api(acme.manager)
    first = post(client).json()["id"]
    run_queued(acme, first)
    again = post(client)
    assert again.status_code == 200
    assert again.json()["id"] == first and again.json()["already_imported"] is True
    assert "already imported on" in again.json()["detail"]
    with tenancy.use_team(acme.team):
        assert LeadImport.objects.count() == 1 and Lead.objects.count() == 1
