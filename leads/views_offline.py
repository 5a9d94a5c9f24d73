"""The offline lead form's server side: its service worker script, and the session check its replays start with.

The form itself is ``views.lead_create``; the page's script (static/js/lead_form_offline.js) queues
what is entered offline and replays it, with each entry's idempotency key, when the network returns.
"""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.views.decorators.http import require_GET

WORKER_SOURCE = "js/lead_form_sw.js"
QUEUE_SOURCE = "js/lead_queue.js"


def _worker_source() -> bytes:
    """The worker's code, told where the queue module it shares with the page is served from."""
    with open(finders.find(WORKER_SOURCE), "rb") as f:
        code = f.read()
    return f"var QUEUE_SCRIPT = {json.dumps(static(QUEUE_SOURCE))};\n".encode() + code


@require_GET
def lead_form_worker(request):
    """The service worker, served under /leads/ so that it may control /leads/new/ (a script under
    /static/ could only control /static/). Public: it is the same code for everyone and holds no data."""
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new version on every registration
    return response


@require_GET
def lead_form_session(request):
    """A fresh CSRF token and who is logged in, for the page's replays.

    The page may come from the service worker's cache, with a token from another session; and the
    queue must only be sent by the account that filled it. JSON 401 rather than a login redirect, so
    the script can tell "log in again" from "sent".
    """
    if not request.user.is_authenticated or request.seat is None:
        return JsonResponse({"error": "Log in to send the leads waiting on this device."}, status=401)
    response = JsonResponse({"csrf": get_token(request), "owner": queue_owner(request)})
    response["Cache-Control"] = "no-store"
    return response


def queue_owner(request) -> str:
    """Who a queued lead belongs to ("user:team"): the page stamps it on every entry."""
    return f"{request.user.pk}:{request.team.pk}"
