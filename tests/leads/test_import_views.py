"""Pages: /imports/new/ (upload, map, preview), /imports/<id>/ (progress, outcome), its errors.csv, /imports/."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leads.imports import services
from leads.models import ImportFile, ImportMapping, Lead, LeadImport
from primesync import tenancy

GOOD = b"First Name,Last Name,E-mail,Mobile,Job Title\nAna,Silva,ana@x.example,+1 415 555 0100,VP Sales\n" \
       b"Ben,Okafor,=cmd|' /C calc'!A0,,CTO\n"


@pytest.fixture
def rep_client(client, acme):
    client.force_login(acme.rep)
    return client


@pytest.fixture
def manager_client(client, acme):
    client.force_login(acme.manager)
    return client


def upload(client, data=GOOD, name="leads.csv"):
    return client.post("/imports/new/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def mapping_post(headers_targets, **options):
    data = {f"col{i}": target for i, target in enumerate(headers_targets)}
    return {"on_duplicate": "skip", "phone_region": "US", **data, **options}


def finished_job(team_set, by, data=GOOD):
    with tenancy.use_team(team_set.team):
        upload_ = services.import_file_upload(team=team_set.team, by=by, name="leads.csv", data=data)
        job = services.import_start(team=team_set.team, by=by, may_assign=False, import_file=upload_)
    return services.import_run(team_id=team_set.team.pk, import_id=job.pk)


def test_it_works(rep_client, acme):
    response = upload(rep_client)
    assert response.status_code == 302
    with tenancy.use_team(acme.team):
        import_file = ImportFile.objects.get()
    assert response["Location"] == f"/imports/new/{import_file.pk}/"
    page = rep_client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "2 rows · UTF-8 · comma-separated" in body
    assert 'value="email" selected' in body and 'value="phone" selected' in body  # guessed from the headers
    preview = rep_client.post(f"/imports/new/{import_file.pk}/preview/",
                              mapping_post(["first_name", "last_name", "email", "phone", "title"]))
    assert preview.status_code == 200 and b"New lead" in preview.content and b"Rejected" in preview.content
    started = rep_client.post(response["Location"],
                              mapping_post(["first_name", "last_name", "email", "phone", "title"],
                                           save_mapping="on"))
    with tenancy.use_team(acme.team):
        job = LeadImport.objects.get()
        assert ImportMapping.objects.get().mapping["E-mail"] == "email"
    assert started.status_code == 302 and started["Location"] == f"/imports/{job.pk}/"
    assert (job.status, job.created_by, job.default_owner) == ("pending", acme.rep, acme.rep)
    assert b"Waiting for a worker" in rep_client.get(started["Location"]).content


def test_it_requires_login(client, acme):
    for url in ["/imports/", "/imports/new/", "/imports/new/1/", "/imports/1/", "/imports/1/errors.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_it_hides_other_teams(rep_client, globex):
    job = finished_job(globex, globex.rep)
    with tenancy.use_team(globex.team):
        pending_file = services.import_file_upload(team=globex.team, by=globex.rep, name="x.csv", data=b"Email\na@x.example\n")
    for url in [f"/imports/{job.pk}/", f"/imports/{job.pk}/errors.csv", f"/imports/new/{pending_file.pk}/"]:
        assert rep_client.get(url).status_code == 404, url
    assert rep_client.post(f"/imports/new/{pending_file.pk}/preview/", {}).status_code == 404
    assert b"leads.csv" not in rep_client.get("/imports/").content


def test_a_rep_sees_their_own_imports_and_a_manager_all_of_the_teams(client, acme):
    managers = finished_job(acme, acme.manager, data=GOOD + b"\n")
    reps = finished_job(acme, acme.rep)
    client.force_login(acme.rep)
    assert client.get(f"/imports/{managers.pk}/").status_code == 404
    assert client.get(f"/imports/{reps.pk}/").status_code == 200
    client.force_login(acme.manager)
    listing = client.get("/imports/").content.decode()
    assert f"/imports/{managers.pk}/" in listing and f"/imports/{reps.pk}/" in listing


def test_it_validates_input(rep_client, acme):
    empty = upload(rep_client, data=b"")
    assert empty.status_code == 422 and b"The submitted file is empty." in empty.content
    not_csv = upload(rep_client, data=b"PK\x03\x04....", name="leads.xlsx")
    assert not_csv.status_code == 422 and "save it as “CSV UTF-8”" in not_csv.content.decode()
    response = upload(rep_client)
    started = rep_client.post(response["Location"], mapping_post(["", "", "", "", "title"]))
    assert started.status_code == 422 and b"Map at least a name, an email or a phone column." in started.content


def test_the_same_file_again_says_when_it_was_imported(rep_client, acme):
    job = finished_job(acme, acme.rep)
    again = upload(rep_client)
    body = again.content.decode()
    assert again.status_code == 422 and "already imported on" in body and f"/imports/{job.pk}/" in body


def test_the_outcome_says_what_happened_and_offers_the_rejected_rows(rep_client, acme):
    job = finished_job(acme, acme.rep)
    page = rep_client.get(f"/imports/{job.pk}/").content.decode()
    assert "1 created, 0 updated, 0 duplicates skipped, 1 row rejected" in page
    assert f'href="/imports/{job.pk}/errors.csv"' in page and "Every other row was imported" in page
    fragment = rep_client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "hx-trigger" not in fragment  # finished: it stops polling


def test_a_running_import_polls_every_second(rep_client, acme):
    with tenancy.use_team(acme.team):
        upload_ = services.import_file_upload(team=acme.team, by=acme.rep, name="x.csv", data=GOOD)
        job = services.import_start(team=acme.team, by=acme.rep, may_assign=False, import_file=upload_)
        LeadImport.objects.filter(pk=job.pk).update(status="running", total=10, processed=4, created=3)
    fragment = rep_client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'max="10" value="4"' in fragment and "4 of 10 rows" in fragment


def test_the_rejected_rows_download_with_line_reason_and_values_safe_in_a_spreadsheet(rep_client, acme):
    job = finished_job(acme, acme.rep)
    response = rep_client.get(f"/imports/{job.pk}/errors.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Line", "Reason", "First Name", "Last Name", "E-mail", "Mobile", "Job Title"]
    assert rows[1][:2] == ["3", "email “=cmd|' /C calc'!A0” is not a valid address"]
    assert rows[1][4] == "'=cmd|' /C calc'!A0"  # a formula no more


def test_the_lead_list_offers_import(rep_client):
    assert b'href="/imports/new/"' in rep_client.get("/leads/").content


def test_pages_have_bounded_queries(manager_client, acme, django_assert_max_num_queries):
    for _ in range(3):
        finished_job(acme, acme.manager, data=GOOD + b"\n" * _)
    with django_assert_max_num_queries(8):
        assert manager_client.get("/imports/").status_code == 200
    with tenancy.use_team(acme.team):
        job = LeadImport.objects.first()
    with django_assert_max_num_queries(8):
        assert manager_client.get(f"/imports/{job.pk}/").status_code == 200
    with tenancy.use_team(acme.team):
        assert Lead.objects.count() == 1
