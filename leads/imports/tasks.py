"""Workers' side of imports: run one, and pick up the ones whose message or worker was lost."""

from celery import shared_task

from leads import search
from leads.imports import services
from primesync.models import Team


# Safe to run twice (the run claims its job first, and resumes at the last committed chunk), so it
# may be acknowledged late and redelivered if its worker dies.
@shared_task(name="leads.run_import", acks_late=True, reject_on_worker_lost=True)
def run_import(team_id: int, import_id: int) -> str:
    job = services.import_run(team_id=team_id, import_id=import_id)
    return job.status if job else "taken"


@shared_task(name="leads.resume_imports")
def resume_imports() -> int:
    """Queue imports still pending a minute after they were asked for, and running ones whose worker went quiet.

    Uploads left in the wizard for a day are deleted on the way.
    """
    queued = 0
    for team_id in Team.objects.values_list("pk", flat=True):
        for import_id in services.imports_to_resume(team_id=team_id):
            run_import.delay(team_id, import_id)
            queued += 1
        services.import_files_purge(team_id=team_id)
    return queued


@shared_task(name=services.FLUSH_SEARCH_INDEX_TASK)
def flush_search_index() -> int:
    """After an import: its leads' search entries join the index proper (see leads.search)."""
    return search.search_index_flush()
