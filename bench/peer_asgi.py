"""The peer way of live updates, for bench/live_latency.py only: every open page renders for itself.

A consumer joins ``peer.team.<id>``; told "deal X changed" by a plain Channels group_send, it reads
the deal from the database and renders the card, once per open page.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primesync.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.db import database_sync_to_async  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.db import transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.urls import path  # noqa: E402

from deals.models import Deal, Stage  # noqa: E402
from primesync import tenancy  # noqa: E402


@database_sync_to_async
def _seat(user):
    with transaction.atomic():
        return tenancy.seat_for(user)


@database_sync_to_async
def _render(team_id: int, deal_id: int, editable: bool) -> str:
    with tenancy.use_team(team_id):
        deal = Deal.objects.select_related("owner", "company").get(pk=deal_id)
        stages = list(Stage.objects.filter(pipeline_id=deal.pipeline_id).order_by("order"))
        card = render_to_string("deals/_card.html", {"deal": deal, "stages": stages, "editable": editable})
    return (f'<div id="deal-card-{deal.pk}" hx-swap-oob="delete"></div>'
            f'<div hx-swap-oob="afterbegin:#stage-cards-{deal.stage_id}">{card}</div>')


class PeerConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        seat = await _seat(self.scope["user"])
        if seat is None:
            await self.close()
            return
        self.team_id, self.editable = seat.team.pk, seat.is_manager
        self.group = f"peer.team.{self.team_id}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def deal_changed(self, message):
        await self.send(text_data=await _render(self.team_id, message["deal_id"], self.editable))


application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AuthMiddlewareStack(URLRouter([path("ws/peer/", PeerConsumer.as_asgi())])),
})
