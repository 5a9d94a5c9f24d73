"""CSV exports of leads: streamed, safe to open in a spreadsheet, and recorded."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

from leads.models import ExportLog, Lead
from primesync import tenancy

COLUMNS = [
    ("id", "ID"), ("first_name", "First name"), ("last_name", "Last name"), ("email", "Email"),
    ("phone", "Phone"), ("title", "Title"), ("company_name", "Company"), ("country", "Country"),
    ("status", "Status"), ("source", "Source"), ("owner_email", "Owner"), ("quality_score", "Quality score"),
    ("created_at", "Created at"),
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ tab or CR would start a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value):
        return value


def _row(lead: Lead) -> list[str]:
    values = {
        **{name: getattr(lead, name, "") for name, _ in COLUMNS if name not in ("owner_email", "created_at")},
        "owner_email": lead.owner.email if lead.owner_id else "",
        "created_at": lead.created_at.isoformat(),
    }
    return [csv_safe(values[name]) for name, _ in COLUMNS]


def _stream(team_id: int, leads: Iterable[Lead]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([label for _, label in COLUMNS])  # BOM: Excel reads UTF-8 right
    # The body is produced after the view returned, outside the request transaction: scope it again.
    with tenancy.use_team(team_id):
        rows = leads.iterator(chunk_size=2000) if hasattr(leads, "iterator") else leads
        for lead in rows:
            yield writer.writerow(_row(lead))


def leads_csv_response(*, team, user, leads, what: str) -> StreamingHttpResponse:
    count = len(leads) if isinstance(leads, list) else None
    ExportLog.objects.create(team=team, user=user, what=what, rows=count)
    response = StreamingHttpResponse(_stream(team.pk, leads), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
    return response
