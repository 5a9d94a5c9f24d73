"""Notifications the system sends when events happen (registered with primesync.events)."""

from __future__ import annotations

from dashboards.services import notify, notify_managers
from deals.models import Deal
from leads.models import Lead
from primesync import events
from primesync.models import User


def _user(user_id):
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


@events.handler(events.LEAD_ASSIGNED)
def notify_new_owner(event) -> None:
    owner = _user(event.payload.get("to_owner_id"))
    if owner is None or owner.pk == event.actor_id:
        return  # nobody to tell, or they took it themselves
    lead = Lead.objects.filter(pk=event.entity_id).first()
    if lead is not None:
        decision = lead.assignment_decisions.filter(owner=owner).order_by("-decided_at").first()
        notify(team=event.team_id, user=owner, kind="lead_assigned", title=f"New lead: {lead}",
               body=decision.reason if decision else (lead.company_name or ""), url=f"/leads/{lead.pk}/",
               event_id=event.id)


@events.handler(events.SLA_BREACHED)
def notify_sla_breach(event) -> None:
    lead = Lead.objects.select_related("owner").filter(pk=event.entity_id).first()
    if lead is None:
        return
    who = lead.owner.display_name if lead.owner else "nobody"
    action = "reassigned" if event.payload.get("action") == "reassign" else "escalated to you"
    notify_managers(team=event.team_id, kind="sla_breached", title=f"Speed-to-lead missed: {lead}",
                    body=f"Not touched in time (owner: {who}); {action}.", url=f"/leads/{lead.pk}/",
                    event_id=event.id)


@events.handler(events.EMAIL_OPENED)
def notify_email_opened(event) -> None:
    lead = Lead.objects.select_related("owner").filter(pk=event.entity_id).first()
    if lead is None or lead.owner is None:
        return
    step = event.payload.get("step")
    notify(team=event.team_id, user=lead.owner, kind="email_opened", title=f"{lead} opened your email",
           body=f"{event.payload.get('sequence', 'Sequence')}, step {step}: {event.payload.get('subject', '')}",
           url=f"/leads/{lead.pk}/", event_id=event.id)


@events.handler(events.DEAL_STALE)
def notify_stale_deal(event) -> None:
    deal = Deal.objects.select_related("owner", "stage").filter(pk=event.entity_id).first()
    if deal is None:
        return
    body = f"No activity for {event.payload.get('days')} days in {deal.stage.name}."
    url = f"/deals/{deal.pk}/"
    notify_managers(team=event.team_id, kind="deal_stale", title=f"Stale deal: {deal.name}", body=body, url=url,
                    event_id=event.id, exclude={deal.owner_id})
    if deal.owner is not None:
        notify(team=event.team_id, user=deal.owner, kind="deal_stale", title=f"Stale deal: {deal.name}", body=body,
               url=url, event_id=event.id)


@events.handler(events.QUOTA_ALERT)
def notify_quota_pace(event) -> None:
    rep = _user(event.payload.get("user_id"))
    if rep is None:
        return
    body = (f"Won {event.payload['won']} of {event.payload['quota']} with {event.payload['elapsed_pct']}% of the "
            f"period gone (pace {event.payload['pace']}).")
    notify(team=event.team_id, user=rep, kind="quota_alert", title="You are behind your quota pace", body=body,
           url="/pipeline/?owner=me", event_id=event.id)
    notify_managers(team=event.team_id, kind="quota_alert", title=f"{rep.display_name} is behind quota pace",
                    body=body, url="/pipeline/", event_id=event.id, exclude={rep.pk})
