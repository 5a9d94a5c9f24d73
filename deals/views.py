"""The pipeline board, a deal's page, and converting a lead into a deal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from deals import selectors, services
from deals.forms import ConvertForm, DealFilterForm, MoveForm
from deals.models import Deal, StageKind
from leads.forms import ActivityForm
from leads.selectors import lead_queryset
from leads.services import activity_log
from primesync.errors import DomainError
from primesync.inline_edit import InlineField, inline_edit, render_field
from primesync.permissions import can_edit
from primesync.timeline import build_timeline
from primesync.web import require_edit, team_required

DEAL_INLINE_FIELDS = {
    f.name: f
    for f in [
        InlineField("name"), InlineField("amount"), InlineField("currency"),
        InlineField("expected_close_date", input_type="date"), InlineField("next_step"),
        InlineField("next_step_due", input_type="date"), InlineField("owner", managers_only=True),
    ]
}


def _deal(request, pk) -> Deal:
    return get_object_or_404(selectors.deal_queryset(team=request.team), pk=pk)


# --- the board ---------------------------------------------------------------------------------


@team_required
def pipeline_board(request):
    form = DealFilterForm(request.GET or None, team=request.team)
    pipeline_id = form.cleaned_data.get("pipeline") if form.is_valid() else None
    pipeline, pipelines = selectors.board_pipelines(team=request.team, pipeline_id=pipeline_id)
    if pipeline is None:
        return render(request, "deals/pipeline.html", {"form": form, "pipeline": None})
    query = request.GET.copy()
    query["pipeline"] = pipeline.pk
    filters = request.GET.copy()
    filters.pop("pipeline", None)
    context = {
        "filter_query": "&".join(f"{k}={v}" for k, v in filters.items() if v) if form.is_valid() else "",
        "form": form,
        "pipeline": pipeline,
        "pipelines": pipelines,
        "stages": list(pipeline.stages.all()),
        "query": query.urlencode(),
    }
    return render(request, "deals/pipeline.html", context)


@team_required
def pipeline_column(request, stage_id):
    """A column of the board: its count and amount, then a page of cards (loaded lazily)."""
    stages = selectors.sibling_stages(team=request.team, stage_id=stage_id)
    stage = next((s for s in stages if s.pk == stage_id), None)
    if stage is None:
        raise Http404("No such stage.")
    filters = DealFilterForm(request.GET, team=request.team).filters()
    after = request.GET.get("after")
    try:
        page = selectors.stage_cards(team=request.team, user=request.user, filters=filters, stage=stage, after=after)
    except ValueError as exc:
        raise Http404("Bad cursor.") from exc
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "stage": stage,
        "page": page,
        "stages": stages,
        "query": query.urlencode(),
        "seat": request.seat,
    }
    if after:
        return render(request, "deals/_cards.html", context)
    totals = selectors.stage_totals(team=request.team, user=request.user, filters=filters, stage_ids=[stage.pk])
    return render(request, "deals/_column_body.html", {**context, "total": totals[stage.pk]})


@team_required
@require_POST
def deal_move(request, pk):
    """Drop a card on a column (or pick a stage): move the deal, answer the card and both column heads."""
    deal = _deal(request, pk)
    require_edit(request, deal)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a stage.", status=400)
    stage = get_object_or_404(selectors.stage_queryset(team=request.team), pk=form.cleaned_data["stage"])
    if stage.pipeline_id != deal.pipeline_id:
        return HttpResponse("That stage belongs to another pipeline.", status=400)
    old_stage = deal.stage
    try:
        deal = services.deal_move(deal=deal, stage=stage, by=request.user, lost_reason=form.cleaned_data["lost_reason"])
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=422)
    if not request.htmx:
        messages.success(request, f"Moved to {stage.name}.")
        return redirect("deal-detail", pk=deal.pk)
    filters = DealFilterForm(request.POST, team=request.team).filters()
    totals = selectors.stage_totals(
        team=request.team, user=request.user, filters=filters, stage_ids=list({old_stage.pk, stage.pk})
    )
    stages = list(deal.pipeline.stages.all())
    html = render_to_string("deals/_card.html", {"deal": deal, "stages": stages, "editable": True}, request=request)
    for moved_stage in {old_stage, stage}:
        html += render_to_string(
            "deals/_stage_head.html", {"stage": moved_stage, "total": totals[moved_stage.pk], "oob": True},
            request=request,
        )
    return HttpResponse(html)


# --- one deal ----------------------------------------------------------------------------------


def deal_page_context(request, deal: Deal, **extra) -> dict:
    activities = list(deal.activities.select_related("created_by", "assigned_to").order_by("-occurred_at")[:100])
    return {
        "deal": deal,
        "can_edit": can_edit(request.seat, deal),
        "fields": [
            render_field(request, deal, spec, reverse("deal-field", args=[deal.pk, name]))
            for name, spec in DEAL_INLINE_FIELDS.items()
        ],
        "stages": list(deal.pipeline.stages.all()),
        "timeline": build_timeline(deal, activities),
        "open_tasks": [a for a in activities if a.kind == "task" and a.completed_at is None],
        "activity_form": ActivityForm(),
        "move_error": "",
        **extra,
    }


@team_required
def deal_detail(request, pk):
    deal = _deal(request, pk)
    return render(request, "deals/detail.html", deal_page_context(request, deal))


@team_required
def deal_field(request, pk, field):
    deal = _deal(request, pk)

    def save(obj, values):
        return services.deal_update(deal=obj, by=request.user, **values)

    return inline_edit(
        request, deal, field, fields=DEAL_INLINE_FIELDS, save=save, url=reverse("deal-field", args=[pk, field])
    )


@team_required
@require_POST
def deal_stage(request, pk):
    """The stage picker of the deal page (a lost deal asks for its reason)."""
    deal = _deal(request, pk)
    require_edit(request, deal)
    form = MoveForm(request.POST)
    stage = None
    if form.is_valid():
        stage = selectors.stage_queryset(team=request.team).filter(
            pk=form.cleaned_data["stage"], pipeline=deal.pipeline
        ).first()
    if stage is None:
        error = "Choose a stage of this deal's pipeline."
    else:
        try:
            services.deal_move(deal=deal, stage=stage, by=request.user, lost_reason=form.cleaned_data["lost_reason"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Moved to {stage.name}.")
            return redirect("deal-detail", pk=deal.pk)
    deal.refresh_from_db()
    return render(request, "deals/detail.html", deal_page_context(request, deal, move_error=error), status=422)


@team_required
@require_POST
def deal_activity_create(request, pk):
    deal = _deal(request, pk)
    form = ActivityForm(request.POST)
    if form.is_valid():
        activity_log(team=request.team, by=request.user, deal=deal, **form.cleaned_data)
        if request.htmx:
            return render(request, "deals/_deal_activity.html", deal_page_context(request, deal))
        messages.success(request, "Logged.")
        return redirect("deal-detail", pk=deal.pk)
    context = deal_page_context(request, deal, activity_form=form)
    return render(request, "deals/_deal_activity.html" if request.htmx else "deals/detail.html", context, status=422)


# --- converting a lead -------------------------------------------------------------------------


@team_required
def lead_convert(request, pk):
    lead = get_object_or_404(lead_queryset(team=request.team), pk=pk)
    require_edit(request, lead)
    pipeline, _ = selectors.board_pipelines(team=request.team)
    stages = list(pipeline.stages.all()) if pipeline else []
    initial = {"deal_name": f"{lead.company_name or lead.full_name} - New deal"[:200], "amount": 0}
    form = ConvertForm(request.POST or None, stages=stages, initial=initial)
    if request.method == "POST" and form.is_valid():
        stage = next((s for s in stages if s.pk == form.cleaned_data["stage"]), None)
        try:
            deal = services.lead_convert(
                lead=lead,
                by=request.user,
                deal_name=form.cleaned_data["deal_name"],
                amount=form.cleaned_data["amount"],
                stage=stage,
                expected_close_date=form.cleaned_data["expected_close_date"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Converted {lead} into the deal “{deal.name}”.")
            return redirect("deal-detail", pk=deal.pk)
    return render(
        request, "deals/convert.html",
        {"lead": lead, "form": form, "open_stage_kind": StageKind.OPEN},
        status=422 if request.method == "POST" else 200,
    )
