"""Working the enrichment queue (EnrichmentRequest rows made by people, imports and new leads)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from enrichment.orchestrator import enrich_leads, remerge_lead
from leads.models import EnrichmentRequest, EnrichmentStatus
from primesync import tenancy

BATCH = 100
STUCK_AFTER = timedelta(minutes=10)


def _claim(team_id: int, limit: int) -> list[tuple[int, int]]:
    """Take up to ``limit`` pending requests (other workers skip them): [(request id, lead id)]."""
    with tenancy.use_team(team_id), connection.cursor() as cur:
        # a MATERIALIZED CTE: as "WHERE id IN (SELECT .. LIMIT)" the planner may run the subquery more
        # than once and take more than ``limit`` rows
        cur.execute(
            "WITH picked AS MATERIALIZED ("
            "  SELECT id FROM leads_enrichmentrequest WHERE team_id = %s AND status = 'pending'"
            "  ORDER BY requested_at LIMIT %s FOR UPDATE SKIP LOCKED) "
            "UPDATE leads_enrichmentrequest r SET status = 'running', started_at = now() FROM picked "
            "WHERE r.id = picked.id RETURNING r.id, r.lead_id",
            [team_id, limit],
        )
        return cur.fetchall()


def _finish(team_id: int, request_ids: list[int], statuses: dict[int, str], lead_of: dict[int, int]) -> None:
    """Each request says how its lead came out: one UPDATE per outcome, not one per request."""
    by_outcome: dict[tuple[str, str], list[int]] = {}
    for request_id in request_ids:
        status = statuses.get(lead_of[request_id])
        outcome = (EnrichmentStatus.FAILED if status in (None, "failed") else EnrichmentStatus.DONE,
                   f"lead {status}" if status else "lead not found")
        by_outcome.setdefault(outcome, []).append(request_id)
    now = timezone.now()
    with tenancy.use_team(team_id), transaction.atomic():
        for (status, detail), ids in by_outcome.items():
            EnrichmentRequest.objects.filter(pk__in=ids).update(status=status, detail=detail, finished_at=now)


def _requeue(team_id: int, request_ids: list[int]) -> None:
    with tenancy.use_team(team_id), transaction.atomic():
        EnrichmentRequest.objects.filter(pk__in=request_ids, status=EnrichmentStatus.RUNNING).update(
            status=EnrichmentStatus.PENDING, started_at=None)


def enrichment_process_pending(*, team_id: int, batch: int = BATCH, max_batches: int = 50) -> int:
    """Enrich what is waiting, a batch at a time; returns how many requests were handled."""
    handled = 0
    for _ in range(max_batches):
        claimed = _claim(team_id, batch)
        if not claimed:
            break
        lead_of = dict(claimed)
        try:
            statuses = enrich_leads(team_id, sorted(set(lead_of.values())))
        except BaseException:
            _requeue(team_id, list(lead_of))  # the task is retried; the vendors' answers are cached by then
            raise
        _finish(team_id, list(lead_of), statuses, lead_of)
        handled += len(claimed)
    return handled


def enrichment_teams_waiting() -> list[int]:
    """Teams with requests waiting for longer than a minute: each team checked in its own scope."""
    from primesync.models import Team

    waiting = []
    cutoff = timezone.now() - timedelta(minutes=1)
    for team_id in Team.objects.values_list("pk", flat=True):
        with tenancy.use_team(team_id):
            if EnrichmentRequest.objects.filter(team_id=team_id, status=EnrichmentStatus.PENDING,
                                                requested_at__lt=cutoff).exists():
                waiting.append(team_id)
    return waiting


def enrichment_release_stuck(*, team_id: int) -> int:
    """Requests left "running" by a worker that died go back to the queue."""
    with tenancy.use_team(team_id), transaction.atomic():
        return EnrichmentRequest.objects.filter(
            team_id=team_id, status=EnrichmentStatus.RUNNING, started_at__lt=timezone.now() - STUCK_AFTER
        ).update(status=EnrichmentStatus.PENDING, started_at=None)


def enrichment_retry_partial(*, team_id: int, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Partial leads (a vendor failed) are asked again later: the failed sources fill in, the rest is cached."""
    from enrichment.models import EnrichmentState, LeadEnrichment
    from leads.models import Lead
    from leads.services import enrichment_request

    with tenancy.use_team(team_id):
        lead_ids = list(LeadEnrichment.objects.filter(
            team_id=team_id, status__in=[EnrichmentState.PARTIAL, EnrichmentState.FAILED],
            enriched_at__lt=timezone.now() - older_than,
        ).values_list("lead_id", flat=True)[:1000])
        if not lead_ids:
            return 0
        leads = list(Lead.objects.filter(pk__in=lead_ids))
        return enrichment_request(team=leads[0].team, by=None, leads=leads, reason="retry").changed


def enrichment_choose(*, lead, by, observation) -> None:
    """A person picks one of the competing values: it is written where it belongs and never fades."""
    from enrichment.models import EnrichmentObservation
    from enrichment.orchestrator import COMPANY_FIELDS, LEAD_FIELDS, _fit
    from leads.models import Company, Lead
    from leads.services import company_update, lead_update

    with transaction.atomic():
        EnrichmentObservation.objects.create(
            team_id=lead.team_id, lead=lead, entity=observation.entity, field=observation.field,
            value=observation.value, source="person", confidence=1.0,
        )
        if observation.entity == "lead" and observation.field in LEAD_FIELDS:
            lead_update(lead=lead, by=by, **{observation.field: _fit(Lead, observation.field, observation.value)})
        elif observation.entity == "company" and observation.field in COMPANY_FIELDS and lead.company_id:
            company_update(company=lead.company, by=by,
                           **{observation.field: _fit(Company, observation.field, observation.value)})
        remerge_lead(lead)  # the profile shows the choice at once; no vendor is asked


def vendor_cap_set(*, team, vendor: str, monthly_cap: int):
    from enrichment.models import VendorSettings

    with transaction.atomic():
        row, _ = VendorSettings.objects.update_or_create(team=team, vendor=vendor,
                                                         defaults={"monthly_cap": monthly_cap})
    return row
