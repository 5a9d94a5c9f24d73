"""``manage.py erase_person --lead ID --reason TEXT --by EMAIL [--email X ...]``: erasure on request.

Privileged: it runs on the owner connection, outside row-level security through a logged bypass,
and rewrites audit history. Only a platform admin (an active superuser) may be named in ``--by``;
the run is recorded in ``PersonErasure`` (who, when, why, rows per table). See leads/erasure.py.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from leads.erasure import person_erase
from primesync.errors import DomainError
from primesync.models import User


class Command(BaseCommand):
    help = "Erase a person's personal data from a lead, its history and every store of its team (audited)."

    def add_arguments(self, parser):
        parser.add_argument("--lead", type=int, required=True, help="The lead's id")
        parser.add_argument("--email", action="append", default=[],
                            help="Another address of the person to erase as well (repeatable)")
        parser.add_argument("--reason", required=True, help="Why: the request's reference (kept in the audit record)")
        parser.add_argument("--by", required=True, help="Email of the platform admin (superuser) running it")

    def handle(self, *args, **options):
        by = User.objects.filter(email__iexact=options["by"], is_active=True, is_superuser=True).first()
        if by is None:
            raise CommandError(f"{options['by']!r} is not an active platform admin (superuser).")
        try:
            record = person_erase(lead_id=options["lead"], reason=options["reason"], by=by, emails=options["email"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Erasure #{record.pk} of lead #{record.lead_id}: {record.rows_changed} rows changed "
            f"({record.values_searched} values looked for).\n{json.dumps(record.changes, indent=2)}"
        )
