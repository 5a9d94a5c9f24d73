from django.conf import settings
from django.core.management.base import BaseCommand

from primesync import db_setup


class Command(BaseCommand):
    help = "Create the owner, app and bypass roles and the database (idempotent). Uses DATABASE_URL's login."

    def handle(self, *args, **options):
        dbname = settings.DATABASES["default"]["NAME"]
        db_setup.ensure_database(settings.DATABASE_URL, dbname, db_setup.roles_from_settings())
        self.stdout.write(f"database {dbname!r} ready; app role {settings.DB_APP_USER!r}")
