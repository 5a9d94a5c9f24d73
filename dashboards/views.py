from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dashboards import selectors, services
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
