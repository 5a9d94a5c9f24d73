"""The live websocket of every page: the user's notifications, and on the pipeline board, its team's deals.

Authentication is the session (Channels' AuthMiddlewareStack); the team and role are checked
here, as views check them. Messages arrive already rendered (dashboards.live); a consumer only
chooses the variant for its viewer and sends.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from dashboards.live import board_group, dashboard_frame, dashboard_group, user_group
from primesync import broadcast, tenancy
from primesync.tenancy import SESSION_TEAM_KEY

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


@database_sync_to_async
def _seat_and_board(user, team_id, pipeline_id):
    from django.db import transaction

    from deals.models import Pipeline

    with transaction.atomic():
        seat = tenancy.seat_for(user, team_id=team_id)
        if seat is None:
            return None, None
        board = None
        if pipeline_id:
            with tenancy.use_team(seat.team):
                board = Pipeline.objects.filter(team=seat.team, pk=pipeline_id).values_list("pk", flat=True).first()
        return seat, board


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode())
        pipeline_id = _int(query.get("board", [""])[0])
        session = self.scope.get("session")
        team_id = session.get(SESSION_TEAM_KEY) if session is not None else None
        self.seat, self.board_id = await _seat_and_board(user, team_id, pipeline_id)
        if self.seat is None or (pipeline_id and self.board_id is None):
            await self.close(code=CLOSE_FORBIDDEN)  # not in a team, or a board of another team
            return
        self.user_id = user.pk
        self.is_manager = self.seat.is_manager
        # a filtered board cannot place cards itself: it reloads the columns that changed
        self.filter_query = "&".join(
            f"{k}={v}" for k, values in query.items() if k not in ("board",) for v in values if v
        )
        self.joined = [user_group(user.pk)]
        if query.get("dashboard"):
            self.joined.append(dashboard_group(self.seat.team.pk))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.topic = board_group(self.seat.team.pk) if self.board_id else None
        await self.accept()
        if self.topic:
            await broadcast.hub().join(self.topic, self)

    async def disconnect(self, code):
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if getattr(self, "topic", None):
            await broadcast.hub().leave(self.topic, self)

    async def receive(self, text_data=None, bytes_data=None):
        """Pages only listen; anything they send is ignored."""

    async def on_broadcast(self, message: dict, frames: dict) -> None:
        """A board change from the hub; ``frames`` holds the variants already built for this message."""
        if message.get("pipeline_id") not in (None, self.board_id):
            return
        editable = self.is_manager or message.get("owner_id") == self.user_id
        key = ("filtered", self.filter_query) if self.filter_query else ("card", editable)
        frame = frames.get(key)
        if frame is None:
            frame = frames[key] = board_frame(message, editable=editable, filter_query=self.filter_query)
        # straight to the server's ASGI send: this runs once per open board per change
        await self.base_send({"type": "websocket.send", "text": frame})

    async def on_resync(self) -> None:
        """Broadcasts may have been missed (the hub lost Redis): the page reloads its columns."""
        await self.send(text_data=RESYNC_FRAME)

    async def dashboard_refresh(self, message):
        """Metrics changed: a manager's dashboard reloads them; a rep's only when the change touches their deals."""
        owners = message.get("owner_ids") or []
        if self.is_manager or not owners or self.user_id in owners:
            await self.send(text_data=dashboard_frame(message["metrics"]))

    async def notification_push(self, message):
        await self.send(text_data=message["html"])


RESYNC_FRAME = '<div id="live-resync" hx-swap-oob="true"></div>'


def board_frame(message: dict, *, editable: bool, filter_query: str) -> str:
    """The HTML (htmx out-of-band swaps) one board receives for one deal change."""
    if filter_query:
        return "".join(
            render_to_string("deals/_column_reload.html", {"stage_id": stage_id, "query": filter_query})
            for stage_id in message["stage_ids"]
        )
    deal_id = message["deal_id"]
    parts = [f'<div id="deal-card-{deal_id}" hx-swap-oob="delete"></div>']
    if not message["removed"]:
        card = message["card_editable"] if editable else message["card_readonly"]
        parts.append(f'<div hx-swap-oob="afterbegin:#stage-cards-{message["stage_id"]}">{card}</div>')
    parts.append(message["heads"])
    return "".join(parts)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None
