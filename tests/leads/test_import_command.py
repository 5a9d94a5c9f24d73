"""manage.py import_leads FILE --team SLUG: an admin's import, run in the command's own process."""

import io

import pytest
from django.core.management import CommandError, call_command

from leads.models import Lead, LeadEvent
from primesync import tenancy


def import_leads(*args, **options) -> str:
    out = io.StringIO()
    call_command("import_leads", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "trade-show.csv"
    path.write_bytes("Name;E-mail;Owner\nJosé Müller;jose@x.example;rep@acme.test\nNo Mail;nope;\n".encode("latin-1"))
    return path


def test_it_imports_a_file_into_a_team_and_reports_the_rejected_rows(acme, globex, csv_file):
    output = import_leads(str(csv_file), team="acme", owner="manager@acme.test")
    assert "1 created, 0 updated, 0 duplicates skipped, 1 rows rejected (of 2)." in output
    assert "line 3: email “nope” is not a valid address" in output
    with tenancy.use_team(acme.team):
        lead = Lead.objects.get()
        event = LeadEvent.objects.get(pgh_obj_id=lead.pk)
    assert (lead.first_name, lead.last_name, lead.owner) == ("José", "Müller", acme.rep)  # the owner column wins
    assert (event.pgh_context["source"], event.pgh_context["user"]) == ("import", None)
    with tenancy.use_team(globex.team):
        assert not Lead.objects.exists()


def test_it_refuses_what_it_cannot_do(acme, csv_file, tmp_path):
    for args, options, message in [
        ([str(csv_file)], {"team": "nope"}, "No team with the slug 'nope'"),
        ([str(tmp_path / "missing.csv")], {"team": "acme"}, "Cannot read"),
        ([str(csv_file)], {"team": "acme", "owner": "stranger@x.test"}, "not a member of Acme"),
        ([str(csv_file)], {"team": "acme", "mapping": "[1]"}, "JSON object"),
        ([str(csv_file)], {"team": "acme", "mapping": '{"Name": "nope"}'}, "unknown field"),
    ]:
        with pytest.raises(CommandError, match=message):
            import_leads(*args, **options)


def test_the_same_file_twice_creates_nothing(acme, csv_file):
    import_leads(str(csv_file), team="acme")
    with pytest.raises(CommandError, match="already imported on"):
        import_leads(str(csv_file), team="acme")
    with tenancy.use_team(acme.team):
        assert Lead.objects.count() == 1
