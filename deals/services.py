"""Pipelines, deals and quotas."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from deals.models import Deal, Pipeline, Quota, Stage, StageKind
from leads.models import Company, Lead, LeadStatus
from leads.services import company_create, lead_update
from primesync.errors import DomainError
from primesync.models import Team, User
from primesync.validation import apply_fields, require_member

DEFAULT_STAGES = (
    # name, win probability, stale after days, kind
    ("Prospecting", 10, 14, StageKind.OPEN),
    ("Qualification", 25, 14, StageKind.OPEN),
    ("Proposal", 50, 10, StageKind.OPEN),
    ("Negotiation", 75, 7, StageKind.OPEN),
    ("Won", 100, 0, StageKind.WON),
    ("Lost", 0, 0, StageKind.LOST),
)
DEAL_FIELDS = {
    "name", "amount", "currency", "owner", "lead", "company", "expected_close_date",
    "next_step", "next_step_due", "lost_reason",
}


def pipeline_create_default(*, team: Team, name: str = "Sales") -> Pipeline:
    with transaction.atomic():
        pipeline = Pipeline.objects.create(team=team, name=name, is_default=True)
        Stage.objects.bulk_create(
            Stage(team=team, pipeline=pipeline, name=stage, order=i, win_probability=p, stale_after_days=d, kind=k)
            for i, (stage, p, d, k) in enumerate(DEFAULT_STAGES)
        )
    return pipeline


def default_pipeline(team: Team) -> Pipeline:
    pipeline = Pipeline.objects.filter(team=team).order_by("-is_default", "id").first()
    if pipeline is None:
        raise ValidationError({"pipeline": "The team has no pipeline."})
    return pipeline


def _check_relations(deal: Deal) -> None:
    require_member(deal.team, deal.owner, field="owner")
    for name in ("lead", "company", "pipeline", "stage"):
        related = getattr(deal, name)
        if related is not None and related.team_id != deal.team_id:
            raise ValidationError({name: "Unknown value."})
    if deal.stage.pipeline_id != deal.pipeline_id:
        raise ValidationError({"stage": "This stage belongs to another pipeline."})


def _apply_stage(deal: Deal, stage: Stage, lost_reason: str) -> list[str]:
    """Move the deal's stage fields; returns the changed field names."""
    changed = ["stage", "stage_entered_at", "closed_at", "lost_reason"]
    deal.stage = stage
    deal.stage_entered_at = timezone.now()
    deal.closed_at = deal.stage_entered_at if stage.kind != StageKind.OPEN else None
    if stage.kind == StageKind.LOST:
        if not (lost_reason or deal.lost_reason).strip():
            raise ValidationError({"lost_reason": "Say why the deal was lost."})
        deal.lost_reason = (lost_reason or deal.lost_reason).strip()
    else:
        deal.lost_reason = ""
    return changed


def deal_create(
    *, team: Team, by: User | None, name: str, pipeline: Pipeline | None = None, stage: Stage | None = None, **fields
) -> Deal:
    pipeline = pipeline or (stage.pipeline if stage else default_pipeline(team))
    stage = stage or pipeline.stages.order_by("order").first()
    deal = Deal(team=team, name=name, pipeline=pipeline, stage=stage)
    apply_fields(deal, fields, allowed=DEAL_FIELDS)
    with transaction.atomic():
        _check_relations(deal)
        _apply_stage(deal, stage, deal.lost_reason)
        deal.full_clean()
        deal.save()
    return deal


def deal_update(*, deal: Deal, by: User | None, stage: Stage | None = None, **fields) -> Deal:
    changed = apply_fields(deal, fields, allowed=DEAL_FIELDS)
    if stage is not None and stage.pk != deal.stage_id:
        changed += _apply_stage(deal, stage, fields.get("lost_reason", ""))
    if not changed:
        return deal
    with transaction.atomic():
        _check_relations(deal)
        deal.full_clean()
        deal.save(update_fields=[*set(changed), "updated_at"])
    return deal


def deal_move(*, deal: Deal, stage: Stage, by: User | None, lost_reason: str = "") -> Deal:
    """Move a deal to another stage of its pipeline (a lost deal needs its reason)."""
    return deal_update(deal=deal, by=by, stage=stage, lost_reason=lost_reason or deal.lost_reason)


def deal_delete(*, deal: Deal, by: User | None) -> None:
    with transaction.atomic():
        deal.delete()


def quota_set(*, team: Team, user: User, period_start, period_end, amount) -> Quota:
    require_member(team, user, field="user")
    with transaction.atomic():
        quota, _ = Quota.objects.update_or_create(
            team=team,
            user=user,
            period_start=period_start,
            defaults={"period_end": period_end, "amount": amount},
        )
    return quota


FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "icloud.com",
    "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "mail.com", "yandex.com",
})


def _company_for(lead: Lead, by: User | None) -> Company | None:
    """The lead's company: already linked, found by email domain or by name, or created."""
    if lead.company_id:
        return lead.company
    domain = lead.email.rsplit("@", 1)[-1].lower() if "@" in lead.email else ""
    if domain in FREE_MAIL_DOMAINS:
        domain = ""
    companies = Company.objects.filter(team=lead.team)
    if domain:
        found = companies.annotate(domain_lc=Lower("domain")).filter(domain_lc=domain).first()
        if found:
            return found
    name = lead.company_name.strip()
    if name:
        found = companies.annotate(name_lc=Lower("name")).filter(name_lc=name.lower()).first()
        if found:
            return found
        return company_create(team=lead.team, by=by, name=name, domain=domain)
    return None


def lead_convert(
    *, lead: Lead, by: User | None, deal_name: str, amount, stage: Stage | None = None, expected_close_date=None
) -> Deal:
    """Turn a lead into a deal: link (or create) its company, create the deal, mark the lead converted."""
    if lead.status == LeadStatus.CONVERTED:
        raise DomainError("This lead was converted already.")
    with transaction.atomic():
        company = _company_for(lead, by)
        lead_update(
            lead=lead, by=by, company=company, status=LeadStatus.CONVERTED,
            **({"owner": by} if lead.owner_id is None and by is not None else {}),
        )
        return deal_create(
            team=lead.team, by=by, name=deal_name, stage=stage, amount=amount, lead=lead, company=company,
            owner=lead.owner, expected_close_date=expected_close_date,
        )
