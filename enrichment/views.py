"""Enrichment pages: a lead's enrichment panel, vendor health, the progress of a bulk re-enrich."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enrichment import selectors, services
from enrichment.models import VENDORS, EnrichmentObservation
from leads.selectors import lead_open_enrichment, lead_queryset
from primesync.web import manager_required, require_edit, team_required


def _panel(request, lead, status=200):
    state, fields = selectors.lead_enrichment(lead=lead)
    waiting = lead_open_enrichment(lead=lead)
    return render(request, "enrichment/_panel.html",
                  {"lead": lead, "state": state, "fields": fields, "waiting": waiting}, status=status)


@team_required
def lead_panel(request, pk):
    """The lead page loads this: each field's chosen value, its source, confidence and age, and competitors."""
    return _panel(request, get_object_or_404(lead_queryset(team=request.team), pk=pk))


@team_required
@require_POST
def lead_choose(request, pk):
    lead = get_object_or_404(lead_queryset(team=request.team), pk=pk)
    require_edit(request, lead)
    observation = get_object_or_404(EnrichmentObservation, team=request.team, lead=lead,
                                    pk=request.POST.get("observation") or 0)
    try:
        services.enrichment_choose(lead=lead, by=request.user, observation=observation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    lead.refresh_from_db()
    return _panel(request, lead)


@manager_required
def providers(request):
    if request.method == "POST":
        vendor = request.POST.get("vendor", "")
        try:
            cap = int(request.POST.get("monthly_cap", ""))
        except ValueError:
            cap = -1
        if vendor not in dict(VENDORS) or cap < 0:
            messages.error(request, "Give a vendor and a whole number of credits.")
        else:
            services.vendor_cap_set(team=request.team, vendor=vendor, monthly_cap=cap)
            messages.success(request, f"{dict(VENDORS)[vendor]}: at most {cap} credits a month.")
        return redirect("enrichment-providers")
    return render(request, "enrichment/providers.html",
                  {"health": selectors.provider_health(team_id=request.team.pk)})


@team_required
def batch(request, batch_id):
    try:
        batch_uuid = uuid.UUID(str(batch_id))
    except ValueError as exc:
        raise Http404("No such batch.") from exc
    progress = selectors.batch_progress(team_id=request.team.pk, batch=batch_uuid)
    if not progress["total"]:
        raise Http404("No such batch.")
    template = "enrichment/_batch_progress.html" if request.htmx else "enrichment/batch.html"
    return render(request, template, {"progress": progress, "batch": batch_uuid})


