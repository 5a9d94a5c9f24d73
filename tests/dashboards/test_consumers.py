"""The live websocket, over a real connection to uvicorn: who may connect, what each viewer receives."""

import asyncio

import pytest
import websockets
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from primesync import broadcast
from tests.conftest import make_team
from tests.workers import run_async


def session_cookie(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # [0] is the lockout check (django-axes), it loads nobody
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def connect(server, path: str, user=None):
    headers = {"Origin": server.url}
    if user is not None:
        headers["Cookie"] = session_cookie(user)
    return websockets.connect(server.url.replace("http", "ws") + path, additional_headers=headers, open_timeout=5)


def board_message(ts, deal_id, owner_id, **extra):
    return {
        "type": "board.update", "deal_id": deal_id, "pipeline_id": ts.pipeline.pk, "stage_ids": [7, 8],
        "stage_id": 8, "owner_id": owner_id, "removed": False, "heads": "<header id='stage-head-8'></header>",
        "card_editable": "<article>EDITABLE</article>", "card_readonly": "<article>READONLY</article>", **extra,
    }


async def send(group, message):
    """What the relay does: boards by broadcast (one PUBLISH), people by the channel layer."""
    await asyncio.sleep(0.3)  # let the subscription reach Redis
    if group.startswith("deals.team."):
        await broadcast.Publisher().publish(broadcast.PREFIX + group, message)
    else:
        await get_channel_layer().group_send(group, message)


def test_it_requires_login(committed, asgi_server):
    async def scenario():
        async with connect(asgi_server, "/ws/live/"):
            pass

    with pytest.raises(websockets.InvalidStatus) as refused:
        run_async(scenario())
    assert refused.value.response.status_code == 403


def test_it_refuses_a_foreign_origin(committed, asgi_server):
    acme = make_team("acme")

    async def scenario():
        headers = {"Origin": "https://evil.example", "Cookie": session_cookie(acme.rep)}
        async with websockets.connect(asgi_server.url.replace("http", "ws") + "/ws/live/", additional_headers=headers):
            pass

    with pytest.raises(websockets.InvalidStatus):
        run_async(scenario())


def test_it_hides_other_teams(committed, asgi_server):
    acme, globex = make_team("acme"), make_team("globex")

    async def scenario():
        async with connect(asgi_server, f"/ws/live/?board={globex.pipeline.pk}", acme.rep):
            pass

    with pytest.raises(websockets.InvalidStatus):
        run_async(scenario())


def test_each_viewer_gets_the_card_they_may_move(committed, asgi_server):
    acme = make_team("acme")

    async def scenario():
        async with connect(asgi_server, f"/ws/live/?board={acme.pipeline.pk}", acme.rep) as rep, \
                connect(asgi_server, f"/ws/live/?board={acme.pipeline.pk}", acme.manager) as manager:
            await send(f"deals.team.{acme.team.pk}", board_message(acme, 42, acme.manager.pk))
            return await asyncio.wait_for(rep.recv(), 5), await asyncio.wait_for(manager.recv(), 5)

    rep_frame, manager_frame = run_async(scenario())
    assert '<div id="deal-card-42" hx-swap-oob="delete"></div>' in rep_frame
    assert 'hx-swap-oob="afterbegin:#stage-cards-8"' in rep_frame and "stage-head-8" in rep_frame
    assert "READONLY" in rep_frame and "EDITABLE" in manager_frame


def test_a_filtered_board_reloads_the_changed_columns(committed, asgi_server):
    acme = make_team("acme")

    async def scenario():
        async with connect(asgi_server, f"/ws/live/?board={acme.pipeline.pk}&owner=me", acme.rep) as ws:
            await send(f"deals.team.{acme.team.pk}", board_message(acme, 42, acme.rep.pk))
            return await asyncio.wait_for(ws.recv(), 5)

    frame = run_async(scenario())
    assert 'hx-swap-oob="innerHTML:#stage-col-7"' in frame and "/pipeline/columns/8/?owner=me" in frame
    assert "EDITABLE" not in frame


def test_a_page_hears_only_its_users_notifications_and_no_board_it_did_not_open(committed, asgi_server):
    acme = make_team("acme")

    async def scenario():
        async with connect(asgi_server, "/ws/live/", acme.rep) as ws:
            await send(f"deals.team.{acme.team.pk}", board_message(acme, 1, acme.rep.pk))
            layer = get_channel_layer()
            await layer.group_send(f"notifications.user.{acme.manager.pk}", {"type": "notification.push", "html": "x"})
            await layer.group_send(f"notifications.user.{acme.rep.pk}", {"type": "notification.push", "html": "<b>hi</b>"})
            frame = await asyncio.wait_for(ws.recv(), 5)
            try:
                extra = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                extra = None
            return frame, extra

    assert run_async(scenario()) == ("<b>hi</b>", None)


def test_a_page_resynchronises_when_told_broadcasts_were_missed(committed, asgi_server):
    from dashboards.consumers import RESYNC_FRAME

    assert 'id="live-resync"' in RESYNC_FRAME and "hx-swap-oob" in RESYNC_FRAME


def test_what_pages_send_is_ignored(committed, asgi_server):
    acme = make_team("acme")

    async def scenario():
        async with connect(asgi_server, "/ws/live/", acme.rep) as ws:
            await ws.send('{"type": "board.update"}')
            await send(f"notifications.user.{acme.rep.pk}", {"type": "notification.push", "html": "still here"})
            return await asyncio.wait_for(ws.recv(), 5)

    assert run_async(scenario()) == "still here"
