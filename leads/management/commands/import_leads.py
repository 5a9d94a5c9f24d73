"""``manage.py import_leads FILE --team SLUG``: an admin's import of a CSV file of leads, run here and now.

The same import as the wizard's (checks, duplicates, rejected rows, audit rows with source "import",
LEAD_CREATED events), run in this process rather than by a worker, so it works while workers are down.
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leads.imports import selectors, services
from leads.models import ImportStatus, LeadImport, OnDuplicate
from primesync import tenancy
from primesync.errors import DomainError
from primesync.models import Membership, Team, User


class Command(BaseCommand):
    help = "Import a CSV file of leads into a team (prints the outcome and the rejected rows)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--team", required=True, help="The team's slug")
        parser.add_argument("--on-duplicate", choices=OnDuplicate.values, default=OnDuplicate.SKIP,
                            help="Leads already in the team (same email or phone): skip (default), fill in their "
                                 "empty fields (update_empty), or create them anyway")
        parser.add_argument("--owner", help="Email of the team member who owns rows without an owner column value "
                                            "(default: nobody, the routing rules assign them)")
        parser.add_argument("--region", default="", help="Country of phone numbers without +country code (US...)")
        parser.add_argument("--mapping", help='JSON object, CSV header → field, e.g. \'{"E-mail": "email"}\' '
                                              "(default: the team's saved mapping for these headers, else a guess)")
        parser.add_argument("--show-errors", type=int, default=20, help="How many rejected rows to print")

    def handle(self, *args, **options):
        team = Team.objects.filter(slug=options["team"]).first()
        if team is None:
            raise CommandError(f"No team with the slug {options['team']!r}.")
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        mapping = self._mapping(options["mapping"])
        owner = self._owner(team, options["owner"])
        try:
            with tenancy.use_team(team):
                upload = services.import_file_upload(team=team, by=None, name=options["file"].name, data=data)
                job = services.import_start(
                    team=team, by=None, may_assign=True, import_file=upload, mapping=mapping,
                    on_duplicate=options["on_duplicate"], default_owner=owner, phone_region=options["region"],
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Import #{job.pk} of {upload.name} into {team.name}…")
        finished = services.import_run(team_id=team.pk, import_id=job.pk) or self._wait(team, job.pk)
        self._report(finished, options["show_errors"])

    def _mapping(self, text: str | None) -> dict | None:
        if not text:
            return None
        try:
            mapping = json.loads(text)
        except ValueError as exc:
            raise CommandError("--mapping is not valid JSON.") from exc
        if not isinstance(mapping, dict):
            raise CommandError("--mapping must be a JSON object of CSV header to field.")
        return mapping

    def _owner(self, team: Team, email: str | None) -> User | None:
        if not email:
            return None
        membership = Membership.objects.select_related("user").filter(team=team, user__email__iexact=email).first()
        if membership is None:
            raise CommandError(f"{email} is not a member of {team.name}.")
        return membership.user

    def _wait(self, team: Team, import_id: int) -> LeadImport:
        """A worker took the job first (it heard the IMPORT_REQUESTED event): follow it to the end."""
        self.stdout.write("A worker is running it; waiting for the outcome…")
        while True:
            with tenancy.use_team(team):
                job = LeadImport.objects.get(pk=import_id)
            if job.finished:
                return job
            time.sleep(1)

    def _report(self, job: LeadImport, show_errors: int) -> None:
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"The import stopped: {job.detail}")
        self.stdout.write(self.style.SUCCESS(
            f"{job.created} created, {job.updated} updated, {job.duplicates} duplicates skipped, "
            f"{job.rejected} rows rejected (of {job.total})."
        ))
        if job.rejected:
            with tenancy.use_team(job.team_id):
                errors = list(selectors.import_errors(lead_import=job, limit=show_errors))
            for error in errors:
                self.stdout.write(f"  line {error.line}: {error.reason}")
            if job.rejected > len(errors):
                self.stdout.write(f"  … and {job.rejected - len(errors)} more: GET /imports/{job.pk}/errors.csv")
