"""Merging two leads into one, and undoing a merge exactly.

A merge, in one transaction with both leads locked:

1. snapshot the survivor's row;
2. re-point to the survivor every row that references the merged lead. The referencing tables
   are found through ``Lead._meta.related_objects`` (activities, deals, enrichment observations
   and requests, enrolments, sent emails, assignment decisions, and whatever comes later): the
   leads app may not import deals or enrichment. Rows that must stay one per lead (one-to-one
   relations, unique constraints) stay with the merged lead when the survivor already has one;
3. copy the picked values onto the survivor;
4. settle the duplicate pairs (this one is merged; the merged lead's open ones leave with it; its
   "not a duplicate" decisions carry over to the survivor);
5. delete the merged lead. Django's deletion collector says what goes with it (the rows kept in
   step 2 and their dependants); each is snapshotted first;
6. write the ``LeadMerge`` record and publish LEAD_MERGED.

History is not rewritten (event tables are append-only): the survivor's timeline reads the merged
lead's history through the merge records. An undo re-inserts the merged lead with its id and the
values of its audit trail's delete event (cross-checked with the record), restores the removed
rows, moves every re-pointed row back and restores the survivor, unless something changed since
that makes it unsafe: then it refuses and says what.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, router, transaction
from django.db.models import Count, Q, UniqueConstraint
from django.db.models.deletion import Collector
from django.utils import timezone

from leads.models import DuplicateCandidate, DuplicateStatus, Lead, LeadMerge
from primesync import events, keyset
from primesync.errors import DomainError
from primesync.keyset import Ordering
from primesync.timeline import Entry

# What a person picks, field by field, when two leads become one.
MERGE_FIELDS = (
    "first_name", "last_name", "email", "phone", "title", "company", "company_name", "country", "owner", "status",
    "source",
)
SURVIVOR, MERGED = "survivor", "merged"


class MergeError(DomainError):
    """A merge or an undo that cannot (safely) be done; the message says why."""


# --- rows as JSON ----------------------------------------------------------------------------------


class _RowEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; an exact undo needs every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def snapshot(obj) -> dict:
    """A row as JSON: Django's "python" serialisation (model, pk, fields), generated columns left out."""
    names = [f.name for f in obj._meta.concrete_fields if not f.generated and not f.primary_key]
    return json.loads(json.dumps(serializers.serialize("python", [obj], fields=names)[0], cls=_RowEncoder))


def _from_snapshot(row: dict):
    return next(serializers.deserialize("python", [row])).object


def _write_back(row: dict, *, insert: bool | None = None) -> None:
    """Save a snapshot as it was, automatic timestamps included (a raw save skips ``auto_now``)."""
    obj = _from_snapshot(row)
    obj.save_base(raw=True, force_insert=insert is True, force_update=insert is False)


# --- who references a lead -------------------------------------------------------------------------


def lead_relations() -> list:
    """Every foreign key to Lead whose rows follow a merge.

    Audit history is left out (append-only: read through the merge records instead), and so are
    pairs and merge records, whose relations are hidden (``related_name="+"``).
    """
    return [
        rel.field for rel in Lead._meta.related_objects
        if getattr(rel.related_model, "pgh_tracked_model", None) is None
    ]


def _unique_sets(model, name: str):
    """(fields, condition) of each uniqueness rule of ``model`` that involves the field ``name``."""
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields and name in constraint.fields:
            yield constraint.fields, constraint.condition or Q()
    for together in model._meta.unique_together:
        if name in together:
            yield together, Q()


def _kept_apart(fk, survivor: Lead, merged: Lead) -> set:
    """Ids of the merged lead's rows that cannot move: the survivor already has their one-per-lead slot."""
    manager = fk.model._base_manager
    mine = manager.filter(**{fk.name: merged.pk})
    theirs = manager.filter(**{fk.name: survivor.pk})
    if fk.unique:
        return set(mine.values_list("pk", flat=True)) if theirs.exists() else set()
    kept = set()
    for fields, condition in _unique_sets(fk.model, fk.name):
        others = [f for f in fields if f != fk.name]
        if not others:
            if theirs.filter(condition).exists():
                kept |= set(mine.filter(condition).values_list("pk", flat=True))
            continue
        taken = set(theirs.filter(condition).values_list(*others))
        for pk, *values in mine.filter(condition).values_list("pk", *others):
            if None not in values and tuple(values) in taken:
                kept.add(pk)
    return kept


def _repoint(survivor: Lead, merged: Lead) -> list[list]:
    moved = []
    for fk in lead_relations():
        ids = list(
            fk.model._base_manager.filter(**{fk.name: merged.pk})
            .exclude(pk__in=_kept_apart(fk, survivor, merged)).values_list("pk", flat=True)
        )
        if ids:
            fk.model._base_manager.filter(pk__in=ids).update(**{fk.name: survivor.pk})
            moved += [[fk.model._meta.label, pk, fk.name] for pk in ids]
    return moved


def related_counts(leads: list[Lead]) -> dict[int, list[tuple[str, int]]]:
    """Per lead, how many activities, deals, observations... reference it (one query per table)."""
    ids = [lead.pk for lead in leads]
    counts: dict[int, list[tuple[str, int]]] = {pk: [] for pk in ids}
    for fk in lead_relations():
        if fk.unique:
            continue  # one-per-lead rows (SLA clock, enrichment summary) are not "how many"
        found = dict(
            fk.model._base_manager.filter(**{f"{fk.name}__in": ids}).values_list(fk.name)
            .annotate(n=Count("pk")).order_by()
        )
        label = str(fk.model._meta.verbose_name_plural).capitalize()
        for pk in ids:
            counts[pk].append((label, found.get(pk, 0)))
    return counts


# --- merging ----------------------------------------------------------------------------------------


def _empty(lead: Lead, name: str) -> bool:
    return getattr(lead, Lead._meta.get_field(name).attname) in (None, "")


def default_picks(survivor: Lead, merged: Lead) -> dict[str, str]:
    """The survivor's value, unless it has none and the other lead has one."""
    return {
        name: MERGED if _empty(survivor, name) and not _empty(merged, name) else SURVIVOR for name in MERGE_FIELDS
    }


def _apply_picks(survivor: Lead, merged: Lead, picks: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Copy the picked values onto the survivor: (the picks in effect, the fields that changed)."""
    unknown = set(picks) - set(MERGE_FIELDS)
    if unknown or set(picks.values()) - {SURVIVOR, MERGED}:
        raise MergeError(f"Cannot merge field(s): {', '.join(sorted(unknown)) or 'unknown choice'}.")
    picks = default_picks(survivor, merged) | picks
    changed = []
    for name in MERGE_FIELDS:
        attname = Lead._meta.get_field(name).attname
        if picks[name] == MERGED and getattr(survivor, attname) != getattr(merged, attname):
            setattr(survivor, attname, getattr(merged, attname))
            changed.append(name)
    if "status" in changed and survivor.converted_at != merged.converted_at:
        survivor.converted_at = merged.converted_at
        changed.append("converted_at")
    if merged.email_opt_out and not survivor.email_opt_out:  # an unsubscribe is never lost in a merge
        survivor.email_opt_out = True
        changed.append("email_opt_out")
    return picks, changed


def _settle_pairs(survivor: Lead, merged: Lead, by) -> tuple[DuplicateCandidate | None, list[dict], list[int]]:
    """Close this pair; snapshot the merged lead's open pairs (its deletion removes them); carry its
    "not a duplicate" decisions over to the survivor."""
    now = timezone.now()
    this_pair, before, created = None, [], []
    pairs = DuplicateCandidate.objects.select_for_update().filter(Q(lead_a_id=merged.pk) | Q(lead_b_id=merged.pk))
    for pair in pairs.order_by("pk"):
        other = pair.lead_a_id if pair.lead_b_id == merged.pk else pair.lead_b_id
        if other == survivor.pk:
            before.append(snapshot(pair))
            pair.status, pair.resolved_by, pair.resolved_at = DuplicateStatus.MERGED, by, now
            pair.save(update_fields=["status", "resolved_by", "resolved_at"])
            this_pair = pair
        elif pair.status == DuplicateStatus.OPEN:
            before.append(snapshot(pair))
        elif pair.status == DuplicateStatus.DISMISSED:
            a, b = sorted((survivor.pk, other))
            existing = DuplicateCandidate.objects.filter(lead_a_id=a, lead_b_id=b).first()
            if existing is None:
                created.append(DuplicateCandidate.objects.create(
                    team_id=survivor.team_id, lead_a_id=a, lead_b_id=b, score=pair.score, reasons=pair.reasons,
                    status=DuplicateStatus.DISMISSED, resolved_by=pair.resolved_by, resolved_at=pair.resolved_at,
                ).pk)
            elif existing.status == DuplicateStatus.OPEN:
                before.append(snapshot(existing))
                existing.status, existing.resolved_by, existing.resolved_at = (
                    DuplicateStatus.DISMISSED, pair.resolved_by, pair.resolved_at
                )
                existing.save(update_fields=["status", "resolved_by", "resolved_at"])
    return this_pair, before, created


def _delete_with_snapshot(merged: Lead) -> tuple[list[dict], list[list]]:
    """Delete the merged lead; return snapshots of what went with it (parents first) and of the
    references the deletion set to NULL."""
    collector = Collector(using=router.db_for_write(Lead), origin=merged)
    collector.collect([merged])
    collector.sort()  # children first, as they are deleted; restored in the reverse order
    removed = [
        snapshot(obj)
        for model, instances in reversed(list(collector.data.items())) if model is not Lead
        for obj in sorted(instances, key=lambda o: o.pk)
    ]
    removed += [snapshot(obj) for queryset in collector.fast_deletes for obj in queryset]  # leaves, restored last
    nulled = [
        [field.model._meta.label, obj.pk, field.name, getattr(obj, field.attname)]
        for (field, _value), groups in collector.field_updates.items() for objs in groups for obj in objs
    ]
    collector.delete()
    return removed, nulled


def _delete_event_id(lead_id: int) -> int | None:
    event_model = Lead.events.rel.related_model
    return (
        event_model.objects.filter(pgh_obj_id=lead_id, pgh_label="delete")
        .order_by("-pgh_id").values_list("pgh_id", flat=True).first()
    )


def merge_name(lead: Lead) -> str:
    name = lead.full_name or lead.email or lead.phone
    return f"{name} <{lead.email}>" if lead.full_name and lead.email else name


def lead_merge(*, survivor: Lead, merged: Lead, by, picks: dict[str, str] | None = None) -> LeadMerge:
    """Merge ``merged`` into ``survivor``, keeping the picked value of each field (see MERGE_FIELDS)."""
    if survivor.pk == merged.pk or survivor.team_id != merged.team_id:
        raise MergeError("Pick two different leads of the same team.")
    with transaction.atomic():
        locked = Lead.objects.select_for_update().filter(team_id=survivor.team_id, pk__in=[survivor.pk, merged.pk])
        locked = {lead.pk: lead for lead in locked.order_by("pk")}  # in id order: two merges never deadlock
        if len(locked) != 2:
            raise MergeError("One of the two leads no longer exists.")
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        before, merged_row, name = snapshot(survivor), snapshot(merged), merge_name(merged)
        picks, changed = _apply_picks(survivor, merged, picks or {})
        try:
            survivor.validate_constraints()
        except ValidationError as exc:
            raise MergeError(" ".join(exc.messages)) from exc
        repointed = _repoint(survivor, merged)
        if changed:
            survivor.save(update_fields=[*changed, "updated_at"])
        pair, pairs_before, pairs_created = _settle_pairs(survivor, merged, by)
        removed, nulled = _delete_with_snapshot(merged)
        merge = LeadMerge.objects.create(
            team_id=survivor.team_id, survivor=survivor, merged_lead_id=merged_row["pk"], merged_name=name,
            pair=pair, merged_by=by, picks=picks,
            survivor_before=before, survivor_after=snapshot(survivor), merged_row=merged_row,
            merged_event_id=_delete_event_id(merged_row["pk"]), removed_rows=removed, nulled=nulled,
            repointed=repointed, pairs_before=pairs_before, pairs_created=pairs_created,
        )
        events.publish(
            events.LEAD_MERGED, team=survivor.team_id, entity_type="lead", entity_id=survivor.pk,
            payload={"merge_id": merge.pk, "merged_id": merge.merged_lead_id, "merged_name": merge.merged_name},
        )
    return merge


# --- undoing -----------------------------------------------------------------------------------------


@dataclass
class UndoResult:
    merge: LeadMerge
    restored: Lead
    moved_back: int
    left_behind: int  # re-pointed rows deleted or moved elsewhere since the merge: left as they are


def _fields_of(row: dict) -> dict:
    return row["fields"]


def _label(name: str) -> str:
    return str(Lead._meta.get_field(name).verbose_name).capitalize()


def _survivor_restore(survivor: Lead, merge: LeadMerge) -> dict | None:
    """What to write back to the survivor: its whole former row when nothing touched it since the
    merge, else only the fields the merge changed. Refuses when one of those was edited since."""
    current = snapshot(survivor)
    if current == merge.survivor_after:
        return None
    before, after, now = (_fields_of(r) for r in (merge.survivor_before, merge.survivor_after, current))
    changed = [name for name in before if name != "updated_at" and before[name] != after[name]]
    edited = [name for name in changed if now.get(name) != after[name]]
    if edited:
        raise MergeError(
            f"{', '.join(_label(n) for n in edited)} of {survivor} changed after the merge; undoing it would "
            "overwrite that edit. Change it back first, or keep the merge."
        )
    restored = _from_snapshot(merge.survivor_before)
    return {name: getattr(restored, Lead._meta.get_field(name).attname) for name in changed}


def _lead_from_audit_trail(merge: LeadMerge) -> Lead:
    """The merged lead as its delete event recorded it, checked against the merge record."""
    event_model = Lead.events.rel.related_model
    event = event_model.objects.filter(
        pgh_id=merge.merged_event_id, pgh_obj_id=merge.merged_lead_id, pgh_label="delete"
    ).first()
    if event is None:
        raise MergeError("The audit trail has no record of the merged lead's deletion: it cannot be restored from it.")
    fields = [f for f in Lead._meta.concrete_fields if not f.generated and not f.primary_key]
    restored = Lead(pk=merge.merged_lead_id, **{f.attname: getattr(event, f.attname) for f in fields})
    recorded = _from_snapshot(merge.merged_row)
    differing = [str(f.verbose_name) for f in fields if getattr(restored, f.attname) != getattr(recorded, f.attname)]
    if differing:
        raise MergeError(f"The audit trail and the merge record disagree about {', '.join(differing)}: not restoring.")
    return restored


def _move_back(repointed: list[list], survivor_id: int, merged_id: int) -> tuple[int, int]:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for label, pk, name in repointed:
        groups[label, name].append(pk)
    moved = 0
    for (label, name), pks in groups.items():
        manager = apps.get_model(label)._base_manager
        moved += manager.filter(pk__in=pks, **{name: survivor_id}).update(**{name: merged_id})
    return moved, len(repointed) - moved


def _blocking_merge(lead_id: int) -> LeadMerge | None:
    return LeadMerge.objects.filter(merged_lead_id=lead_id, undone_at__isnull=True).order_by("-merged_at").first()


def merge_undo(*, merge: LeadMerge, by) -> UndoResult:
    """Split a merge: the merged lead and its rows come back as they were, the survivor too."""
    with transaction.atomic():
        merge = LeadMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise MergeError(f"This merge was already undone on {merge.undone_at:%b %-d, %Y %H:%M}.")
        survivor = Lead.objects.select_for_update().filter(pk=merge.survivor_id).first()
        if survivor is None:
            later = _blocking_merge(merge.survivor_id)
            if later is not None:
                raise MergeError(
                    f"The lead this was merged into was itself merged into {_survivor_name(later)} "
                    f"on {later.merged_at:%b %-d, %Y}: undo that merge first."
                )
            raise MergeError("The lead this was merged into has been deleted since: there is nothing to split.")
        if Lead.objects.filter(pk=merge.merged_lead_id).exists():
            raise MergeError(f"{merge.merged_name} already exists again.")
        survivor_values = _survivor_restore(survivor, merge)
        restored = _lead_from_audit_trail(merge)
        try:
            with transaction.atomic():
                restored.save_base(raw=True, force_insert=True)
                for row in merge.removed_rows:
                    _write_back(row, insert=True)
        except IntegrityError as exc:
            raise MergeError(
                f"Something the merged lead's records refer to no longer exists, so they cannot come back ({exc})."
            ) from exc
        for label, pk, name, value in merge.nulled:
            apps.get_model(label)._base_manager.filter(pk=pk, **{f"{name}__isnull": True}).update(**{name: value})
        moved, left = _move_back(merge.repointed, survivor.pk, merge.merged_lead_id)
        if survivor_values is None:
            _write_back(merge.survivor_before, insert=False)
        elif survivor_values:
            Lead.objects.filter(pk=survivor.pk).update(**survivor_values, updated_at=timezone.now())
        DuplicateCandidate.objects.filter(pk__in=merge.pairs_created).delete()
        for row in merge.pairs_before:
            _write_back(row)
        merge.undone_at, merge.undone_by = timezone.now(), by
        merge.save(update_fields=["undone_at", "undone_by"])
        events.publish(
            events.LEAD_MERGE_UNDONE, team=merge.team_id, entity_type="lead", entity_id=merge.merged_lead_id,
            payload={"merge_id": merge.pk, "survivor_id": merge.survivor_id},
        )
    return UndoResult(merge=merge, restored=restored, moved_back=moved, left_behind=left)


def _survivor_name(merge: LeadMerge) -> str:
    survivor = Lead.objects.filter(pk=merge.survivor_id).first()
    return str(survivor) if survivor else f"lead #{merge.survivor_id}"


# --- reading merges ----------------------------------------------------------------------------------


def merged_into(*, team, lead_id: int) -> int | None:
    """Where a merged lead lives on (down a chain of merges), or None."""
    seen = set()
    while lead_id not in seen:
        seen.add(lead_id)
        merge = LeadMerge.objects.filter(team=team, merged_lead_id=lead_id, undone_at__isnull=True).order_by(
            "-merged_at").values_list("survivor_id", flat=True).first()
        if merge is None:
            return lead_id if len(seen) > 1 and Lead.objects.filter(team=team, pk=lead_id).exists() else None
        lead_id = merge
    return None


def can_undo(seat, merge: LeadMerge, *, survivor: Lead | None = None) -> bool:
    """Managers; or the rep who owns the survivor and owned the merged lead."""
    user_id = seat.membership.user_id
    if seat.is_manager:
        return True
    if survivor is not None:
        owner_id = survivor.owner_id
    else:
        owner_id = Lead.objects.filter(pk=merge.survivor_id).values_list("owner_id", flat=True).first()
    return owner_id == user_id and _fields_of(merge.merged_row).get("owner") == user_id


def merge_list(*, team, seat, after: str | None = None, size: int = 50):
    """The merge history, newest first (a rep sees the merges they made or that kept a lead of theirs)."""
    queryset = LeadMerge.objects.filter(team=team).select_related("merged_by", "undone_by")
    if not seat.is_manager:
        user_id = seat.membership.user_id
        queryset = queryset.filter(Q(merged_by_id=user_id) | Q(survivor__owner_id=user_id))
    page = keyset.page(queryset, Ordering(("id",), descending=True), after=after, size=size)
    # no select_related: a survivor may be gone (merged away, deleted) and an inner join would hide its merge
    survivors = Lead.objects.filter(team=team).in_bulk({m.survivor_id for m in page.rows})
    for m in page.rows:
        m.survivor_lead = survivors.get(m.survivor_id)
    return page


@dataclass
class MergeHistory:
    active: list[LeadMerge]  # merges into this lead that stand (the banner offers their undo)
    absorbed: dict[int, str]  # ids of leads merged into this one (directly or down a chain) -> names
    entries: list[Entry]  # the merges and undos, for the timeline


def lead_merge_history(*, lead: Lead) -> MergeHistory:
    """A lead's merges, for its page: banner, timeline notes, and whose history its timeline includes."""
    merges = list(
        LeadMerge.objects.filter(team_id=lead.team_id)
        .filter(Q(survivor_id=lead.pk) | Q(merged_lead_id=lead.pk))
        .select_related("merged_by", "undone_by").order_by("-merged_at")
    )
    into = [m for m in merges if m.survivor_id == lead.pk]
    active = [m for m in into if m.undone_at is None]
    absorbed = {m.merged_lead_id: m.merged_name for m in active}
    frontier = set(absorbed)
    while frontier:  # a lead merged into one that was later merged here: its history comes along too
        deeper = LeadMerge.objects.filter(team_id=lead.team_id, survivor_id__in=frontier, undone_at__isnull=True)
        frontier = set()
        for m in deeper.only("merged_lead_id", "merged_name"):
            if m.merged_lead_id not in absorbed and m.merged_lead_id != lead.pk:
                absorbed[m.merged_lead_id] = m.merged_name
                frontier.add(m.merged_lead_id)
    entries = []
    for m in merges:
        who = m.merged_by.display_name if m.merged_by else ""
        if m.survivor_id == lead.pk:
            entries.append(Entry(at=m.merged_at, kind="note", who=who, source="web",
                                 text=f"Merged {m.merged_name} into this lead"))
        else:
            entries.append(Entry(at=m.merged_at, kind="note", who=who, source="web",
                                 text=f"Merged into lead #{m.survivor_id}"))
        if m.undone_at:
            entries.append(Entry(at=m.undone_at, kind="note", who=m.undone_by.display_name if m.undone_by else "",
                                 source="web", text=f"Undid the merge of {m.merged_name}"))
    return MergeHistory(active=active, absorbed=absorbed, entries=entries)
