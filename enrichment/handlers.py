"""Enrichment's part in the workflows (registered with primesync.events)."""

from primesync import events


@events.handler(events.ENRICHMENT_REQUESTED)
def work_the_queue(event) -> None:
    """Requests are worked in batches: each event only makes sure a worker is on the team's queue."""
    from django.db import transaction

    from enrichment.tasks import process_pending

    transaction.on_commit(lambda: process_pending.delay(event.team_id))


@events.handler(events.LEAD_ENRICHED)
def score_enriched_lead(event) -> None:
    from enrichment.scoring import quality_rescore

    quality_rescore(team_id=event.team_id, lead_ids=[event.entity_id])


@events.handler(events.LEAD_CONTACT_CHANGED)
def rescore_changed_lead(event) -> None:
    """A person changed what a score reads: score again now, and verify a new email or phone
    (not when the new value is the one enrichment itself wrote)."""
    from enrichment.models import LeadEnrichment
    from enrichment.scoring import quality_rescore
    from leads.models import Lead
    from leads.services import enrichment_request

    payload = event.payload
    lead = Lead.objects.select_related("team").filter(pk=event.entity_id).first()
    if lead is None:
        return
    state = LeadEnrichment.objects.filter(lead=lead).only("applied").first()
    applied = state.applied if state else {}
    new_email = payload.get("email_changed") and lead.email
    new_phone = payload.get("phone_changed") and lead.phone and applied.get("lead.phone") != lead.phone
    if new_email or new_phone:
        enrichment_request(team=lead.team, by=None, leads=[lead], reason="contact changed")
    quality_rescore(team_id=event.team_id, lead_ids=[lead.pk])
