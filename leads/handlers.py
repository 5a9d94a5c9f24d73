"""Workflow steps the leads app runs on events (registered with primesync.events)."""

from __future__ import annotations

from datetime import datetime

from leads import duplicates, services, sla
from leads.assignment import lead_assign
from leads.models import Lead, SlaAction
from leads.sequences import enrollments_stop
from primesync import events


@events.handler(events.LEAD_CREATED)
def assign_new_lead(event) -> None:
    """A new lead without an owner goes to a rep by the team's rules."""
    lead = Lead.objects.select_related("company", "team").filter(pk=event.entity_id).first()
    if lead is not None and lead.owner_id is None:
        lead_assign(lead=lead)


@events.handler(events.LEAD_CREATED)
def request_enrichment(event) -> None:
    lead = Lead.objects.filter(pk=event.entity_id).first()
    if lead is not None:
        services.enrichment_request(team=lead.team, by=None, leads=[lead], reason="created")


@events.handler(events.LEAD_CREATED)
def start_sla_clock(event) -> None:
    lead = Lead.objects.select_related("team").filter(pk=event.entity_id).first()
    if lead is not None:
        sla.sla_start(lead=lead)


@events.handler(events.ACTIVITY_LOGGED)
def stop_sla_clock(event) -> None:
    lead_id = event.payload.get("lead_id")
    if lead_id and event.payload.get("created_by_id"):
        sla.sla_touch(lead_id=lead_id, at=datetime.fromisoformat(event.payload["occurred_at"]))


@events.handler(events.SLA_BREACHED)
def act_on_sla_breach(event) -> None:
    """Reassign to the next rep in rotation when the team says so (escalation is a notification)."""
    if event.payload.get("action") != SlaAction.REASSIGN:
        return
    lead = Lead.objects.select_related("company", "team", "owner").filter(pk=event.entity_id).first()
    if lead is None:
        return
    previous = lead.owner
    exclude = {previous.pk} if previous else set()
    prefix = f"SLA breached{f' by {previous.display_name}' if previous else ''}. "
    lead_assign(lead=lead, exclude=exclude, prefix=prefix)


@events.handler(events.ACTIVITY_LOGGED)
def stop_sequences_on_reply(event) -> None:
    """A reply (an inbound email logged on the lead) ends its sequences."""
    payload = event.payload
    if payload.get("lead_id") and payload.get("kind") == "email" and payload.get("direction") == "in":
        enrollments_stop(lead_id=payload["lead_id"], reason="replied")


@events.handler(events.LEAD_CREATED)
def find_duplicates_of_new_lead(event) -> None:
    """A new lead is checked against the team's leads; an import's leads are checked in bulk when it ends."""
    if event.payload.get("source") != "import":
        duplicates.scan(team_id=event.team_id, lead_ids=[event.entity_id])


@events.handler(events.LEAD_CONTACT_CHANGED)
def refresh_duplicates_of_edited_lead(event) -> None:
    """An edited email, phone, name or company may make or unmake a pair (an import rescans its own leads)."""
    if (event.context or {}).get("source") != "import":
        duplicates.scan(team_id=event.team_id, lead_ids=[event.entity_id])


@events.handler(events.LEAD_MERGED, events.LEAD_MERGE_UNDONE)
def refresh_duplicates_after_merge(event) -> None:
    """The survivor has new values after a merge; after an undo both leads are back as they were."""
    other = event.payload.get("survivor_id")
    duplicates.scan(team_id=event.team_id, lead_ids=[event.entity_id, *([other] if other else [])])
