"""leads.exports: /leads/export.csv and /api/v1/leads/export.csv. The list's filters, streamed, safe, audited."""

import csv
import io

import pytest

from leads.exports import ROWS_PER_PART, CsvStreamingResponse, csv_safe
from leads.models import ExportLog, Lead
from primesync import tenancy
from tests.factories import LeadFactory
from tests.workers import run_async

EXPORT = "/leads/export.csv"
API_EXPORT = "/api/v1/leads/export.csv"


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.fixture
def rep_client(client, acme):
    client.force_login(acme.rep)
    return client


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_prefix_is_neutralised(prefix):
    assert csv_safe(f"{prefix}1+1") == f"'{prefix}1+1"


def test_harmless_values_are_left_alone():
    assert [csv_safe(v) for v in ["Ana", "a=b", " =x", "", None, 42]] == ["Ana", "a=b", " =x", "", "", "42"]


def test_it_works(rep_client, acme):
    LeadFactory(team=acme.team, first_name="=HYPERLINK(\"http://evil\")", last_name="@SUM(A1)", title="-2+3",
                company_name="+Acme", phone="\t123", email="tab@x.example", owner=acme.rep)
    response = rep_client.get(EXPORT)
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    header, row = rows_of(response)
    assert header[:4] == ["ID", "First name", "Last name", "Email"]
    assert row[1:7] == ["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)", "tab@x.example", "'\t123", "'-2+3", "'+Acme"]
    assert row[10] == acme.rep.email


def test_it_requires_login(client, acme):
    from rest_framework.test import APIClient

    assert "/accounts/login/" in client.get(EXPORT)["Location"]
    assert APIClient().get(API_EXPORT).status_code in (401, 403)


def test_it_hides_other_teams(rep_client, acme, globex, api):
    LeadFactory(team=acme.team, email="ours@x.example")
    LeadFactory(team=globex.team, email="theirs@x.example")
    for response in (rep_client.get(EXPORT), api(acme.rep).get(API_EXPORT)):
        emails = [row[3] for row in rows_of(response)[1:]]
        assert emails == ["ours@x.example"]


def test_it_exports_what_the_list_shows_for_the_same_filters(acme, api, client):
    LeadFactory(team=acme.team, email="mine-new@x.example", owner=acme.rep, status="new")
    LeadFactory(team=acme.team, email="mine-working@x.example", owner=acme.rep, status="working")
    LeadFactory(team=acme.team, email="managers@x.example", owner=acme.manager, status="new")
    client.force_login(acme.rep)
    everything = sorted(row[3] for row in rows_of(client.get(EXPORT))[1:])
    assert everything == ["managers@x.example", "mine-new@x.example", "mine-working@x.example"]  # reps see the team's
    for response in (client.get(f"{EXPORT}?owner=me&status=new"), api(acme.rep).get(f"{API_EXPORT}?owner=me&status=new")):
        assert [row[3] for row in rows_of(response)[1:]] == ["mine-new@x.example"]
    assert [row[3] for row in rows_of(api(acme.manager).get(f"{API_EXPORT}?q=managers"))[1:]] == ["managers@x.example"]


def test_every_export_is_recorded_with_who_and_what(acme, api, client):
    client.force_login(acme.rep)
    rows_of(client.get(f"{EXPORT}?status=new"))
    rows_of(api(acme.manager).get(API_EXPORT))
    with tenancy.use_team(acme.team):
        logs = list(ExportLog.objects.order_by("id").values_list("user", "what"))
    assert logs == [(acme.rep.pk, "leads filtered by status=new"), (acme.manager.pk, "all leads")]


def test_it_streams_through_a_server_side_cursor_in_bounded_queries(rep_client, acme, django_assert_max_num_queries):
    LeadFactory.create_batch(3, team=acme.team)
    with django_assert_max_num_queries(12):
        assert len(rows_of(rep_client.get(EXPORT))) == 4


def test_under_asgi_it_sends_part_by_part_without_reading_everything_first():
    """Django's own StreamingHttpResponse reads a synchronous iterator whole under ASGI; ours takes one part at a time."""
    taken = []

    def parts():
        for n in range(5):
            taken.append(n)
            yield f"part {n}\n"

    response = CsvStreamingResponse(parts(), content_type="text/csv")

    async def first_two():
        received = []
        async for part in response:
            received.append(part)
            if len(received) == 2:
                break
        return received

    assert run_async(first_two()) == [b"part 0\n", b"part 1\n"]
    assert taken == [0, 1]  # the rest was never produced


def test_big_exports_go_out_in_parts(rep_client, acme):
    with tenancy.use_team(acme.team):
        Lead.objects.bulk_create([Lead(team=acme.team, email=f"l{i}@x.example") for i in range(ROWS_PER_PART + 3)])
    parts = list(rep_client.get(EXPORT).streaming_content)
    assert len(parts) == 3  # the header, a full part, the rest
