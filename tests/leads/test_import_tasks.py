"""The worker's side: a queued import runs in a real Celery worker, its new leads are scanned for duplicates,
and an import whose message was lost is picked up."""

from datetime import timedelta

from django.utils import timezone

from leads.imports import services
from leads.imports.tasks import resume_imports
from leads.models import DuplicateCandidate, LeadImport
from primesync import tenancy
from tests.conftest import make_team
from tests.factories import LeadFactory
from tests.workers import wait_until


def start(team_set, data: bytes, **options) -> LeadImport:
    with tenancy.use_team(team_set.team):
        upload = services.import_file_upload(team=team_set.team, by=team_set.manager, name="w.csv", data=data)
        return services.import_start(team=team_set.team, by=team_set.manager, may_assign=True, import_file=upload,
                                     **options)


def finished(team_set, job):
    def done():
        with tenancy.use_team(team_set.team):
            found = LeadImport.objects.get(pk=job.pk)
        return found if found.finished else None

    return wait_until(done, timeout=60, message="the import to finish")


def test_a_queued_import_runs_in_a_worker_and_its_leads_are_scanned_for_duplicates(relay, celery_worker_thread,
                                                                                   simulator):
    acme = make_team("acme")
    existing = LeadFactory(team=acme.team, first_name="Dana", last_name="Novak", email="dana@initech.example")
    job = start(acme, b"Name,Email\nDana Novak,DANA@initech.example\nEli Park,eli@initech.example\n",
                on_duplicate="create")
    done = finished(acme, job)
    assert (done.status, done.created, done.rejected) == ("done", 2, 0)

    def pair():
        with tenancy.use_team(acme.team):
            return DuplicateCandidate.objects.filter(lead_a=existing).first()

    found = wait_until(pair, timeout=60, message="the duplicate scan of the imported leads")
    assert "same email" in " ".join(found.reasons)


def test_an_import_whose_message_was_lost_is_picked_up(committed, celery_worker_thread):
    acme = make_team("acme")
    job = start(acme, b"Email\nana@x.example\n")  # no relay runs: nobody hears IMPORT_REQUESTED
    with tenancy.use_team(acme.team):
        LeadImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert resume_imports() == 1
    assert finished(acme, job).created == 1
    assert resume_imports() == 0
