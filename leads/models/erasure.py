"""The record of each erasure on request (leads/erasure.py): who erased which lead, when, why, how much. Append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from primesync import audit
from primesync.models import TenantModel

# What an erased value becomes. An email column gets an address that is valid (the lead stays editable: its
# services validate the whole row) and can never be delivered (.invalid, RFC 2606).
MARKER = "erased"
EMAIL_MARKER = "erased@erased.invalid"
# Erased leads all look alike (same marker email, same marker names): never take them for duplicates.
ERASED_LEAD = Q(email=EMAIL_MARKER) | Q(first_name=MARKER) | Q(last_name=MARKER) | Q(phone=MARKER)


class PersonErasure(TenantModel):
    """One run of ``manage.py erase_person``. It holds no personal data: the lead's id, never its values.

    Append-only like the audit trail it rewrote: the erasure trigger bypass never covers this table.
    """

    lead_id = models.BigIntegerField(help_text="The lead erased (the lead row stays, with its personal data erased)")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, help_text="Why: the request's reference (personal values removed)")
    values_searched = models.PositiveSmallIntegerField(default=0, help_text="Distinct personal values looked for")
    rows_changed = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=dict, help_text="table -> rows changed there")
    correlation_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        triggers = [audit.append_only_trigger()]
        indexes = [models.Index(fields=["team", "lead_id"], name="personerasure_team_lead")]

    def __str__(self) -> str:
        return f"Erasure of lead #{self.lead_id} ({self.created_at:%Y-%m-%d %H:%M})"
