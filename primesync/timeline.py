"""A record's timeline: its activities and its audit history, newest first, in one list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import models

from primesync.history import changes_for, changes_for_ids, users_by_id

SOURCE_LABELS = {
    "web": "in the app", "api": "through the API", "admin": "in Django admin", "import": "by an import",
    "worker": "by an automation", "sql": "directly in the database", "command": "by a command",
}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    kind: str  # "activity", "created", "changed", "note"
    who: str = ""
    source: str = ""
    activity: object | None = None
    changes: list[FieldChange] = field(default_factory=list)
    text: str = ""  # a note's text (a merge, an undo)
    subject: str = ""  # set when the history is another record's, merged into this one

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


def _is_user_fk(f) -> bool:
    return f.is_relation and f.related_model._meta.label == settings.AUTH_USER_MODEL


def _readable(model, changes) -> tuple[dict, dict]:
    """Text for raw values (choice labels, related objects' names) and the users involved, in few queries."""
    shown_changes = [c for c in changes if c.action == "update"]  # an insert shows as "Created", no values
    fields = {c.field: model._meta.get_field(c.field) for c in shown_changes}
    related: dict[str, set] = {}
    user_ids = {c.user_id for c in changes}
    for c in shown_changes:
        f = fields.get(c.field)
        if f is None or not f.is_relation:
            continue
        values = {v for v in (c.old, c.new) if v not in (None, "")}
        if _is_user_fk(f):
            user_ids |= values
        else:
            related.setdefault(f.name, set()).update(values)
    users = users_by_id(user_ids)
    shown: dict[tuple[str, object], str] = {}
    for name, f in fields.items():
        if f.choices:
            shown.update({(name, value): label for value, label in f.flatchoices})
        elif _is_user_fk(f):
            shown.update({(name, pk): u.display_name for pk, u in users.items()})
    for name, ids in related.items():
        for pk, obj in fields[name].related_model.objects.in_bulk(list(ids)).items():
            shown[(name, pk)] = str(obj)
    return shown, users


def _text(shown, name: str, value) -> str:
    if value in (None, ""):
        return "—"
    return shown.get((name, value), str(value))


def build_timeline(
    obj: models.Model, activities: list, *, absorbed: dict[int, str] | None = None, notes: list[Entry] = ()
) -> list[Entry]:
    """Merge ``activities`` (anything with ``occurred_at`` and ``created_by``) with ``obj``'s history.

    ``absorbed``: records of the same model merged into ``obj`` (id -> name); their history is
    included, marked with their name. ``notes``: entries the caller made (a merge, an undo).
    """
    changes = changes_for(obj)
    subjects = {c.event_id: "" for c in changes}
    for pk, merged_changes in changes_for_ids(type(obj), absorbed).items() if absorbed else ():
        changes += merged_changes
        subjects.update({c.event_id: absorbed[pk] for c in merged_changes})
    shown, users = _readable(type(obj), changes)
    by_event: dict[int, Entry] = {}
    for c in changes:
        if c.action == "delete":
            continue  # a deleted record has no page to show its timeline on
        user = users.get(c.user_id)
        who = user.display_name if user else ""
        kind = "created" if c.action == "insert" else "changed"
        entry = by_event.setdefault(
            c.event_id, Entry(at=c.at, kind=kind, who=who, source=c.source, subject=subjects[c.event_id])
        )
        if kind == "changed":
            f = type(obj)._meta.get_field(c.field)
            entry.changes.append(FieldChange(
                label=str(f.verbose_name).capitalize(), old=_text(shown, f.name, c.old), new=_text(shown, f.name, c.new)
            ))
    entries = [*by_event.values(), *notes]
    entries += [
        Entry(at=a.occurred_at, kind="activity", who=a.created_by.display_name if a.created_by else "", activity=a)
        for a in activities
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)
