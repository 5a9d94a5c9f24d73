"""The pages reps live in: the lead list, a lead, a new lead; companies."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from leads import exports, selectors, services
from leads.forms import ActivityForm, BulkForm, CompanyForm, LeadFilterForm, LeadForm, SavedViewForm
from leads.merge import can_undo, lead_merge_history, merged_into
from leads.models import Activity, Lead, SavedView
from leads.views_catalog import BUILTIN_VIEWS, active_view
from leads.views_offline import queue_owner
from primesync.errors import DomainError
from primesync.idempotent_forms import idempotent_form_post
from primesync.inline_edit import InlineField, inline_edit, render_field
from primesync.keyset import InvalidCursor
from primesync.permissions import can_edit
from primesync.selectors import team_members
from primesync.timeline import build_timeline
from primesync.web import require_edit, team_required

LEAD_INLINE_FIELDS = {
    f.name: f
    for f in [
        InlineField("first_name"), InlineField("last_name"), InlineField("email", input_type="email"),
        InlineField("phone", input_type="tel"), InlineField("title"), InlineField("company_name"),
        InlineField("country"), InlineField("status"), InlineField("source"),
        InlineField("owner", managers_only=True),
    ]
}
COMPANY_INLINE_FIELDS = {
    f.name: f
    for f in [
        InlineField("name"), InlineField("domain"), InlineField("industry"), InlineField("employees"),
        InlineField("annual_revenue"), InlineField("hq_city"), InlineField("hq_country"),
    ]
}


def _lead(request, pk) -> Lead:
    return get_object_or_404(selectors.lead_queryset(team=request.team), pk=pk)


# --- the lead list -----------------------------------------------------------------------------


@team_required
def lead_list(request):
    form = LeadFilterForm(request.GET or None, team=request.team)
    filters, sort = (form.filters(), form.ordering()) if form.is_valid() else (selectors.LeadFilters(), "newest")
    try:
        page = selectors.lead_list(
            team=request.team, user=request.user, filters=filters, sort=sort, after=request.GET.get("after")
        )
    except InvalidCursor:
        return redirect(request.path)
    query = request.GET.copy()
    query.pop("after", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "query": query.urlencode(),
        "unsorted_query": unsorted.urlencode(),
        "next_url": _next_url(request, page.next_cursor),
        "saved_views": SavedView.objects.filter(team=request.team, user=request.user).order_by("name"),
        "builtin_views": BUILTIN_VIEWS,
        "active_view": active_view(query),
        "bulk_form": BulkForm(team=request.team),
    }
    if request.GET.get("after"):
        return render(request, "leads/_rows.html", context)
    if request.htmx and request.htmx.target == "lead-results":
        return render(request, "leads/_results.html", context)
    return render(request, "leads/list.html", context)


def _next_url(request, cursor: str | None) -> str:
    if not cursor:
        return ""
    query = request.GET.copy()
    query["after"] = cursor
    return f"?{query.urlencode()}"


@team_required
@require_POST
def lead_bulk(request):
    form = BulkForm(request.POST, team=request.team)
    if not form.is_valid():
        messages.error(request, "Select some leads and an action.")
        return redirect(reverse("lead-list") + _back_query(request))
    leads = list(selectors.lead_queryset(team=request.team).filter(pk__in=form.cleaned_data["ids"]))
    action = form.cleaned_data["action"]
    if action == "export":
        return exports.leads_csv_response(team=request.team, user=request.user, leads=leads, what="selected leads")
    try:
        if action == "assign":
            owner_id = form.cleaned_data["owner"]
            owner = team_members(team=request.team).filter(pk=owner_id).first() if owner_id else None
            result = services.lead_bulk_assign(team=request.team, seat=request.seat, leads=leads, owner=owner)
            messages.success(request, result.message("Assigned"))
        elif action == "status":
            result = services.lead_bulk_set_status(
                team=request.team, seat=request.seat, leads=leads, status=form.cleaned_data["status"]
            )
            messages.success(request, result.message("Updated"))
        else:
            result = services.enrichment_request(team=request.team, by=request.user, leads=leads, reason="bulk")
            text = f"Enrichment requested for {result.changed} lead{'s' if result.changed != 1 else ''}."
            if result.skipped:
                text += f" {result.skipped} already waiting."
            messages.success(request, text)
            if result.batch:
                return redirect(f"/enrichment/batches/{result.batch}/")  # its live progress bar
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("lead-list") + _back_query(request))


def _back_query(request) -> str:
    query = request.POST.get("back", "")
    return f"?{query}" if query and not query.startswith(("/", "http")) else ""


@team_required
@require_POST
def saved_view_create(request):
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            services.saved_view_create(
                team=request.team, user=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
            )
            messages.success(request, f"Saved the view “{form.cleaned_data['name']}”.")
        except ValidationError:
            messages.error(request, "You already have a view with that name.")
    else:
        messages.error(request, "Give the view a name (60 characters at most).")
    return redirect(reverse("lead-list") + (f"?{form.data.get('query', '')}" if form.data.get("query") else ""))


@team_required
@require_POST
def saved_view_delete(request, pk):
    view = get_object_or_404(SavedView, team=request.team, user=request.user, pk=pk)
    services.saved_view_delete(view=view)
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect("lead-list")


# --- a new lead --------------------------------------------------------------------------------


def _duplicates_for(request, data) -> list:
    return selectors.lead_possible_duplicates(
        team=request.team,
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        company_name=data.get("company_name", ""),
    )


@team_required
@idempotent_form_post  # the offline form's queue replays a send whose answer was lost
def lead_create(request):
    form = LeadForm(request.POST or None, team=request.team, seat=request.seat)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_for(request, form.cleaned_data)
        if not duplicates or form.cleaned_data["confirm_duplicate"]:
            fields = form.lead_fields()
            fields.setdefault("owner", request.user)
            try:
                lead = services.lead_create(team=request.team, by=request.user, **fields)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"Created {lead}.")
                return redirect("lead-detail", pk=lead.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "duplicates": duplicates, "queue_owner": queue_owner(request)}
    return render(request, "leads/new.html", context, status=status)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@team_required
@require_POST
def lead_validate(request, field):
    """One field of the new-lead form, checked as the rep leaves it (inline validation)."""
    form = LeadForm(request.POST, team=request.team, seat=request.seat)
    if field not in form.fields:
        raise Http404("No such field.")
    form.is_valid()
    return HttpResponse(" ".join(form.errors.get(field, [])))


@team_required
def lead_duplicates(request):
    """The possible-duplicates warning of the new-lead form, refreshed as fields change."""
    return render(request, "leads/_duplicates.html", {"duplicates": _duplicates_for(request, request.GET)})


# --- one lead ----------------------------------------------------------------------------------


def lead_page_context(request, lead: Lead) -> dict:
    from leads.views_sequences import lead_sequences_context

    activities = list(lead.activities.select_related("created_by", "assigned_to").order_by("-occurred_at")[:100])
    merges = lead_merge_history(lead=lead)
    for m in merges.active:
        m.undoable = can_undo(request.seat, m, survivor=lead)
    return lead_sequences_context(lead) | {
        "lead": lead,
        "can_edit": can_edit(request.seat, lead),
        "fields": [
            render_field(request, lead, spec, reverse("lead-field", args=[lead.pk, name]))
            for name, spec in LEAD_INLINE_FIELDS.items()
        ],
        "timeline": build_timeline(lead, activities, absorbed=merges.absorbed, notes=merges.entries),
        "merges": merges.active,
        "open_tasks": [a for a in activities if a.kind == "task" and a.completed_at is None],
        "activity_form": ActivityForm(),
        "deals": list(lead.deals.select_related("stage").order_by("-id")),
        "decision": lead.assignment_decisions.select_related("owner").order_by("-decided_at").first(),
        "sla": getattr(lead, "sla", None),
        "band": selectors.quality_band(lead.quality_score),
    }


@team_required
def lead_detail(request, pk):
    lead = selectors.lead_queryset(team=request.team).select_related("sla").filter(pk=pk).first()
    if lead is None:
        survivor_id = merged_into(team=request.team, lead_id=pk)  # an old link (a notification, a bookmark)
        if survivor_id is None:
            raise Http404("No such lead.")
        messages.info(request, "That lead was merged into this one.")
        return redirect("lead-detail", pk=survivor_id)
    return render(request, "leads/detail.html", lead_page_context(request, lead))


@team_required
def lead_field(request, pk, field):
    lead = _lead(request, pk)

    def save(obj, values):
        return services.lead_update(lead=obj, by=request.user, **values)

    def header(obj):
        return render_to_string(
            "leads/_header.html",
            {"lead": obj, "oob": True, "band": selectors.quality_band(obj.quality_score)},
            request=request,
        )

    return inline_edit(
        request, lead, field, fields=LEAD_INLINE_FIELDS, save=save,
        url=reverse("lead-field", args=[pk, field]), after_save=header,
    )


@team_required
@require_POST
def lead_activity_create(request, pk):
    lead = _lead(request, pk)
    form = ActivityForm(request.POST)
    if form.is_valid():
        services.activity_log(team=request.team, by=request.user, lead=lead, **form.cleaned_data)
        if request.htmx:
            response = render(request, "leads/_lead_activity.html", lead_page_context(request, lead))
            response["HX-Trigger"] = "activity-logged"
            return response
        messages.success(request, "Logged.")
        return redirect("lead-detail", pk=lead.pk)
    context = lead_page_context(request, lead) | {"activity_form": form}
    return render(request, "leads/_lead_activity.html" if request.htmx else "leads/detail.html", context, status=422)


@team_required
@require_POST
def activity_complete(request, pk):
    activity = get_object_or_404(Activity.objects.filter(team=request.team).select_related("lead", "deal"), pk=pk)
    subject = activity.lead or activity.deal
    if activity.assigned_to_id != request.user.pk:
        require_edit(request, subject)
    services.activity_complete(activity=activity, by=request.user)
    if request.htmx:
        return HttpResponse("")
    return redirect(request.POST.get("next") or "my-day")


@team_required
@require_POST
def lead_enrich(request, pk):
    lead = _lead(request, pk)
    result = services.enrichment_request(team=request.team, by=request.user, leads=[lead], reason="manual")
    if result.changed:
        messages.success(request, "Enrichment requested.")
    else:
        messages.info(request, "This lead is already waiting for enrichment.")
    return redirect("lead-detail", pk=lead.pk)


@team_required
def lead_export(request):
    """The leads of the current filters, as CSV."""
    return exports.filtered_leads_csv(team=request.team, user=request.user, query=request.GET)


# --- companies ---------------------------------------------------------------------------------


@team_required
def company_list(request):
    q = request.GET.get("q", "")[:200]
    try:
        page = selectors.company_list(team=request.team, q=q, after=request.GET.get("after"))
    except InvalidCursor:
        return redirect(request.path)
    context = {"page": page, "q": q, "next_url": _next_url(request, page.next_cursor)}
    if request.GET.get("after"):
        return render(request, "companies/_rows.html", context)
    if request.htmx and request.htmx.target == "company-results":
        return render(request, "companies/_results.html", context)
    return render(request, "companies/list.html", context)


@team_required
def company_create(request):
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(team=request.team, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Created {company}.")
            return redirect("company-detail", pk=company.pk)
    return render(request, "companies/new.html", {"form": form}, status=422 if request.method == "POST" else 200)


@team_required
def company_detail(request, pk):
    company = get_object_or_404(selectors.company_queryset(team=request.team), pk=pk)
    fields = [
        render_field(request, company, spec, reverse("company-field", args=[company.pk, name]))
        for name, spec in COMPANY_INLINE_FIELDS.items()
    ]
    return render(request, "companies/detail.html", {
        "company": company,
        "fields": fields,
        "leads": list(company.leads.select_related("owner").order_by("-id")[:100]),
        "deals": list(company.deals.select_related("stage", "owner").order_by("-id")[:100]),
    })


@team_required
def company_field(request, pk, field):
    company = get_object_or_404(selectors.company_queryset(team=request.team), pk=pk)

    def save(obj, values):
        return services.company_update(company=obj, by=request.user, **values)

    return inline_edit(
        request, company, field, fields=COMPANY_INLINE_FIELDS, save=save,
        url=reverse("company-field", args=[pk, field]),
    )
