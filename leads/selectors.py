"""Reading companies, leads and activities, always for one team."""

from leads.models import Activity, Company, Lead


def company_queryset(*, team):
    return Company.objects.filter(team=team)


def lead_queryset(*, team):
    return Lead.objects.filter(team=team).select_related("owner", "company")


def activity_queryset(*, team):
    return Activity.objects.filter(team=team).select_related("created_by", "assigned_to")
