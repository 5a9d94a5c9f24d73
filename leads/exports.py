"""CSV downloads: leads (the list's filters) and an import's rejected rows. Streamed, safe in a spreadsheet, audited.

Constant memory, however many rows: the rows are read through a server-side cursor (``iterator``
with ``chunk_size``) in a transaction scoped to the team, and sent a part at a time. Under ASGI,
Django's own StreamingHttpResponse would first read a synchronous iterator whole into a list
(see ``CsvStreamingResponse``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse
from django.utils import timezone

from leads import selectors
from leads.forms import LeadFilterForm
from leads.models import ExportLog, Lead
from primesync import tenancy

COLUMNS = [
    ("id", "ID"), ("first_name", "First name"), ("last_name", "Last name"), ("email", "Email"),
    ("phone", "Phone"), ("title", "Title"), ("company_name", "Company"), ("country", "Country"),
    ("status", "Status"), ("source", "Source"), ("owner__email", "Owner"), ("quality_score", "Quality score"),
    ("created_at", "Created at"),
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_PART = 500  # rows sent together: one thread hop per part under ASGI, not one per row
CURSOR_CHUNK = 2000  # rows fetched per round trip of the server-side cursor


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ tab or CR would start a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value):
        return value


_END = object()


class CsvStreamingResponse(StreamingHttpResponse):
    """A streamed CSV that stays streamed under ASGI.

    Django's ASGI handler iterates ``__aiter__``, which for a synchronous iterator does
    ``sync_to_async(list)(...)``: the whole export in memory before the first byte. Here each part
    is taken with its own ``sync_to_async`` call. They are thread-sensitive, so every part is made
    in the request's one sync thread: the generator's transaction and server-side cursor live on
    that thread's database connection.
    """

    async def __aiter__(self):
        parts = iter(self.streaming_content)
        next_part = sync_to_async(lambda: next(parts, _END), thread_sensitive=True)
        finished = False
        try:
            while (part := await next_part()) is not _END:
                yield part
            finished = True
        finally:
            if not finished:  # the client went away: end the transaction now, on its thread
                await sync_to_async(self.close, thread_sensitive=True)()


def _parts(team_id: int, header: list[str], rows: Callable[[], Iterable[list]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_safe(h) for h in header])  # BOM: Excel then reads UTF-8 right
    # The body is produced after the view returned, outside the request transaction: scope it again.
    with tenancy.use_team(team_id):
        part = []
        for row in rows():
            part.append(writer.writerow([csv_safe(value) for value in row]))
            if len(part) == ROWS_PER_PART:
                yield "".join(part)
                part = []
        if part:
            yield "".join(part)


def csv_response(*, team_id: int, header: list[str], rows: Callable[[], Iterable[list]],
                 filename: str) -> CsvStreamingResponse:
    """Stream ``rows()`` (called inside the team's scope) as a CSV download."""
    response = CsvStreamingResponse(_parts(team_id, header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _lead_value(lead: Lead, name: str):
    if name == "owner__email":
        return lead.owner.email if lead.owner_id else ""
    return getattr(lead, name)


def _lead_values(leads) -> Iterator[list]:
    names = [name for name, _ in COLUMNS]
    if isinstance(leads, list):
        for lead in leads:
            yield [*[_lead_value(lead, name) for name in names[:-1]], lead.created_at.isoformat()]
        return
    for values in leads.values_list(*names).iterator(chunk_size=CURSOR_CHUNK):
        yield [*values[:-1], values[-1].isoformat()]


def leads_csv_response(*, team, user, leads, what: str) -> CsvStreamingResponse:
    """``leads``: a queryset (streamed through a server-side cursor) or a list of leads already read."""
    rows = len(leads) if isinstance(leads, list) else None  # a streamed export is not counted first
    ExportLog.objects.create(team=team, user=user, what=what[:200], rows=rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(team_id=team.pk, header=[label for _, label in COLUMNS], rows=lambda: _lead_values(leads),
                        filename=f"leads-{stamp}.csv")


def filtered_leads_csv(*, team, user, query) -> CsvStreamingResponse:
    """The leads the list shows for these query parameters (the same form reads them), newest first."""
    form = LeadFilterForm(query or None, team=team)
    filters = form.filters() if form.is_valid() else selectors.LeadFilters()
    leads = selectors.lead_filtered(team=team, user=user, filters=filters).order_by("-id")
    described = query.urlencode() if hasattr(query, "urlencode") else ""
    return leads_csv_response(team=team, user=user, leads=leads,
                              what=f"leads filtered by {described}" if described else "all leads")
