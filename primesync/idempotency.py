"""``Idempotency-Key`` on API POSTs: a retried request gets the first answer again, never a second write.

The key is claimed by inserting its row inside the request transaction (TenantMiddleware opens one
per request), so the claim commits together with the write it guards. A second request with the
same key blocks on the unique (team, user, key) index until the first commits, then replays its
answer; if the first rolled back, the second proceeds as if it were first. Nothing is kept in
Redis: losing it loses no key.

Only successful answers (2xx) are kept. A 4xx or 5xx leaves no key behind (its savepoint rolls
back with whatever the request wrote), so the client may fix the request and retry with the same key.

HTML form POSTs use the same keys and rows through ``key_claim`` (see primesync.idempotent_forms).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from primesync import tenancy
from primesync.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


class KeyReused(APIException):
    """The same key came with another method, path or body: most likely a client bug, never a retry."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = (
        "This Idempotency-Key was already used for a different request (method, path or body). "
        "Use a new key for a new request."
    )


class KeyInvalid(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_invalid"
    default_detail = f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} visible ASCII characters."


class _Replay(Exception):
    """Raised from ``initial()`` to answer with the stored response instead of running the handler."""

    def __init__(self, response: Response) -> None:
        self.response = response


def request_hash(request) -> str:
    """SHA-256 over method, full path and body.

    Multipart bodies are hashed field by field (files by content): their boundary is random per
    request, so the raw bytes of a retry differ, and a large file is not read into memory twice.
    """
    digest = hashlib.sha256(f"{request.method} {request._request.get_full_path()}\n".encode())
    if request.content_type.startswith("multipart/"):
        for name, values in sorted(request.data.lists()):
            for value in values:
                digest.update(f"\n{name}=".encode())
                if hasattr(value, "chunks"):
                    digest.update(f"file:{value.name}:".encode())
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(str(value).encode())
    else:
        digest.update(request._request.body)
    return digest.hexdigest()


def _claim(*, team_id: int, user_id: int, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Insert the key's row; None when it is already there (after waiting for its request to finish)."""
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {IdempotencyKey._meta.db_table} "
            "(team_id, user_id, key, request_hash, response_status, created_at) "
            "VALUES (%s, %s, %s, %s, 0, now()) ON CONFLICT (team_id, user_id, key) DO NOTHING RETURNING id",
            [team_id, user_id, key, fingerprint],
        )
        row = cur.fetchone()
    return IdempotencyKey(pk=row[0]) if row else None


def _earlier(*, team_id: int, user_id: int, key: str) -> IdempotencyKey | None:
    """The key's live row, if its 24 hours have not run out (an expired one waiting for the purge is taken over)."""
    earlier = IdempotencyKey.objects.filter(team_id=team_id, user_id=user_id, key=key).first()
    if earlier is not None and earlier.created_at < timezone.now() - retention():
        earlier.delete()
        return None
    return earlier


@dataclass(frozen=True)
class Claim:
    """A request's key, claimed: either the request runs and its answer is kept in ``row``
    (None when the key could not be tracked), or it was answered before and ``earlier`` is replayed."""

    row: IdempotencyKey | None = None
    earlier: IdempotencyKey | None = None


def key_claim(*, team_id: int, user_id: int, key: str, fingerprint: str) -> Claim:
    """Claim ``key`` for a request with this fingerprint, inside the transaction that does its writes.

    Raises KeyInvalid for a malformed key and KeyReused when the key came with another request.
    Shared by the API (header) and the HTML forms (a hidden field, primesync.idempotent_forms).
    """
    if not (0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()):
        raise KeyInvalid()
    row = _claim(team_id=team_id, user_id=user_id, key=key, fingerprint=fingerprint)
    if row is None:
        earlier = _earlier(team_id=team_id, user_id=user_id, key=key)
        if earlier is None:
            row = _claim(team_id=team_id, user_id=user_id, key=key, fingerprint=fingerprint)
        elif earlier.request_hash != fingerprint:
            raise KeyReused()
        else:
            return Claim(earlier=earlier)
    return Claim(row=row)


def key_answer_keep(row: IdempotencyKey, *, status: int, body) -> None:
    """Store the answer a retry with the claimed key gets (committed with the request's writes)."""
    IdempotencyKey.objects.filter(pk=row.pk).update(response_status=status, response_body=body)


def retention() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


class IdempotentPostMixin:
    """For APIViews and viewsets: POSTs with an ``Idempotency-Key`` header run once per key.

    The key is scoped by the authenticated user and the token's team, checked after authentication
    and permissions (an unauthorised request claims nothing).
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST" or HEADER not in request.headers:
            return super().dispatch(request, *args, **kwargs)
        if not request.content_type.startswith("multipart/"):
            # Read the raw body before DRF's parsers consume the stream (the CSRF check of session auth
            # parses it), so that it can still be hashed afterwards.
            request.body  # noqa: B018
        # The savepoint holds the claim and the request's writes: an answer that is not kept undoes both.
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_row = None
        if request.method != "POST" or HEADER not in request.headers:
            return
        if request.team is None or not request.user.is_authenticated:
            return
        claim = key_claim(
            team_id=request.team.pk, user_id=request.user.pk, key=request.headers[HEADER],
            fingerprint=request_hash(request),
        )
        if claim.earlier is not None:
            response = Response(claim.earlier.response_body, status=claim.earlier.response_status)
            response[REPLAYED_HEADER] = "true"
            raise _Replay(response)
        self._idempotency_row = claim.row

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        row = getattr(self, "_idempotency_row", None)
        if row is None:
            return response
        if 200 <= response.status_code < 300 and isinstance(response, Response):
            key_answer_keep(row, status=response.status_code, body=_json_safe(response.data))
        else:
            transaction.set_rollback(True)
        return response


def _json_safe(data):
    """Serializer output may hold Decimals, dates and lazy strings: stored as the client saw them."""
    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))


def purge_expired() -> int:
    """Delete keys past their 24 hours, across teams."""
    cutoff = timezone.now() - retention()
    with transaction.atomic(), tenancy.bypass(reason="purge expired idempotency keys", method="BEAT"):
        deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
