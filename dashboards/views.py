"""My day, notifications, and the dashboard with its live metric fragments."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dashboards import selectors, services
from dashboards.metrics import periods
from primesync.keyset import InvalidCursor
from primesync.web import team_required


@team_required
def my_day(request):
    """Where a rep lands: what is due, what is new, which deals need a next step."""
    return render(request, "dashboards/my_day.html", {"day": selectors.my_day(team=request.team, user=request.user)})


@team_required
def notifications(request):
    try:
        page = selectors.notification_list(team=request.team, user=request.user, after=request.GET.get("after"))
    except InvalidCursor:
        return redirect(request.path)
    context = {"page": page, "next_url": f"?after={page.next_cursor}" if page.next_cursor else ""}
    if request.GET.get("after"):
        return render(request, "dashboards/_notification_rows.html", context)
    return render(request, "dashboards/notifications.html", context)


@team_required
def notification_count(request):
    unread = selectors.unread_count(team=request.team, user=request.user)
    return render(request, "dashboards/_notification_count.html", {"unread": unread})


@team_required
@require_POST
def notifications_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    services.notification_mark_read(user=request.user, team=request.team, ids=ids or None)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("notifications")


# --- the dashboard -----------------------------------------------------------------------------


def _scope(request):
    """Whose numbers: a rep's own; a manager's team, or one rep of it (?rep=). Also the team's people when
    they had to be read to check ?rep= (None otherwise), so the page does not read them twice."""
    if not request.seat.is_manager:
        return request.user, None
    rep_id = request.GET.get("rep", "")
    if rep_id.isdigit():
        reps = selectors.team_reps(team_id=request.team.pk)
        chosen = next((u for u in reps if u.pk == int(rep_id)), None)
        if chosen is None:
            raise Http404("No such rep in this team.")
        return chosen, reps
    return None, None


def _context(request) -> dict:
    period = periods.from_query(request.GET, timezone.localdate())
    owner, reps = _scope(request)
    board = selectors.dashboard(team_id=request.team.pk, period=period, owner=owner,
                                with_team_views=request.seat.is_manager, reps=reps)
    query = request.GET.urlencode()
    without_rep = request.GET.copy()
    without_rep.pop("rep", None)
    return {"board": board, "m": board.metrics, "query": query, "team_query": without_rep.urlencode(),
            "period": period,
            "periods": [("month", "This month"), ("quarter", "This quarter"), ("custom", "Custom")]}


@team_required
def dashboard(request):
    """The five metrics with their freshness, the leaderboard, quota pace, stale deals, the forecast trend."""
    return render(request, "dashboards/dashboard.html", _context(request))


@team_required
def dashboard_metric(request, name):
    """One metric's fragment, reloaded when the live socket says it changed."""
    if name not in selectors.METRICS:
        raise Http404("No such metric.")
    period = periods.from_query(request.GET, timezone.localdate())
    owner, _ = _scope(request)
    reading = selectors.metric(name, team_id=request.team.pk, period=period, owner_id=owner.pk if owner else None)
    return render(request, f"dashboards/metrics/_{name}.html",
                  {"r": reading, "query": request.GET.urlencode(), "period": period})
