"""/settings/routing/: how new leads reach reps (managers), and each rep's availability."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leads import services
from leads.assignment import lead_settings
from leads.forms_settings import AssignmentRuleForm, AvailabilityForm, LeadSettingsForm
from leads.models import AssignmentMember, AssignmentRule, RepAvailability
from primesync.selectors import team_members
from primesync.web import manager_required, team_required


@manager_required
def routing_settings(request):
    members = list(team_members(team=request.team))
    members_with_users = Prefetch("members", queryset=AssignmentMember.objects.select_related("user"))
    rules = list(AssignmentRule.objects.filter(team=request.team).prefetch_related(members_with_users))
    availability = {a.user_id: a for a in RepAvailability.objects.filter(team=request.team)}
    policy = lead_settings(request.team.pk)
    form = LeadSettingsForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        form.instance.team = request.team
        services.lead_settings_save(form=form)
        messages.success(request, "Saved the speed-to-lead policy.")
        return redirect("routing-settings")
    return render(request, "leads/settings_routing.html", {
        "rules": rules, "sla_form": form,
        "reps": [(user, availability.get(user.pk)) for user in members],
    }, status=422 if request.method == "POST" else 200)


@manager_required
def rule_edit(request, pk=None):
    rule = get_object_or_404(AssignmentRule, team=request.team, pk=pk) if pk else None
    members = list(team_members(team=request.team))
    initial = {"priority": 100, "active": True}
    if rule is not None:
        weights = {m.user_id: m.weight for m in rule.members.all()}
        initial = {
            "name": rule.name, "priority": rule.priority, "active": rule.active,
            "countries": ", ".join(rule.countries), "industries": ", ".join(rule.industries),
            "sources": rule.sources, "min_employees": rule.min_employees, "max_employees": rule.max_employees,
            **{f"weight_{user_id}": weight for user_id, weight in weights.items()},
        }
    form = AssignmentRuleForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.assignment_rule_save(
                team=request.team, rule=rule, fields=form.rule_fields(), weights=form.weights()
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Saved the rule “{saved.name}”.")
            return redirect("routing-settings")
    return render(request, "leads/settings_rule.html", {"form": form, "rule": rule},
                  status=422 if request.method == "POST" else 200)


@manager_required
@require_POST
def rule_delete(request, pk):
    rule = get_object_or_404(AssignmentRule, team=request.team, pk=pk)
    services.assignment_rule_delete(rule=rule)
    messages.success(request, f"Deleted the rule “{rule.name}”.")
    return redirect("routing-settings")


@team_required
def availability_edit(request, user_id=None):
    """A rep sets their own hours and time off; a manager also sets anyone's capacity."""
    user_id = user_id or request.user.pk
    if user_id != request.user.pk and not request.seat.is_manager:
        raise PermissionDenied("Only managers can change someone else's availability.")
    user = get_object_or_404(team_members(team=request.team), pk=user_id)
    instance = RepAvailability.objects.filter(team=request.team, user=user).first() or RepAvailability(
        team=request.team, user=user
    )
    form = AvailabilityForm(request.POST or None, instance=instance, can_set_capacity=request.seat.is_manager)
    if request.method == "POST" and form.is_valid():
        services.availability_save(form=form)
        messages.success(request, f"Saved {user.display_name}'s availability.")
        return redirect("routing-settings" if request.seat.is_manager else "my-day")
    return render(request, "leads/settings_availability.html", {"form": form, "person": user},
                  status=422 if request.method == "POST" else 200)
