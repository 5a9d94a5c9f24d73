from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from primesync import backups


class Command(BaseCommand):
    help = ("Dump the whole database (audit history and outbox included) in pg_dump's custom format, "
            "as the owner login. Restore it with `manage.py restore PATH`.")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path,
                            help="file to write (default: BACKUP_DIR/<database>-<UTC time>.dump)")

    def handle(self, *args, output=None, **options):
        try:
            result = backups.backup(output=output)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"pg_dump: {result.tool.path} (PostgreSQL {result.tool.major}; "
                          f"server {result.server_major})")
        self.stdout.write(f"backup written to {result.path}: {result.size_bytes / 2**20:.1f} MiB "
                          f"in {result.seconds:.1f} s")
