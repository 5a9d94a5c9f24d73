"""Zero-downtime deploys: every migration after the baseline must keep the previous release working."""

import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

from primesync import migration_lint


@pytest.fixture(scope="module")
def loader():
    return MigrationLoader(None, ignore_no_migrations=True)


def a_migration(*operations, **attrs):
    """A leads migration after the latest one on disk, never written to disk."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    latest = max(name for app, name in loader.disk_migrations if app == "leads")
    cls = type("Migration", (migrations.Migration,), {"dependencies": [("leads", latest)], "operations": list(operations),
                                                      **attrs})
    return cls("9999_example", "leads")


# the SQL is collected through the owner alias (migrations' connection), never run
with_owner = pytest.mark.django_db(databases=["default", "owner"])


@with_owner
def test_every_migration_after_the_baseline_is_backward_compatible(loader):
    results = [migration_lint.lint(m, loader) for m in migration_lint.new_migrations(loader)]
    failing = [str(r) for r in results if r.errors]
    assert not failing, "backward-incompatible migrations (see docs/operations.md, expand/contract):\n" + \
        "\n".join(failing)


def test_the_baseline_names_migrations_that_exist(loader):
    for app_label, name in migration_lint.BASELINE.items():
        assert (app_label, name) in loader.disk_migrations


def test_it_finds_only_migrations_after_the_baseline(loader):
    found = {(m.app_label, m.name) for m in migration_lint.new_migrations(loader)}
    assert ("leads", migration_lint.BASELINE["leads"]) not in found
    assert not any(app in {"auth", "contenttypes", "pghistory", "admin", "sessions"} for app, _ in found)


@with_owner
def test_it_rejects_dropping_a_column_the_running_release_reads(loader):
    result = migration_lint.lint(a_migration(migrations.RemoveField("lead", "title")), loader)
    assert any("DROPPING columns" in e for e in result.errors), result


@with_owner
def test_it_rejects_a_not_null_column_without_a_database_default(loader):
    field = models.CharField(max_length=20, default="web")
    result = migration_lint.lint(a_migration(migrations.AddField("lead", "channel", field)), loader)
    assert any("NOT NULL" in e for e in result.errors), result


@with_owner
def test_it_accepts_the_expand_step(loader):
    nullable = migrations.AddField("lead", "channel", models.CharField(max_length=20, null=True))
    with_db_default = migrations.AddField("lead", "tier", models.CharField(max_length=20, db_default="b"))
    assert migration_lint.lint(a_migration(nullable, with_db_default), loader).errors == []


@with_owner
def test_a_contract_step_passes_only_when_declared(loader):
    drop = migrations.RemoveField("lead", "title")
    declared = a_migration(drop, backward_incompatible="contract: title unread since the release before")
    result = migration_lint.lint(declared, loader)
    assert result.errors == [] and "declared incompatible" in result.warnings[0]
