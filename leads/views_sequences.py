"""/sequences/: managers write email sequences; anyone enrolls leads in them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.forms import inlineformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leads.models import Enrollment, Lead, SentEmail, Sequence, SequenceStep
from leads.selectors import lead_queryset
from leads.sequences import sequence_enroll
from primesync.web import manager_required, require_edit, team_required


class SequenceForm(forms.ModelForm):
    class Meta:
        model = Sequence
        fields = ["name", "active"]


StepFormSet = inlineformset_factory(
    Sequence, SequenceStep, fields=["order", "delay_hours", "subject", "body"], extra=1, can_delete=True,
    widgets={"body": forms.Textarea(attrs={"rows": 4})},
)


def sequence_save(*, team, form: SequenceForm, steps) -> Sequence:
    with transaction.atomic():
        sequence = form.save(commit=False)
        sequence.team = team
        sequence.save()
        for step in steps.save(commit=False):
            step.team = team
            step.sequence = sequence
            step.save()
        for step in steps.deleted_objects:
            step.delete()
    return sequence


@team_required
def sequence_list(request):
    sequences = (
        Sequence.objects.filter(team=request.team)
        .annotate(steps_count=Count("steps", distinct=True),
                  active_count=Count("enrollments", filter=Q(enrollments__status="active"), distinct=True))
        .order_by("name")
    )
    stats = {
        row["enrollment__sequence"]: row
        for row in SentEmail.objects.filter(team=request.team).values("enrollment__sequence")
        .annotate(sent=Count("id", filter=Q(status="sent")), opened=Count("id", filter=Q(opened_at__isnull=False)),
                  clicked=Count("id", filter=Q(clicked_at__isnull=False)))
    }
    return render(request, "leads/sequences.html", {"sequences": [(s, stats.get(s.pk, {})) for s in sequences]})


@manager_required
def sequence_edit(request, pk=None):
    sequence = get_object_or_404(Sequence, team=request.team, pk=pk) if pk else Sequence(team=request.team)
    form = SequenceForm(request.POST or None, instance=sequence)
    steps = StepFormSet(
        request.POST or None, instance=sequence, queryset=SequenceStep.objects.filter(team=request.team)
    )
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        saved = sequence_save(team=request.team, form=form, steps=steps)
        messages.success(request, f"Saved the sequence “{saved.name}”.")
        return redirect("sequence-list")
    return render(request, "leads/sequence_edit.html", {"form": form, "steps": steps, "sequence": sequence},
                  status=422 if request.method == "POST" else 200)


@team_required
@require_POST
def lead_enroll(request, pk):
    lead = get_object_or_404(lead_queryset(team=request.team), pk=pk)
    require_edit(request, lead)
    sequence = get_object_or_404(Sequence, team=request.team, pk=request.POST.get("sequence") or 0)
    enrolled, skipped = sequence_enroll(team=request.team, by=request.user, sequence=sequence, leads=[lead])
    if enrolled:
        messages.success(request, f"Enrolled in “{sequence.name}”.")
    else:
        messages.error(request, f"Not enrolled: {'; '.join(skipped)}.")
    return redirect("lead-detail", pk=lead.pk)


def lead_sequences_context(lead: Lead) -> dict:
    return {
        "enrollments": list(Enrollment.objects.filter(lead=lead).select_related("sequence").order_by("-created_at")),
        "sent_emails": list(lead.sent_emails.order_by("-created_at")[:20]),
        "sequence_choices": list(Sequence.objects.filter(team_id=lead.team_id, active=True).order_by("name")),
    }
