"""Idempotent HTML form POSTs: a form sent again with the same ``idempotency_key`` is answered as the first time.

The offline lead form queues submissions in the browser and sends them when the network returns. A
send whose answer was lost (the connection dropped after the server committed) is sent again: with
the same key it writes nothing and gets the first answer, a redirect to what it created.

The keys are the API's (primesync.idempotency): the same rows, per team and user, kept 24 hours,
claimed inside the request transaction. A form answers success with a redirect (post/redirect/get),
so only redirects are kept; any other answer (a 422 with the form's errors) rolls back with its
claim, and the corrected form may come again with the same key.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render

from primesync.idempotency import REPLAYED_HEADER, KeyInvalid, KeyReused, key_answer_keep, key_claim

FIELD = "idempotency_key"
# Not part of what the form says: the CSRF token changes between a first send and its replay.
NOT_HASHED = {FIELD, "csrfmiddlewaretoken"}
KEPT_STATUSES = {301, 302, 303}


def form_hash(request) -> str:
    """SHA-256 over the path and the submitted fields (in name order, the key and CSRF token left out)."""
    fields = [(name, values) for name, values in sorted(request.POST.lists()) if name not in NOT_HASHED]
    payload = json.dumps([request.path, fields], ensure_ascii=False)
    return hashlib.sha256(f"POST form {payload}".encode()).hexdigest()


def idempotent_form_post(view):
    """Run a form view's POST once per ``idempotency_key`` field; without the field, it runs as before.

    Goes under ``team_required``: the key is scoped by ``request.team`` and ``request.user``.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        key = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not key:
            return view(request, *args, **kwargs)
        # The savepoint holds the claim and the view's writes: an answer that is not kept undoes both.
        with transaction.atomic():
            try:
                claim = key_claim(team_id=request.team.pk, user_id=request.user.pk, key=key,
                                  fingerprint=form_hash(request))
            except (KeyInvalid, KeyReused) as exc:
                return _refused(request, exc)
            if claim.earlier is not None:
                return _replayed(claim.earlier)
            response = view(request, *args, **kwargs)
            if claim.row is not None and response.status_code in KEPT_STATUSES:
                key_answer_keep(claim.row, status=response.status_code, body={"location": response["Location"]})
            elif claim.row is not None:
                transaction.set_rollback(True)
            return response

    return wrapped


def _replayed(earlier) -> HttpResponse:
    response = HttpResponse(status=earlier.response_status)
    response["Location"] = earlier.response_body["location"]
    response[REPLAYED_HEADER] = "true"
    return response


def _refused(request, exc) -> HttpResponse:
    """422, as the API answers a reused key: the same key with other fields is a client bug, never a retry."""
    if isinstance(exc, KeyReused):
        message = "This form was already sent with other values. Open a fresh form to enter a new one."
    else:
        message = "The form's submission key is not valid. Open a fresh form and send it again."
    return render(request, "primesync/form_key_refused.html", {"message": message}, status=422)
