def team(request):
    """The request's team and seat, for the layout (team name, role-dependent links)."""
    return {"team": getattr(request, "team", None), "seat": getattr(request, "seat", None)}
