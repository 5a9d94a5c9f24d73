from django.shortcuts import render

from dashboards.selectors import my_day as my_day_selector
from primesync.web import team_required


@team_required
def my_day(request):
    """Where a rep lands: what is due, what is new, which deals need a next step."""
    return render(request, "dashboards/my_day.html", {"day": my_day_selector(team=request.team, user=request.user)})
