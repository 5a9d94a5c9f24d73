"""Reading an object's audit trail as per-field changes, with who made them."""

from __future__ import annotations

from dataclasses import asdict

from primesync import audit
from primesync.models import User


def history_for(obj) -> list[dict]:
    """Oldest first: when, who, source, field, from, to, for one tracked object."""
    events = list(obj.events.order_by("pgh_id"))
    changes = audit.changes_from_events(events, audit.tracked_fields(type(obj)))
    user_ids = {c.user_id for c in changes if c.user_id}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    rows = []
    for change in changes:
        row = asdict(change)
        user = users.get(change.user_id)
        row["user"] = {"id": user.pk, "email": user.email, "name": user.display_name} if user else None
        row["from"] = row.pop("old")
        row["to"] = row.pop("new")
        rows.append(row)
    return rows
