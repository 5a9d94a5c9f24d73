"""Reading an object's audit trail as per-field changes, with who made them."""

from __future__ import annotations

from dataclasses import asdict

from primesync import audit
from primesync.models import User


def changes_for(obj) -> list[audit.Change]:
    """Oldest first: every field change recorded for one tracked object."""
    events = list(obj.events.order_by("pgh_id"))
    return audit.changes_from_events(events, audit.tracked_fields(type(obj)))


def changes_for_ids(model, ids) -> dict[int, list[audit.Change]]:
    """Oldest first, per object: the recorded changes of objects of ``model`` by id, even deleted ones
    (a lead merged into another: the survivor's timeline shows its history)."""
    events = model.events.rel.related_model.objects.filter(pgh_obj_id__in=list(ids)).order_by("pgh_id")
    by_object: dict[int, list] = {}
    for event in events:
        by_object.setdefault(event.pgh_obj_id, []).append(event)
    fields = audit.tracked_fields(model)
    return {pk: audit.changes_from_events(rows, fields) for pk, rows in by_object.items()}


def users_by_id(ids) -> dict[int, User]:
    ids = {i for i in ids if i}
    return {u.pk: u for u in User.objects.filter(pk__in=ids)} if ids else {}


def history_for(obj) -> list[dict]:
    """The API's view of the trail: when, who, source, field, from, to."""
    changes = changes_for(obj)
    users = users_by_id(c.user_id for c in changes)
    rows = []
    for change in changes:
        row = asdict(change)
        user = users.get(change.user_id)
        row["user"] = {"id": user.pk, "email": user.email, "name": user.display_name} if user else None
        row["from"] = row.pop("old")
        row["to"] = row.pop("new")
        rows.append(row)
    return rows
