"""Writing companies, leads and activities. Every write validates the whole row (full_clean)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from leads.models import Activity, ActivityKind, Company, Lead
from primesync.models import Team, User
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
) -> Activity:
    """Record a call, email, meeting, note or task on a lead or a deal."""
    activity = Activity(
        team=team,
        kind=kind,
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
