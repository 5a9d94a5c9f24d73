"""Scheduled work of the leads app (Celery beat)."""

from celery import shared_task

from leads.duplicates import scan
from leads.sla import sla_breaches_publish
from primesync import tenancy
from primesync.models import Team


@shared_task(name="leads.sla_check", acks_late=True, reject_on_worker_lost=True)
def sla_check() -> int:
    """Publish SLA_BREACHED for new leads nobody touched in time (each lead once)."""
    breached = 0
    for team_id in Team.objects.values_list("pk", flat=True):
        with tenancy.use_team(team_id):
            breached += sla_breaches_publish(team_id=team_id)
    return breached


@shared_task(name="leads.send_sequence_emails", acks_late=True, reject_on_worker_lost=True)
def send_sequence_emails() -> int:
    """Send every sequence step that is due, team by team (each step at most once: see leads.sequences)."""
    from leads.sequences import sequence_send_due

    return sum(sequence_send_due(team_id=team_id) for team_id in Team.objects.values_list("pk", flat=True))


@shared_task(name="leads.scan_duplicates", acks_late=True, reject_on_worker_lost=True)
def scan_duplicates(team_id: int, lead_ids: list[int] | None = None) -> dict:
    """Find possible duplicates of ``lead_ids`` (None: the whole team). Safe to run twice (pairs are upserts).

    Sent by name by the CSV import when an import finishes, and for every team by the nightly sweep.
    """
    with tenancy.use_team(team_id):
        result = scan(team_id=team_id, lead_ids=lead_ids)
    return {"leads": result.leads, "pairs": result.pairs, "removed": result.removed}


@shared_task(name="leads.scan_duplicates_nightly")
def scan_duplicates_nightly() -> int:
    """The nightly sweep: one ``leads.scan_duplicates`` per team, so teams are swept in parallel by the workers."""
    team_ids = list(Team.objects.values_list("pk", flat=True))
    for team_id in team_ids:
        scan_duplicates.delay(team_id, None)
    return len(team_ids)
