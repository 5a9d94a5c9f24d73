"""What every page view shares: a seat in a team, and the edit check."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from primesync.permissions import can_edit


def team_required(view):
    """Logged in and seated in a team; everything the view reads is scoped to ``request.team``."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.seat is None:
            raise PermissionDenied("You are not a member of a team.")
        return view(request, *args, **kwargs)

    return wrapped


def manager_required(view):
    @team_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.seat.is_manager:
            raise PermissionDenied("Only managers can open this page.")
        return view(request, *args, **kwargs)

    wrapped.manager_only = True  # the tenant sweep test finds manager-only pages by this mark
    return wrapped


def require_edit(request, obj) -> None:
    if not can_edit(request.seat, obj):
        raise PermissionDenied("Only the owner or a manager can change this.")
