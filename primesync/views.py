"""Pages of the core."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def home(request):
    """Team members start their day at /my-day/; a user without a team gets an explanation."""
    if request.seat is not None:
        return redirect("my-day")
    return render(request, "home.html")
