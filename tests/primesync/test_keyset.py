"""Keyset pages: every row once, in order, whatever the sort; bad cursors are refused."""

import pytest

from leads.models import Lead
from primesync import keyset, tenancy
from primesync.keyset import InvalidCursor, Ordering
from tests.factories import LeadFactory


@pytest.mark.parametrize(
    "ordering",
    [Ordering(("id",), descending=True), Ordering(("last_name", "first_name")), Ordering(("quality_score",), True)],
)
def test_pages_cover_every_row_once_in_order(acme, ordering):
    for i in range(11):
        LeadFactory(team=acme.team, last_name=f"Name{i % 3}", first_name=f"F{i % 2}", quality_score=i % 4)
    with tenancy.use_team(acme.team):
        expected = list(Lead.objects.order_by(*ordering.order_by()).values_list("id", flat=True))
        seen, after = [], None
        while True:
            page = keyset.page(Lead.objects.all(), ordering, after=after, size=4)
            seen += [row.pk for row in page.rows]
            if not page.next_cursor:
                break
            after = page.next_cursor
    assert seen == expected


def test_a_forged_cursor_is_refused(acme):
    with tenancy.use_team(acme.team), pytest.raises(InvalidCursor):
        keyset.page(Lead.objects.all(), Ordering(("id",)), after="bm90LWpzb24", size=5)
    with tenancy.use_team(acme.team), pytest.raises(InvalidCursor):
        keyset.page(Lead.objects.all(), Ordering(("last_name", "first_name")), after=keyset.encode_cursor(
            type("Row", (), {"id": 3})(), Ordering(("id",))), size=5)
