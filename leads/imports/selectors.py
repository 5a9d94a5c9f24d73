"""Reading imports: managers and admins see all of the team's, a rep sees their own."""

from __future__ import annotations

from leads.models import ImportRowError, LeadImport
from primesync import keyset
from primesync.keyset import Ordering

ERRORS_SHOWN = 1000  # on the page and in the API answer; the CSV download has every one


def import_queryset(*, team, seat):
    qs = LeadImport.objects.filter(team=team).select_related("created_by", "default_owner").defer("mapping")
    return qs if seat.is_manager else qs.filter(created_by=seat.membership.user_id)


def import_list(*, team, seat, after: str | None = None, size: int = 50):
    return keyset.page(import_queryset(team=team, seat=seat), Ordering(("id",), descending=True), after=after,
                       size=size)


def import_errors(*, lead_import: LeadImport, limit: int | None = ERRORS_SHOWN):
    qs = ImportRowError.objects.filter(team_id=lead_import.team_id, lead_import=lead_import).order_by("line")
    return qs[:limit] if limit else qs
