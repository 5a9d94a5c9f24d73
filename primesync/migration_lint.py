"""Backward-compatibility lint of new migrations, for zero-downtime deploys (docs/operations.md).

A deploy migrates first, while the previous release still serves: every migration must leave a schema
the old code can run on (no dropped or renamed column or table, no NOT NULL column without a database
default, no type change). django-migration-linter reads the SQL each migration would run and names
what breaks that. Migrations up to ``BASELINE`` shipped before the check existed and went out in
maintenance windows; only newer ones are linted, so history is never rewritten.

A migration that must break compatibility (the contract step of expand/contract, once no running
release reads the column) says so, visibly in review, with a class attribute naming why:
``backward_incompatible = "contract: Lead.source replaced by Lead.source_channel in 0012"``.
(An attribute of ours, not the linter's IgnoreMigration operation: that would make a dev-only
package a runtime import of every migration module.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations import Migration
from django.db.migrations.loader import MigrationLoader

# The last migration of each app when the check was introduced.
BASELINE = {
    "primesync": "0003_handler_failure",
    "leads": "0010_duplicate_keys",
    "deals": "0006_alerts",
    "enrichment": "0002_quality",
    "dashboards": "0005_stage_log_lean",
}
DATABASE = "owner"  # the alias migrations run on


@dataclass(frozen=True)
class LintResult:
    app_label: str
    name: str
    errors: list[str]
    warnings: list[str]

    def __str__(self) -> str:
        lines = [f"{self.app_label}.{self.name}"]
        lines += [f"  error: {e}" for e in self.errors] + [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _number(name: str) -> int:
    return int(name.split("_", 1)[0])


def new_migrations(loader: MigrationLoader | None = None) -> list[Migration]:
    """Migrations of this project's apps numbered after the baseline (a new app: all of them)."""
    loader = loader or MigrationLoader(None, ignore_no_migrations=True)
    found = []
    for (app_label, name), migration in loader.disk_migrations.items():
        path = Path(apps.get_app_config(app_label).path)
        if not path.is_relative_to(settings.BASE_DIR) or "site-packages" in path.parts:
            continue  # Django's and third-party apps' migrations (the venv may live in the checkout) are theirs
        if _number(name) > _number(BASELINE.get(app_label, "0000")):
            found.append(migration)
    return sorted(found, key=lambda m: (m.app_label, m.name))


def migration_sql(migration: Migration, loader: MigrationLoader) -> list[str]:
    """The SQL ``migration`` runs, collected without running it (sqlmigrate, for a Migration object)."""
    connection = connections[DATABASE]
    state = loader.project_state(list(migration.dependencies), at_end=True) if migration.dependencies else \
        loader.project_state()
    with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
        migration.apply(state, editor, collect_sql=True)
    return [line for statement in editor.collected_sql for line in statement.splitlines()]


def lint(migration: Migration, loader: MigrationLoader | None = None) -> LintResult:
    from django_migration_linter import MigrationLinter
    from django_migration_linter.sql_analyser import analyse_sql_statements

    loader = loader or MigrationLoader(None, ignore_no_migrations=True)
    linter = MigrationLinter(database=DATABASE, no_cache=True, no_output=True)
    if getattr(migration, "backward_incompatible", ""):
        return LintResult(migration.app_label, migration.name, [], [f"declared incompatible: "
                                                                     f"{migration.backward_incompatible}"])
    errors, _, warnings = analyse_sql_statements(linter.sql_analyser_class, migration_sql(migration, loader))
    data_errors, _, data_warnings = linter.analyse_data_migration(migration)
    return LintResult(migration.app_label, migration.name,
                      errors=[str(i.message) for i in errors + data_errors],
                      warnings=[str(i.message) for i in warnings + data_warnings])
