"""Enrichment pages: a lead's enrichment panel, vendor health, the progress of a bulk re-enrich, and
the data-quality page with its review queue."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enrichment import scoring, selectors, services
from enrichment.models import VENDORS, EnrichmentObservation
from leads.selectors import lead_open_enrichment, lead_queryset
from primesync.keyset import InvalidCursor
from primesync.permissions import can_edit
from primesync.web import manager_required, require_edit, team_required


def _panel(request, lead, status=200):
    state, fields = selectors.lead_enrichment(lead=lead)
    waiting = lead_open_enrichment(lead=lead)
    return render(request, "enrichment/_panel.html",
                  {"lead": lead, "state": state, "fields": fields, "waiting": waiting,
                   "can_edit": can_edit(request.seat, lead)}, status=status)


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




# --- data quality ------------------------------------------------------------------------------

QUALITY_ACTIONS = {"reenrich", "reviewed", "disqualify"}


@manager_required
def quality(request):
    """The team's data quality: the score distribution over time and the manual review queue."""
    try:
        queue = selectors.quality_review_queue(team_id=request.team.pk, after=request.GET.get("after"))
    except InvalidCursor:
        return redirect("quality")
    next_url = f"?{urlencode({'after': queue.next_cursor})}" if queue.next_cursor else ""
    context = {"queue": queue, "next_url": next_url}
    if request.GET.get("after"):
        return render(request, "enrichment/_quality_rows.html", context)
    context["overview"] = selectors.quality_overview(team_id=request.team.pk)
    return render(request, "enrichment/quality.html", context)


@manager_required
@require_POST
def quality_bulk(request):
    action = request.POST.get("action", "")
    leads = list(lead_queryset(team=request.team).filter(pk__in=_ids(request.POST.getlist("ids"))))
    if action not in QUALITY_ACTIONS or not leads:
        messages.error(request, "Choose leads and an action.")
        return redirect("quality")
    if action == "reenrich":
        result = scoring.quality_review_reenrich(team=request.team, by=request.user, leads=leads)
        messages.success(request, f"Re-enrichment requested for {result.changed} leads; they stay in the queue "
                                  "until their score rises.")
    elif action == "reviewed":
        done = scoring.quality_review_done(team=request.team, by=request.user, lead_ids=[lead.pk for lead in leads])
        messages.success(request, f"{done} leads marked reviewed and kept as they are.")
    else:
        result = scoring.quality_review_disqualify(team=request.team, seat=request.seat, by=request.user, leads=leads)
        messages.success(request, f"{result.changed} leads disqualified.")
    return redirect("quality")


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()][:1000]


@team_required
@require_POST
def lead_fix_email(request, pk):
    """"Did you mean …?": take the suggested address and verify it."""
    lead = get_object_or_404(lead_queryset(team=request.team).select_related("enrichment", "team"), pk=pk)
    require_edit(request, lead)
    try:
        fixed = scoring.quality_fix_email(lead=lead, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Email changed to {fixed}; verifying it now.")
    if request.htmx:
        lead.refresh_from_db()
        return _panel(request, lead)
    return redirect("lead-detail", pk=lead.pk)
