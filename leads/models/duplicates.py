"""Possible duplicates (pairs of leads) and merges, with what it takes to undo a merge exactly."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from leads.models.core import Lead
from primesync.models import TenantModel


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "Open"
    MERGED = "merged", "Merged"
    DISMISSED = "dismissed", "Not a duplicate"


# The pairs' lead references have no foreign key constraint: a merged or dismissed pair is a record
# of a decision and outlives its leads (as history rows do); after an undo, the merged lead comes
# back with its id and the pair is whole again. Open pairs are only proposals: this trigger removes
# them with their lead, whoever deletes it (a merge, the app, admin, SQL).
DROP_OPEN_PAIRS_OF_DELETED_LEADS = pgtrigger.Trigger(
    name="drop_open_duplicate_pairs",
    level=pgtrigger.Statement,
    when=pgtrigger.After,
    operation=pgtrigger.Delete,
    referencing=pgtrigger.Referencing(old="old_values"),
    func=pgtrigger.Func(
        "DELETE FROM leads_duplicatecandidate d USING old_values o "
        "WHERE d.status = 'open' AND (d.lead_a_id = o.id OR d.lead_b_id = o.id); RETURN NULL;"
    ),
)
pgtrigger.register(DROP_OPEN_PAIRS_OF_DELETED_LEADS)(Lead)


class DuplicateCandidate(TenantModel):
    """Two leads that may be one person: why (reasons), how likely (score), and what was decided.

    ``lead_a`` is always the lower id, so a pair is stored once. A pair someone called "not a
    duplicate" stays, so the sweep never proposes it again.
    """

    lead_a = models.ForeignKey(Lead, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    lead_b = models.ForeignKey(Lead, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    score = models.PositiveSmallIntegerField(help_text="How likely the two are one person, 0-100")
    reasons = models.JSONField(default=list, help_text='e.g. ["same email", "name 92% at the same company"]')
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, help_text="Last scan that found it")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lead_a", "lead_b"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(lead_a__lt=F("lead_b")), name="duplicate_pair_ordered"),
        ]
        indexes = [
            # the queue: open pairs, most likely first (keyset on score, id)
            models.Index(fields=["team", "status", "score", "id"], name="duplicate_team_queue"),
            models.Index(fields=["lead_b"], name="duplicate_lead_b"),
        ]

    def __str__(self) -> str:
        return f"#{self.lead_a_id} / #{self.lead_b_id} ({self.score})"


class LeadMerge(TenantModel):
    """One merge of ``merged_lead`` into ``survivor``: everything needed to undo it exactly.

    Rows are JSON snapshots in Django's "python" serialisation (model label, pk, fields), with
    full-precision times. Lead references carry no constraint: the merged lead is gone until an
    undo brings it back with the same id, and the record outlives both leads.
    """

    survivor = models.ForeignKey(Lead, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    merged_lead = models.ForeignKey(Lead, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    merged_name = models.CharField(max_length=300, help_text="The merged lead as people knew it")
    pair = models.ForeignKey(
        DuplicateCandidate, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    picks = models.JSONField(default=dict, help_text="field -> the lead whose value the survivor kept")
    survivor_before = models.JSONField(help_text="The survivor's row before the merge")
    survivor_after = models.JSONField(help_text="The survivor's row right after the merge")
    merged_row = models.JSONField(help_text="The merged lead's row (cross-checked with its audit trail)")
    merged_event_id = models.BigIntegerField(null=True, help_text="pgh_id of the merged lead's delete event")
    removed_rows = models.JSONField(
        default=list, help_text="Rows deleted with the merged lead (one-per-lead rows the survivor already had)"
    )
    nulled = models.JSONField(default=list, help_text="[label, pk, column, value] set to NULL by the delete")
    repointed = models.JSONField(default=list, help_text="[label, pk, column] moved from the merged lead")
    pairs_before = models.JSONField(default=list, help_text="Duplicate pairs the merge closed or removed")
    pairs_created = models.JSONField(default=list, help_text="Ids of 'not a duplicate' pairs carried over")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["team", "id"], name="leadmerge_team_id"),
            models.Index(fields=["team", "survivor", "merged_at"], name="leadmerge_team_survivor"),
            models.Index(fields=["team", "merged_lead"], name="leadmerge_team_merged"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_name} into #{self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
