"""Assigning leads by the team's rules (the database side of leads.routing)."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from leads import routing
from leads.models import (
    OPEN_LEAD_STATUSES,
    AssignmentDecision,
    AssignmentRule,
    Lead,
    LeadSettings,
    RepAvailability,
)
from leads.working_hours import Hours

DEFAULT_CAPACITY = 50


def facts_for(lead: Lead) -> routing.LeadFacts:
    company = lead.company
    return routing.LeadFacts(
        country=lead.country or (company.hq_country if company else ""),
        industry=company.industry if company else "",
        employees=company.employees if company else None,
        source=lead.source,
    )


def _spec(rule: AssignmentRule) -> routing.RuleSpec:
    return routing.RuleSpec(
        id=rule.pk, name=rule.name, countries=tuple(rule.countries), industries=tuple(rule.industries),
        sources=tuple(rule.sources), min_employees=rule.min_employees, max_employees=rule.max_employees,
    )


def _next_slot(rule: AssignmentRule) -> int:
    """Take the rule's next rotation slot. The row lock also serializes concurrent assignments
    through this rule until commit, so capacity counts below see the assignments before them."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE leads_assignmentrule SET rotation = rotation + 1 WHERE id = %s RETURNING rotation - 1", [rule.pk]
        )
        return cur.fetchone()[0]


def _candidates(rule: AssignmentRule, *, exclude: set[int], team_tz: str) -> tuple[list[routing.Candidate], dict]:
    members = [m for m in rule.members.select_related("user") if m.user_id not in exclude and m.user.is_active]
    user_ids = [m.user_id for m in members]
    open_counts = dict(
        Lead.objects.filter(team_id=rule.team_id, owner_id__in=user_ids, status__in=OPEN_LEAD_STATUSES)
        .values_list("owner_id").annotate(n=Count("id")).order_by()
    )
    availability = {a.user_id: a for a in RepAvailability.objects.filter(team_id=rule.team_id, user_id__in=user_ids)}
    now = timezone.now()
    candidates = []
    for m in members:
        a = availability.get(m.user_id)
        hours = Hours(a.work_start, a.work_end, a.work_days, team_tz) if a else None
        candidates.append(routing.Candidate(
            user_id=m.user_id, name=m.user.display_name, weight=m.weight, open_leads=open_counts.get(m.user_id, 0),
            capacity=a.max_open_leads if a else DEFAULT_CAPACITY,
            out_of_office=bool(a and a.out_of_office_until and a.out_of_office_until > now),
            working_now=hours.is_working(now) if hours else True,
        ))
    return candidates, {m.user_id: m.user for m in members}


def lead_assign(*, lead: Lead, exclude: set[int] | None = None, prefix: str = "") -> AssignmentDecision:
    """Choose an owner by the first matching rule with an eligible rep, set it, and record why."""
    from leads.services import lead_update

    exclude = exclude or set()
    facts = facts_for(lead)
    notes: list[str] = []
    with transaction.atomic():
        rules = AssignmentRule.objects.filter(team_id=lead.team_id, active=True).order_by("priority", "id")
        for rule in rules:
            spec = _spec(rule)
            matched = routing.rule_matches(spec, facts)
            if matched is None:
                continue
            slot = _next_slot(rule)
            candidates, users = _candidates(rule, exclude=exclude, team_tz=lead.team.time_zone)
            candidate, skipped = routing.pick(candidates, slot)
            if candidate is None:
                notes.append(f"rule {rule.name}: nobody available ({'; '.join(skipped)})")
                continue
            lead_update(lead=lead, by=None, owner=users[candidate.user_id])
            return AssignmentDecision.objects.create(
                team_id=lead.team_id, lead=lead, owner_id=candidate.user_id, rule=rule,
                reason=(prefix + routing.explain(candidate, spec, matched, skipped))[:300],
            )
        reason = "Left unassigned: " + ("; ".join(notes) if notes else "no rule matches this lead")
        return AssignmentDecision.objects.create(
            team_id=lead.team_id, lead=lead, owner=None, reason=(prefix + reason)[:300]
        )


def lead_settings(team_id: int) -> LeadSettings:
    settings_row = LeadSettings.objects.filter(team_id=team_id).first()
    return settings_row or LeadSettings(team_id=team_id)
