"""Scheduled work of the leads app (Celery beat)."""

from celery import shared_task

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
