"""leads.imports.services: what an import does with every kind of row, duplicates, audit and events."""

import codecs
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from leads import search
from leads.imports import services
from leads.models import Company, ImportFile, ImportRowError, Lead, LeadEvent, LeadImport
from primesync import tenancy
from primesync.errors import DomainError
from primesync.models import OutboxEvent
from tests.factories import LeadFactory

HEADER = "First Name,Last Name,E-mail,Mobile,Company,Job Title,Country,Employees,Created,Status\n"


def run(team_set, text, *, by=None, encoding="utf-8", name="leads.csv", **options):
    """Upload, start and run an import as a manager (or ``by``), as the wizard and the worker do."""
    by = by or team_set.manager
    may_assign = by == team_set.manager
    data = text if isinstance(text, bytes) else text.encode(encoding)
    with tenancy.use_team(team_set.team):
        upload = services.import_file_upload(team=team_set.team, by=by, name=name, data=data)
        job = services.import_start(team=team_set.team, by=by, may_assign=may_assign, import_file=upload, **options)
    return services.import_run(team_id=team_set.team.pk, import_id=job.pk)


def errors_of(job):
    with tenancy.use_team(job.team_id):
        return [(e.line, e.reason) for e in ImportRowError.objects.filter(lead_import=job).order_by("line")]


def leads_of(team_set, **filters):
    with tenancy.use_team(team_set.team):
        return list(Lead.objects.filter(**filters).select_related("company", "owner").order_by("id"))


BAD_ROWS = (
    HEADER
    + "Ana,Silva,Ana.Silva@Initech.example,+1 415 555 0100,Initech,VP Sales,us,1200,2024-03-01,Qualified\n"  # 2 good
    + "Ben,Okafor,ben@initech.example,,Initech,CTO,US,,\n"  # 3: a field short
    + "Cara,Lee,cara@hooli.example,,Hooli,CEO,US,,,new,extra\n"  # 4: a field too many
    + ",,,,Nobody Inc,Buyer,US,,,\n"  # 5: no email, no phone, no name
    + "Dan,Brown,dan-at-hooli,,Hooli,Engineer,US,,,\n"  # 6: not an email address
    + "Eve,Stone,,call me maybe,Hooli,Engineer,US,,,\n"  # 7: not a phone number
    + "Fay,Wong,fay@acme.example,,Acme," + "x" * 151 + ",US,,,\n"  # 8: title longer than its field
    + "Gus,Ray,gus@acme.example,,Acme,Engineer,Germany,,,\n"  # 9: country longer than its field
    + "Hal,Ng,hal@acme.example,,Acme,Engineer,DE,about ten,,\n"  # 10: employees not a number
    + "Ida,Berg,ida@acme.example,,Acme,Engineer,DE,,31/31/2024,\n"  # 11: created not a date
    + "Jo,Park,jo@acme.example,030 1234567,Acme,Engineer,DE,12,01.02.2024,\n"  # 12 good
    + "\n"  # 13: blank, ignored
    + "Kim,Lund,,,,,,,,\n"  # 14 good: a name is enough
)


def test_it_rejects_each_bad_row_with_its_line_and_reason_and_keeps_the_others(acme):
    job = run(acme, BAD_ROWS)
    assert (job.status, job.total, job.created, job.updated, job.duplicates, job.rejected) == ("done", 12, 3, 0, 0, 9)
    assert errors_of(job) == [
        (3, "wrong number of fields: 9, the header has 10"),
        (4, "wrong number of fields: 11, the header has 10"),
        (5, "no email, no phone and no name"),
        (6, "email “dan-at-hooli” is not a valid address"),
        (7, "phone “call me maybe” cannot be read as a phone number"),
        (8, "Job title is longer than 150 characters"),
        (9, "Country is longer than 2 characters (use the 2-letter code)"),
        (10, "Company employees “about ten” is not a whole number"),
        (11, "Created on “31/31/2024” is not a date"),
    ]
    assert [lead.full_name for lead in leads_of(acme)] == ["Ana Silva", "Jo Park", "Kim Lund"]


def test_a_row_with_several_faults_gets_all_its_reasons(acme):
    job = run(acme, HEADER + "Ana,Silva,nope,12,Initech,VP,US,many,someday,\n")
    assert errors_of(job) == [(2, "email “nope” is not a valid address; phone “12” cannot be read as a phone number; "
                                  "Company employees “many” is not a whole number; Created on “someday” is not a date")]


def test_kept_rows_are_normalised(acme):
    run(acme, BAD_ROWS)
    ana, jo, kim = leads_of(acme)
    assert (ana.email, ana.phone, ana.country, ana.status, ana.source) == (
        "ana.silva@initech.example", "+14155550100", "US", "qualified", "import")
    assert ana.created_at == datetime(2024, 3, 1, tzinfo=ZoneInfo("UTC"))
    assert (jo.phone, jo.created_at.date().isoformat()) == ("+49301234567", "2024-02-01")  # the row's country: DE
    assert (kim.email, kim.phone, kim.status, kim.owner) == ("", "", "new", None)  # unassigned: routing takes it


def test_company_columns_find_or_create_the_company(acme):
    with tenancy.use_team(acme.team):
        initech = Company.objects.create(team=acme.team, name="Initech", domain="initech.example")
    job = run(acme, "Name,Email,Company,Website,Employees,Revenue\n"
                    "Ana Silva,ana@x.example,INITECH,https://www.initech.example/about,50,\n"
                    "Ben Okafor,ben@x.example,Hooli,,\"1,200\",\"$2,500,000.50\"\n"
                    "Cara Lee,cara@x.example,hooli,,,\n")
    assert job.created == 3
    ana, ben, cara = leads_of(acme)
    assert ana.company == initech and ana.company_name == "INITECH"
    assert ben.company == cara.company and ben.company.name == "Hooli"
    assert (ben.company.employees, str(ben.company.annual_revenue)) == (1200, "2500000.50")
    with tenancy.use_team(acme.team):
        initech.refresh_from_db()
    assert initech.employees is None  # "skip": a company that exists is linked, not changed


def test_importing_the_same_file_again_creates_nothing(acme):
    first = run(acme, BAD_ROWS)
    with pytest.raises(services.AlreadyImported, match=r"already imported on .*import #\d+.*nothing new"):
        run(acme, BAD_ROWS)
    assert len(leads_of(acme)) == first.created
    with tenancy.use_team(acme.team):
        assert LeadImport.objects.count() == 1 and ImportFile.objects.count() == 1


def test_another_file_with_the_same_people_creates_no_duplicates(acme):
    run(acme, HEADER + "Ana,Silva,ana@initech.example,+1 415 555 0100,Initech,,US,,,\n"
                       "Ben,Okafor,,(212) 555-0199,Initech,,US,,,\n")
    again = run(acme, "Email,Phone,Name\n"
                      "ANA@Initech.example,,Ana S.\n"  # same email, another case
                      ",212.555.0199,Ben O.\n"  # same phone, written otherwise
                      "new@initech.example,,New Person\n", name="again.csv")
    assert (again.created, again.duplicates) == (1, 2)
    assert len(leads_of(acme)) == 3


def test_duplicates_within_the_file_are_skipped_unless_asked_to_create_them(acme):
    text = "Name,Email,Phone\nAna Silva,ana@x.example,\nAna Again,ANA@x.example,\nAna Phone,,+1 415 555 0100\n" \
           "Ben,ben@x.example,(415) 555-0100\n"
    job = run(acme, text)
    assert (job.created, job.duplicates) == (2, 2)
    anyway = run(acme, text + "\n", name="anyway.csv", on_duplicate="create")  # another file: another hash
    assert (anyway.created, anyway.duplicates) == (4, 0)


def test_update_empty_fills_in_only_empty_fields(acme):
    existing = LeadFactory(team=acme.team, first_name="Ana", last_name="Silva", email="ana@x.example", phone="",
                           title="", company_name="Initech", owner=acme.rep)
    untouched = LeadFactory(team=acme.team, email="ben@x.example", phone="+1 212 555 0199", title="CTO",
                            first_name="Ben", last_name="Okafor", company_name="Hooli")
    job = run(acme, "Email,Phone,Title,First name,Company\n"
                    "ana@x.example,+1 415 555 0100,VP Sales,Anna,Globex\n"
                    "ben@x.example,,Chief Tech,Benjamin,Hooli Inc\n", on_duplicate="update_empty")
    assert (job.created, job.updated, job.duplicates) == (0, 1, 1)  # Ben had nothing empty to fill
    with tenancy.use_team(acme.team):
        existing.refresh_from_db()
        untouched.refresh_from_db()
    assert (existing.phone, existing.title, existing.first_name, existing.company_name) == (
        "+14155550100", "VP Sales", "Ana", "Initech")
    assert (untouched.title, untouched.first_name) == ("CTO", "Ben")


def test_a_reps_import_is_theirs_and_fills_in_only_their_own_leads(acme):
    mine = LeadFactory(team=acme.team, email="mine@x.example", title="", owner=acme.rep)
    theirs = LeadFactory(team=acme.team, email="theirs@x.example", title="", owner=acme.manager)
    job = run(acme, "Email,Title\nmine@x.example,CEO\ntheirs@x.example,CEO\nnew@x.example,CFO\n", by=acme.rep,
              on_duplicate="update_empty")
    assert (job.created, job.updated, job.duplicates) == (1, 1, 1)
    with tenancy.use_team(acme.team):
        assert Lead.objects.get(pk=mine.pk).title == "CEO" and Lead.objects.get(pk=theirs.pk).title == ""
        assert Lead.objects.get(email="new@x.example").owner == acme.rep
    with pytest.raises(DomainError, match="Only managers"):
        run(acme, "Email,Owner\nx@x.example,manager@acme.test\n", by=acme.rep,
            mapping={"Email": "email", "Owner": "owner"})


def test_a_manager_assigns_rows_by_an_owner_column_or_a_default_owner(acme):
    run(acme, "Email,Owner\na@x.example,REP@acme.test\nb@x.example,stranger@elsewhere.test\nc@x.example,\n",
        default_owner=acme.manager)
    owners = {lead.email: lead.owner for lead in leads_of(acme)}
    assert owners == {"a@x.example": acme.rep, "b@x.example": acme.manager, "c@x.example": acme.manager}


def test_audit_rows_and_timeline_say_the_leads_came_from_an_import(acme):
    job = run(acme, "Email,Title\nana@x.example,CEO\n")
    lead = leads_of(acme)[0]
    with tenancy.use_team(acme.team):
        event = LeadEvent.objects.get(pgh_obj_id=lead.pk)
    assert event.pgh_label == "insert"
    assert event.pgh_context["source"] == "import" and event.pgh_context["user"] == acme.manager.pk
    assert event.pgh_context["url"] == f"/imports/{job.pk}/"


def test_each_new_lead_emits_lead_created_and_the_import_request_an_event(acme):
    job = run(acme, "Email\na@x.example\nb@x.example\nbad\n")
    with tenancy.use_team(acme.team):
        created = set(OutboxEvent.objects.filter(type="LEAD_CREATED").values_list("entity_id", flat=True))
        requested = OutboxEvent.objects.get(type="IMPORT_REQUESTED")
    assert created == {lead.pk for lead in leads_of(acme)} and len(created) == 2
    assert requested.entity_id == job.pk


@pytest.mark.parametrize(("data", "encoding_name"), [
    ("Name;E-mail;Company\nJosé Müller;jose@x.example;Crème Brûlée SARL\n".encode("latin-1"), "Latin-1"),
    ("Name;E-mail;Company\nJosé Müller;jose@x.example;Crème Brûlée SARL\n".encode("cp1252"), "Latin-1"),
    (codecs.BOM_UTF8 + "Name,E-mail,Company\nJosé Müller,jose@x.example,Crème Brûlée SARL\n".encode(), "UTF-8 BOM"),
    ("Name\tE-mail\tCompany\nJosé Müller\tjose@x.example\tCrème Brûlée SARL\n".encode(), "UTF-8"),
])
def test_it_imports_every_encoding_and_delimiter(acme, data, encoding_name):
    job = run(acme, data)
    assert job.created == 1, encoding_name
    lead = leads_of(acme)[0]
    assert (lead.first_name, lead.last_name, lead.email, lead.company_name) == (
        "José", "Müller", "jose@x.example", "Crème Brûlée SARL")


def test_the_preview_shows_what_each_row_would_do_and_writes_nothing(acme):
    LeadFactory(team=acme.team, email="known@x.example")
    with tenancy.use_team(acme.team):
        upload = services.import_file_upload(team=acme.team, by=acme.rep, name="p.csv",
                                             data=b"Email,Name\nknown@x.example,K\nnew@x.example,N\nbad,B\n")
        rows = services.import_preview(team=acme.team, import_file=upload, mapping={"Email": "email", "Name": "full_name"},
                                       on_duplicate="skip", phone_region="US")
        assert Lead.objects.count() == 1
    assert [(r.line, r.action, r.reason) for r in rows] == [
        (2, "skip", ""), (3, "create", ""), (4, "reject", "email “bad” is not a valid address")]


def test_a_saved_mapping_is_applied_to_the_next_file_with_those_headers(acme):
    with tenancy.use_team(acme.team):
        services.mapping_save(team=acme.team, by=acme.manager, headers=["Mail", "Who"],
                              mapping={"Mail": "email", "Who": "full_name"}, name="Trade show")
        suggested = services.mapping_for(team=acme.team, headers=["mail", "WHO"])
        guessed = services.mapping_for(team=acme.team, headers=["Who", "Mail"])  # another order: another file
    assert suggested.saved.name == "Trade show" and suggested.mapping == {"mail": "email", "WHO": "full_name"}
    assert guessed.saved is None and guessed.mapping == {"Who": "", "Mail": "email"}


def test_a_stalled_import_is_resumed_after_its_last_committed_chunk(acme, settings):
    settings.IMPORT_CHUNK_ROWS = 2
    text = "Email\n" + "".join(f"p{i}@x.example\n" for i in range(5))
    job = run(acme, text, on_duplicate="create")
    assert job.created == 5
    # as if its worker had died after the first chunk (lines 2 and 3): later leads gone, the job still "running"
    with tenancy.use_team(acme.team):
        Lead.objects.filter(email__in=["p2@x.example", "p3@x.example", "p4@x.example"]).delete()
        ImportFile.objects.filter(pk=job.file_id).update(content=text.encode())
        LeadImport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=datetime(2020, 1, 1, tzinfo=ZoneInfo("UTC")),
                                                    lines_done=3, created=2, processed=2, checked=2)
    resumed = services.import_run(team_id=acme.team.pk, import_id=job.pk)
    assert (resumed.status, resumed.created, resumed.processed) == ("done", 5, 5)
    assert sorted(lead.email for lead in leads_of(acme)) == [f"p{i}@x.example" for i in range(5)]  # none twice
    assert services.import_run(team_id=acme.team.pk, import_id=job.pk) is None  # done: nothing to take


def test_an_import_that_cannot_run_fails_and_says_why(acme):
    with tenancy.use_team(acme.team):
        upload = services.import_file_upload(team=acme.team, by=acme.manager, name="x.csv", data=b"Email\na@x.example\n")
        job = services.import_start(team=acme.team, by=acme.manager, may_assign=True, import_file=upload)
        ImportFile.objects.filter(pk=upload.pk).update(content=b"")
    with pytest.raises(Exception, match="empty"):
        services.import_run(team_id=acme.team.pk, import_id=job.pk)
    with tenancy.use_team(acme.team):
        job.refresh_from_db()
    assert (job.status, job.detail) == ("failed", "The file is empty.")


def test_a_failed_import_can_be_run_again_with_the_same_file(acme):
    with tenancy.use_team(acme.team):
        upload = services.import_file_upload(team=acme.team, by=acme.manager, name="x.csv", data=b"Email\na@x.example\n")
        job = services.import_start(team=acme.team, by=acme.manager, may_assign=True, import_file=upload)
        LeadImport.objects.filter(pk=job.pk).update(status="failed")
    assert run(acme, b"Email\na@x.example\n").created == 1


def test_options_are_checked(acme, settings):
    with tenancy.use_team(acme.team):
        upload = services.import_file_upload(team=acme.team, by=acme.manager, name="x.csv", data=b"Email\na@x.example\n")
        for options, message in [({"on_duplicate": "merge"}, "Choose what duplicates do"),
                                 ({"phone_region": "XX"}, "phone numbers know"),
                                 ({"mapping": {"Email": "title"}}, "at least a name, an email or a phone")]:
            with pytest.raises(DomainError, match=message):
                services.import_start(team=acme.team, by=acme.manager, may_assign=True, import_file=upload, **options)
        settings.IMPORT_MAX_BYTES = 100
        with pytest.raises(DomainError, match="larger than"):
            services.import_file_upload(team=acme.team, by=acme.manager, name="big.csv", data=b"Email\n" + b"a@x.example\n" * 20)


def test_uploads_left_in_the_wizard_are_purged_after_a_day(acme):
    job = run(acme, b"Email\na@x.example\n")
    with tenancy.use_team(acme.team):
        left = services.import_file_upload(team=acme.team, by=acme.rep, name="left.csv", data=b"Email\nb@x.example\n")
        ImportFile.objects.update(uploaded_at=datetime(2020, 1, 1, tzinfo=ZoneInfo("UTC")))
    assert services.import_files_purge(team_id=acme.team.pk) == 1
    with tenancy.use_team(acme.team):
        assert list(ImportFile.objects.values_list("pk", flat=True)) == [job.file_id] and left.pk != job.file_id


@pytest.mark.django_db(databases=["default", "owner"])  # the merge is the index owner's to run
def test_imported_leads_are_found_by_search_before_and_after_their_parked_search_entries_are_merged(acme):
    search.search_index_flush()  # nothing parked from earlier tests
    run(acme, HEADER + "Zora,Quist,zora@initech.example,,Initech,VP Sales,US,,,\n"
        + "Ugo,Quist,ugo@hooli.example,,Hooli,CTO,US,,,\n")

    def found():
        with tenancy.use_team(acme.team):
            return sorted(Lead.objects.filter(search_document__tsquery=search.tsquery_for("quist"))
                          .values_list("first_name", flat=True))

    assert found() == ["Ugo", "Zora"]  # from the index's pending list
    assert search.search_index_flush() >= 1  # the import left its entries there for the follow-up task
    assert found() == ["Ugo", "Zora"]
    assert search.search_index_flush() == 0
