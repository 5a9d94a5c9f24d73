import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from primesync import audit, demo, tenancy
from primesync.models import OutboxEvent, Role, Team, User
from primesync.services import member_add, team_create, user_create

TEAMS = {
    "acme": ("Acme Corp", "manager@acme.test", ["rep1@acme.test", "rep2@acme.test"]),
    "globex": ("Globex", "manager@globex.test", ["rep1@globex.test"]),
}
ADMIN_EMAIL = "admin@primesync.test"
NAMES = {
    "manager@acme.test": "Maria Alvarez",
    "rep1@acme.test": "Ana Silva",
    "rep2@acme.test": "Ben Carter",
    "manager@globex.test": "Hank Scorpio",
    "rep1@globex.test": "Frank Grimes",
    ADMIN_EMAIL: "Platform Admin",
}


class Command(BaseCommand):
    help = "Create the demo teams, users and data once (refused unless DEMO_MODE is on)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo data uses a published password: turn DEMO_MODE on to seed it.")
        if Team.objects.filter(slug__in=TEAMS).exists() or User.objects.filter(email__iexact=ADMIN_EMAIL).exists():
            self.stdout.write("Demo data already present: nothing to do.")
            return
        started = time.monotonic()
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            audit.set_context(source="command", path="manage.py seed_demo")
            user_create(email=ADMIN_EMAIL, password=password, full_name=NAMES[ADMIN_EMAIL], is_superuser=True)
            for index, (slug, (name, manager_email, rep_emails)) in enumerate(TEAMS.items()):
                team = team_create(name=name, slug=slug)
                manager = user_create(email=manager_email, password=password, full_name=NAMES[manager_email])
                member_add(team=team, user=manager, role=Role.MANAGER)
                reps = []
                for email in rep_emails:
                    rep = user_create(email=email, password=password, full_name=NAMES[email])
                    member_add(team=team, user=rep, role=Role.REP)
                    reps.append(rep)
                context = demo.DemoTeam(
                    team=team,
                    manager=manager,
                    reps=reps,
                    rng=random.Random(1000 + index),
                    today=timezone.localdate(),
                )
                with tenancy.use_team(team):
                    for seeder_name, seeder in demo.seeders():
                        seeder(context)
                        self.stdout.write(f"  {slug}: {seeder_name} done")
                    # Demo rows are history, not news: no workflow should act on them (no SLA breach for a
                    # lead "created" months ago, no assignment of leads the seed already assigned).
                    OutboxEvent.objects.filter(delivered_at__isnull=True).update(delivered_at=timezone.now())
        self.stdout.write(f"Demo data created in {time.monotonic() - started:.1f}s.")
