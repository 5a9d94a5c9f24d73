"""Which team the database is scoped to, for requests, tasks, consumers and commands.

Row-level security compares each row's ``team_id`` with the transaction-local setting
``app.team_id``. This module is the only place that sets it:

- ``TenantMiddleware`` runs each request in a transaction scoped to the user's team;
- ``use_team(team)`` does the same for tasks, consumers, commands and tests;
- ``bypass(reason=..., user=...)`` lifts the scoping (``SET LOCAL ROLE`` to the BYPASSRLS role)
  for Django admin and system sweeps, after writing an ``RlsBypass`` row.

Outside these, the setting is empty and every tenant table reads as empty.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from primesync import audit
from primesync.db_setup import TEAM_SETTING
from primesync.models import Membership, RlsBypass, Team, User

CORRELATION_HEADER = "HTTP_X_REQUEST_ID"


def _team_id(team: Team | int) -> int:
    return int(team.pk if isinstance(team, Team) else team)


def _swap_setting(value: str) -> str:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT current_setting(%s, true), set_config(%s, %s, true)",
            [TEAM_SETTING, TEAM_SETTING, value],
        )
        return cur.fetchone()[0] or ""


def current_team_id() -> int | None:
    with connection.cursor() as cur:
        cur.execute("SELECT NULLIF(current_setting(%s, true), '')::bigint", [TEAM_SETTING])
        return cur.fetchone()[0]


@contextlib.contextmanager
def use_team(team: Team | int):
    """Run the block in a transaction (or savepoint) scoped to one team.

    On a normal exit the previous scope is restored; on an error the savepoint rollback restores
    it by itself (settings are transactional), and no SQL is sent on a broken transaction.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        previous = _swap_setting(str(_team_id(team)))
        yield
        # the commit of an outermost transaction ends a SET LOCAL anyway: no round trip to restore it
        if not outermost and not connection.needs_rollback:
            _swap_setting(previous)


def activate_team(team: Team | int) -> None:
    """Scope the rest of the current transaction to a team (the request's own transaction)."""
    if not connection.in_atomic_block:
        raise RuntimeError("activate_team() needs an open transaction: its setting is transaction-local")
    _swap_setting(str(_team_id(team)))


@contextlib.contextmanager
def bypass(*, reason: str, user: User | None = None, path: str = "", method: str = ""):
    """Lift team scoping for the block. Every use is logged in ``RlsBypass`` first."""
    with transaction.atomic():
        ctx = audit.current_context()
        RlsBypass.objects.create(
            user=user,
            reason=reason[:200],
            path=path[:500],
            method=method[:10],
            correlation_id=ctx.correlation_id if ctx else "",
        )
        role = connection.ops.quote_name(settings.DB_BYPASS_ROLE)
        with connection.cursor() as cur:
            cur.execute(f"SET LOCAL ROLE {role}")
        yield
        # On an error the savepoint rollback undoes SET LOCAL ROLE by itself.
        if not connection.needs_rollback:
            with connection.cursor() as cur:
                cur.execute("SET LOCAL ROLE NONE")


# --- requests ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """The team a request works in and the role it has there."""

    team: Team
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def is_manager(self) -> bool:
        return self.membership.is_manager


SESSION_TEAM_KEY = "team_id"


def seat_for(user: User, *, team_id: int | None = None) -> Seat | None:
    """The user's membership in ``team_id``, or in their first team."""
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("team").filter(user=user).order_by("id")
    if team_id is not None:
        chosen = next((m for m in memberships if m.team_id == team_id), None)
        if chosen:
            return Seat(team=chosen.team, membership=chosen)
    first = memberships.first()
    return Seat(team=first.team, membership=first) if first else None


def source_for(path: str) -> str:
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "web"


def bind_request(request: HttpRequest, user: User, *, team_id: int | None = None) -> Seat | None:
    """Give the request its seat, scope the transaction to its team and record audit context.

    One statement sets both, since it runs on every request.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("bind_request() needs the request transaction")
    seat = seat_for(user, team_id=team_id)
    request.seat = seat
    request.team = seat.team if seat else None
    ctx = audit.new_context(
        source=source_for(request.path),
        user_id=user.pk if user.is_authenticated else None,
        path=request.path[:500],
        correlation_id=getattr(request, "correlation_id", None),
        ip=request.META.get("REMOTE_ADDR"),
    )
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT set_config(%s, %s, true), {audit.SET_CONTEXT_SQL}",
            [TEAM_SETTING, str(seat.team.pk) if seat else "", *audit.context_params(ctx)],
        )
    audit.remember(ctx)
    return seat


class TenantMiddleware:
    """One transaction per request, scoped to the user's team.

    Responses of 500 and above roll the transaction back: Django turns a view's exception
    into a response before it reaches us, so we look at the status instead.
    Superusers in Django admin work across teams through ``bypass()``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.correlation_id = (request.META.get(CORRELATION_HEADER) or uuid.uuid4().hex)[:64]
        request.seat = None
        request.team = None
        if request.path.startswith(("/static/", "/healthz")):
            return self.get_response(request)
        try:
            with transaction.atomic():
                user = request.user
                team_id = request.session.get(SESSION_TEAM_KEY) if hasattr(request, "session") else None
                bind_request(request, user, team_id=team_id)
                if request.path.startswith("/admin/") and user.is_authenticated and user.is_superuser:
                    with bypass(reason="django-admin", user=user, path=request.path, method=request.method):
                        response = self.get_response(request)
                else:
                    response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
            return response
        finally:
            audit.clear_context()
