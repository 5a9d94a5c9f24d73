from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from primesync import backups


class Command(BaseCommand):
    help = ("Restore a `manage.py backup` file into a fresh database, with the roles, grants and row-level "
            "security of db_bootstrap and migrate. A database holding tables is refused without --force.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", dest="dbname",
                            help="database to restore into (default: the configured one, DATABASE_URL's)")
        parser.add_argument("--force", action="store_true", help="drop and recreate the database if it holds tables")

    def handle(self, *args, path, dbname=None, force=False, **options):
        dbname = dbname or settings.DATABASES["default"]["NAME"]
        try:
            result = backups.restore(path=path, dbname=dbname, force=force)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"pg_restore: {result.tool.path} (PostgreSQL {result.tool.major})")
        self.stdout.write(f"restored {path} into {result.database!r}: {result.tables} tables, "
                          f"{result.rows} rows in {result.seconds:.1f} s")
