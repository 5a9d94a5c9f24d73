"""What a locked-out login sees, and how failures are keyed (django-axes hooks).

Failures count per account *and* address together (AXES_LOCKOUT_PARAMETERS): reps share office
networks, so one rep's typos, or someone guessing at one account, never lock out the whole office.
"""

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone


def normalised_username(request, credentials=None) -> str | None:
    """The login as typed, trimmed and lower-cased: "Rep@Acme.test" and "rep@acme.test" are one account."""
    if credentials is not None:
        login = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", None) or request.POST
        login = data.get("username") or data.get("email")
    return login.strip().lower() if isinstance(login, str) else None


def locked_until(request, username: str | None):
    """When the lockout of this account from this address ends: its last counted failure plus the cool-off."""
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address)
        .aggregate(last=Max("attempt_time"))["last"]
    )
    return (last or timezone.now()) + get_cool_off(request)


def lockout_response(request, original_response=None, credentials=None):
    username = get_client_username(request, credentials)
    until = locked_until(request, username)
    retry_after = max(1, int((until - timezone.now()).total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Too many failed attempts: this login is locked.", "locked_until": until.isoformat()},
            status=429,
        )
    else:
        response = render(request, "registration/locked.html", {"locked_until": until, "username": username},
                          status=429)
    response["Retry-After"] = str(retry_after)
    return response
