"""/settings/api-tokens/: a user's API tokens (and, for a team admin, the team's), created and revoked here."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from primesync.forms import ApiTokenForm
from primesync.models import Role
from primesync.selectors import api_token_list
from primesync.services import api_token_create, api_token_revoke
from primesync.web import team_required

RECENTLY_REVOKED = 20


@never_cache  # the answer to a create holds the key: no cache may keep it
@team_required
def api_tokens(request):
    """The list, and on POST a new token of the current team whose key is shown in this answer only."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = api_token_create(user=request.user, team=request.team, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = api_token_list(user=request.user, seat=request.seat)
    status = 422 if request.method == "POST" and new_key is None else 200
    return render(request, "primesync/api_tokens.html", {
        "form": form,
        "new_key": new_key,
        "active": tokens.filter(revoked_at__isnull=True),
        "revoked": tokens.filter(revoked_at__isnull=False).order_by("-revoked_at", "-id")[:RECENTLY_REVOKED],
        "is_admin_view": request.seat.role == Role.ADMIN,
    }, status=status)


@team_required
def api_token_revoke_view(request, pk):
    """GET asks to confirm; POST revokes. A token the user may not see answers 404, like a missing one."""
    token = get_object_or_404(api_token_list(user=request.user, seat=request.seat), pk=pk)
    if request.method == "POST":
        api_token_revoke(token=token)
        messages.success(request, f"Revoked the token “{token.name}” ({token.prefix}…): it no longer works.")
        return redirect("api-tokens")
    return render(request, "primesync/api_token_revoke.html", {"token": token})
