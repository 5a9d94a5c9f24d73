"""Backup and restore drill: dump the test database, restore it into a fresh one, compare every table."""

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from leads.models import Lead, LeadEvent
from primesync import backups, db_setup, tenancy
from primesync.models import OutboxEvent, RlsBypass
from tests.conftest import make_team
from tests.factories import LeadFactory

pytestmark = pytest.mark.slow  # seeds the demo, dumps and restores a whole database (about 10 s)


@pytest.fixture
def restored_name():
    name = f"{settings.DATABASES['default']['NAME']}_restored"
    db_setup.drop_database(settings.DATABASE_URL, name)
    yield name
    db_setup.drop_database(settings.DATABASE_URL, name)


def seed() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the command's chatter
    acme = make_team("drill")
    lead = LeadFactory(team=acme.team)
    with tenancy.use_team(acme.team):
        Lead.objects.filter(pk=lead.pk).update(status="working")  # an update event in the audit history
    with transaction.atomic(), tenancy.bypass(reason="backup drill"):
        pass  # a row in the bypass log


def test_it_restores_every_table_row_for_row(committed, restored_name, tmp_path, capsys):
    seed()
    source = settings.DATABASES["default"]["NAME"]

    call_command("backup", output=tmp_path / "drill.dump")
    call_command("restore", str(tmp_path / "drill.dump"), database=restored_name)

    before = backups.table_fingerprints(backups.admin_conninfo(source))
    after = backups.table_fingerprints(backups.admin_conninfo(restored_name))
    assert after == before
    # the drill is only worth something if the audit history and the outbox were in it
    for model in (LeadEvent, OutboxEvent, RlsBypass, Lead):
        assert before[model._meta.db_table][0] > 0, model
    out = capsys.readouterr().out
    assert "pg_dump: " in out and f"PostgreSQL {backups.server_major()}" in out
    assert f"into '{restored_name}'" in out
    assert (tmp_path / "drill.dump").stat().st_mode & 0o077 == 0  # every team's PII: owner-only file


def test_the_restored_database_keeps_row_level_security_and_append_only_audit(committed, restored_name, tmp_path):
    seed()
    backups.backup(output=tmp_path / "drill.dump")
    backups.restore(path=tmp_path / "drill.dump", dbname=restored_name)

    s = settings.DATABASES["default"]
    app = psycopg.conninfo.make_conninfo(dbname=restored_name, user=s["USER"], password=s["PASSWORD"],
                                         host=s["HOST"], **({"port": s["PORT"]} if s["PORT"] else {}))
    with psycopg.connect(app) as conn:
        assert conn.execute("SELECT count(*) FROM leads_lead").fetchone() == (0,)  # no team set: nothing
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE leads_leadevent SET pgh_label = 'tampered'")


def test_it_refuses_a_database_that_holds_tables_unless_forced(committed, restored_name, tmp_path):
    LeadFactory(team=make_team("drill").team)
    backups.backup(output=tmp_path / "drill.dump")
    backups.restore(path=tmp_path / "drill.dump", dbname=restored_name)

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "drill.dump"), database=restored_name)
    call_command("restore", str(tmp_path / "drill.dump"), database=restored_name, force=True)
    assert backups.table_fingerprints(backups.admin_conninfo(restored_name))["leads_lead"][0] == 1


def test_it_uses_the_pg_dump_of_the_servers_major_version():
    major = backups.server_major()
    assert backups.find_tool("pg_dump", major).major == major
    assert backups.find_tool("pg_restore", major).major == major
    with pytest.raises(backups.BackupError, match="no pg_dump for PostgreSQL 99"):
        backups.find_tool("pg_dump", 99)
