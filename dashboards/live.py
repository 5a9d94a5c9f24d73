"""What open pages receive when something changes: rendered once per event, in the relay.

A board card is rendered twice (movable, for managers and its owner; read-only, for the rest);
each open board picks its variant, so the per-page work is only a send.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from dashboards.metrics import store
from dashboards.models import Notification
from dashboards.selectors import stage_heads
from deals.models import Deal
from primesync import broadcast, events


def board_group(team_id: int) -> str:
    """Open boards of a team: a broadcast topic (primesync.broadcast), not a channel-layer group."""
    return f"{broadcast.PREFIX}deals.team.{team_id}"


def user_group(user_id: int) -> str:
    return f"notifications.user.{user_id}"


def _stage_ids(event) -> list[int]:
    payload = event.payload or {}
    ids = {payload.get("from_stage_id"), payload.get("to_stage_id"), payload.get("stage_id")}
    return sorted(i for i in ids if i)


@events.live_renderer(events.DEAL_CREATED, events.DEAL_STAGE_CHANGED, events.DEAL_UPDATED, events.DEAL_DELETED)
def render_board_update(event) -> list[tuple[str, dict]]:
    stage_ids = _stage_ids(event)
    deal = (
        None if event.type == events.DEAL_DELETED
        else Deal.objects.select_related("owner", "company").filter(pk=event.entity_id).first()
    )
    pipeline_id = (event.payload or {}).get("pipeline_id")
    siblings, totals = stage_heads(team_id=event.team_id, pipeline_id=pipeline_id, stage_ids=stage_ids)
    stages = [s for s in siblings if s.pk in totals]
    heads = "".join(
        render_to_string("deals/_stage_head.html", {"stage": stage, "total": totals[stage.pk], "oob": True})
        for stage in stages
    )
    message = {
        "type": "board.update",
        "deal_id": event.entity_id,
        "pipeline_id": (event.payload or {}).get("pipeline_id"),
        "stage_ids": stage_ids,
        "heads": heads,
        "removed": deal is None,
    }
    if deal is not None:
        message.update(
            stage_id=deal.stage_id,
            owner_id=deal.owner_id,
            card_editable=render_to_string("deals/_card.html", {"deal": deal, "stages": siblings, "editable": True}),
            card_readonly=render_to_string("deals/_card.html", {"deal": deal, "stages": siblings, "editable": False}),
        )
    return [(board_group(event.team_id), message)]


@events.live_renderer(events.NOTIFICATION_CREATED)
def render_notification(event) -> list[tuple[str, dict]]:
    notification = Notification.objects.filter(pk=event.entity_id).first()
    if notification is None:
        return []
    unread = Notification.objects.filter(team_id=event.team_id, user_id=notification.user_id,
                                         read_at__isnull=True).count()
    html = render_to_string("dashboards/_notification_push.html", {"notification": notification, "unread": unread})
    return [(user_group(notification.user_id), {"type": "notification.push", "html": html})]


# --- the dashboard -----------------------------------------------------------------------------


RESPONSE_TIME_DEBOUNCE = 1.0  # seconds


def dashboard_group(team_id: int) -> str:
    return f"dashboard.team.{team_id}"


@events.live_renderer(events.DEAL_CREATED, events.DEAL_STAGE_CHANGED, events.DEAL_UPDATED, events.DEAL_DELETED)
def signal_deal_metrics(event) -> list[tuple[str, dict]]:
    """Open dashboards reload their active-deals figure (its totals changed with the deal, in the same commit)."""
    return [(dashboard_group(event.team_id), {"type": "dashboard.refresh", "metrics": ["active_deals"],
                                              "owner_ids": _owners(event)})]


@events.live_renderer(events.LEAD_SLA_CHANGED, events.LEAD_ASSIGNED)
def signal_response_time(event) -> list[tuple[str, dict]]:
    """A clock started, touched or breached (or a lead changed hands, moving it between reps' numbers): the
    cached response times become old."""
    store.bump(event.team_id, "lead_response_time")
    if store.claim_refresh(event.team_id, "lead_response_time"):
        # recomputed once for a burst of events (an import brings thousands), then open pages are told
        from dashboards.tasks import response_time_refresh

        response_time_refresh.apply_async((event.team_id,), countdown=RESPONSE_TIME_DEBOUNCE)
    return []


def _owners(event) -> list[int]:
    payload = event.payload or {}
    return [i for i in {payload.get("owner_id"), payload.get("from_owner_id")} if i]


def dashboard_frame(metrics: list[str]) -> str:
    return f'<div id="dash-signal" hx-swap-oob="true" hidden data-refresh="{" ".join(metrics)}"></div>'
