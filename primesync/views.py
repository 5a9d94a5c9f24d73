"""Pages of the core."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render


@login_required
def home(request):
    """Team members start their day at /my-day/; a user without a team gets an explanation."""
    if request.seat is not None:
        return redirect("my-day")
    return render(request, "home.html")


def _error(request, status: int, title: str, message: str):
    if request.headers.get("HX-Request"):
        # htmx and the board's fetch show this text in place; no page around it
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "You may not do this."
    return _error(request, 403, "Not allowed", message)


def page_not_found(request, exception=None):
    return _error(request, 404, "Not found", "There is nothing here, or it belongs to another team.")
