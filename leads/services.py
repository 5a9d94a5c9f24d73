"""Writing companies, leads and activities. Every write validates the whole row (full_clean)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads.models import (
    Activity,
    ActivityKind,
    AssignmentMember,
    AssignmentRule,
    Company,
    EnrichmentRequest,
    EnrichmentStatus,
    Lead,
    LeadSettings,
    LeadStatus,
    RepAvailability,
    SavedView,
)
from primesync.errors import PermissionDenied
from primesync.models import Team, User
from primesync.permissions import can_edit
from primesync.validation import apply_fields, require_member

COMPANY_FIELDS = {"name", "domain", "industry", "employees", "annual_revenue", "tech_stack", "hq_city", "hq_country"}
LEAD_FIELDS = {
    "first_name", "last_name", "email", "phone", "title", "company", "company_name",
    "country", "owner", "status", "source",
}


def _normalise_domain(domain: str) -> str:
    domain = (domain or "").strip().lower()
    for prefix in ("https://", "http://"):
        domain = domain.removeprefix(prefix)
    return domain.removeprefix("www.").split("/")[0]


def company_create(*, team: Team, by: User | None, **fields) -> Company:
    company = Company(team=team)
    apply_fields(company, fields, allowed=COMPANY_FIELDS)
    company.domain = _normalise_domain(company.domain)
    with transaction.atomic():
        company.full_clean()
        company.save()
    return company


def company_update(*, company: Company, by: User | None, **fields) -> Company:
    changed = apply_fields(company, fields, allowed=COMPANY_FIELDS)
    if "domain" in changed:
        company.domain = _normalise_domain(company.domain)
    if changed:
        with transaction.atomic():
            company.full_clean()
            company.save(update_fields=[*changed, "updated_at"])
    return company


def company_delete(*, company: Company, by: User | None) -> None:
    with transaction.atomic():
        company.delete()


def _check_lead_relations(lead: Lead) -> None:
    require_member(lead.team, lead.owner, field="owner")
    if lead.company is not None and lead.company.team_id != lead.team_id:
        from django.core.exceptions import ValidationError

        raise ValidationError({"company": "Unknown company."})


def lead_create(*, team: Team, by: User | None, **fields) -> Lead:
    lead = Lead(team=team)
    apply_fields(lead, fields, allowed=LEAD_FIELDS)
    lead.email = lead.email.strip().lower()
    with transaction.atomic():
        _check_lead_relations(lead)
        lead.full_clean()
        lead.save()
    return lead


def lead_update(*, lead: Lead, by: User | None, **fields) -> Lead:
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    changed = apply_fields(lead, fields, allowed=LEAD_FIELDS)
    if not changed:
        return lead
    if "status" in changed and lead.status == "converted" and lead.converted_at is None:
        lead.converted_at = timezone.now()
        changed.append("converted_at")
    with transaction.atomic():
        _check_lead_relations(lead)
        lead.full_clean()
        lead.save(update_fields=[*changed, "updated_at"])
    return lead


def lead_delete(*, lead: Lead, by: User | None) -> None:
    with transaction.atomic():
        lead.delete()


def activity_log(
    *,
    team: Team,
    by: User | None,
    kind: str,
    subject: str,
    lead: Lead | None = None,
    deal=None,
    body: str = "",
    occurred_at=None,
    due_at=None,
    assigned_to: User | None = None,
    direction: str = "out",
) -> Activity:
    """Record a call, email, meeting, note or task on a lead or a deal (an inbound email is a reply)."""
    activity = Activity(
        team=team,
        kind=kind,
        direction=direction,
        subject=subject,
        body=body,
        lead=lead,
        deal=deal,
        occurred_at=occurred_at or timezone.now(),
        due_at=due_at,
        assigned_to=assigned_to or (by if kind == ActivityKind.TASK else None),
        created_by=by,
    )
    with transaction.atomic():
        require_member(team, activity.assigned_to, field="assigned_to")
        activity.full_clean()
        activity.save()
    return activity


# --- bulk actions on the lead list ------------------------------------------------------------


@dataclass
class BulkResult:
    changed: int = 0
    skipped: int = 0  # selected, but the acting user may not change them
    batch: uuid.UUID | None = None

    def message(self, verb: str) -> str:
        text = f"{verb} {self.changed} lead{'s' if self.changed != 1 else ''}."
        if self.skipped:
            text += f" {self.skipped} skipped: only their owner or a manager can change them."
        return text


def _editable(leads, seat) -> tuple[list[Lead], int]:
    editable = [lead for lead in leads if can_edit(seat, lead)]
    return editable, len(leads) - len(editable)


def lead_bulk_assign(*, team: Team, seat, leads: list[Lead], owner: User | None) -> BulkResult:
    """Give the selected leads to one owner (a manager's action)."""
    if not seat.is_manager:
        raise PermissionDenied("Only managers can assign leads.")
    require_member(team, owner, field="owner")
    with transaction.atomic():
        changed = Lead.objects.filter(team=team, pk__in=[lead.pk for lead in leads]).update(
            owner=owner, updated_at=timezone.now()
        )
    return BulkResult(changed=changed)


def lead_bulk_set_status(*, team: Team, seat, leads: list[Lead], status: str) -> BulkResult:
    if status not in LeadStatus.values or status == LeadStatus.CONVERTED:
        raise ValidationError({"status": "Choose new, working, qualified or disqualified."})
    editable, skipped = _editable(leads, seat)
    with transaction.atomic():
        changed = Lead.objects.filter(team=team, pk__in=[lead.pk for lead in editable]).update(
            status=status, updated_at=timezone.now()
        )
    return BulkResult(changed=changed, skipped=skipped)


def enrichment_request(*, team: Team, by: User | None, leads: list[Lead], reason: str = "manual") -> BulkResult:
    """Queue the leads for enrichment; a lead that already waits is not queued twice."""
    batch = uuid.uuid4()
    with transaction.atomic():
        waiting = set(
            EnrichmentRequest.objects.filter(
                team=team, lead__in=leads, status__in=[EnrichmentStatus.PENDING, EnrichmentStatus.RUNNING]
            ).values_list("lead_id", flat=True)
        )
        created = EnrichmentRequest.objects.bulk_create(
            [
                EnrichmentRequest(team=team, lead=lead, requested_by=by, reason=reason, batch=batch)
                for lead in leads
                if lead.pk not in waiting
            ],
            ignore_conflicts=True,  # a concurrent request for the same lead wins; ours is redundant
        )
    return BulkResult(changed=len(created), skipped=len(waiting), batch=batch if created else None)


def activity_complete(*, activity: Activity, by: User | None) -> Activity:
    if activity.kind != ActivityKind.TASK:
        raise ValidationError("Only tasks can be completed.")
    if activity.completed_at is None:
        with transaction.atomic():
            activity.completed_at = timezone.now()
            activity.save(update_fields=["completed_at"])
    return activity


def saved_view_create(*, team: Team, user: User, name: str, query: str) -> SavedView:
    view = SavedView(team=team, user=user, name=name.strip(), query=query[:1000])
    with transaction.atomic():
        view.full_clean()
        view.save()
    return view


def saved_view_delete(*, view: SavedView) -> None:
    with transaction.atomic():
        view.delete()


# --- routing settings -----------------------------------------------------------------------------


def assignment_rule_save(*, team: Team, rule: AssignmentRule | None, fields: dict, weights: dict[int, int]):
    """Create or update a rule and its members (weight 0 removes a rep from it)."""
    from primesync.models import Membership

    allowed = set(Membership.objects.filter(team=team).values_list("user_id", flat=True))
    if set(weights) - allowed:
        raise ValidationError("Only members of the team can be in a rule.")
    with transaction.atomic():
        rule = rule or AssignmentRule(team=team)
        for name, value in fields.items():
            setattr(rule, name, value)
        rule.full_clean(exclude=["rotation"])
        rule.save()
        AssignmentMember.objects.filter(rule=rule).exclude(user_id__in=[u for u, w in weights.items() if w]).delete()
        for user_id, weight in weights.items():
            if weight:
                AssignmentMember.objects.update_or_create(
                    rule=rule, user_id=user_id, defaults={"team": team, "weight": weight}
                )
    return rule


def assignment_rule_delete(*, rule: AssignmentRule) -> None:
    with transaction.atomic():
        rule.delete()


def lead_settings_save(*, form) -> LeadSettings:
    with transaction.atomic():
        return form.save()


def availability_save(*, form) -> RepAvailability:
    with transaction.atomic():
        return form.save()
