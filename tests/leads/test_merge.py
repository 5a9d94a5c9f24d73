"""leads.merge: everything that referenced the merged lead follows it, and an undo is exact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from enrichment.models import EnrichmentObservation, LeadEnrichment
from leads import merge as merging
from leads import services
from leads.merge import MergeError, lead_merge, lead_relations, merge_undo, snapshot
from leads.models import (
    Activity,
    AssignmentDecision,
    DuplicateCandidate,
    DuplicateStatus,
    EnrichmentRequest,
    Enrollment,
    Lead,
    LeadMerge,
    LeadSla,
    SentEmail,
    Sequence,
    SequenceStep,
)
from primesync import audit, events, tenancy
from primesync.models import OutboxEvent
from primesync.timeline import build_timeline
from tests.factories import ActivityFactory, DealFactory, LeadFactory


def person(team, **fields) -> Lead:
    blank = {"phone": "", "company_name": "", "title": "", "email": "", "first_name": "", "last_name": ""}
    return LeadFactory(team=team, **(blank | fields))


def database(team) -> dict:
    """Every row of the leads and of every table that references a lead (and the pairs), in full."""
    models = {Lead, DuplicateCandidate, *(fk.model for fk in lead_relations())}
    with tenancy.use_team(team):
        return {
            model._meta.label: {obj.pk: snapshot(obj) for obj in model._base_manager.all()}
            for model in models
        }


@dataclass
class World:
    survivor: Lead
    merged: Lead
    other: Lead
    dismissed_with: Lead


def pair(team, a: Lead, b: Lead, status=DuplicateStatus.OPEN, by=None) -> DuplicateCandidate:
    with tenancy.use_team(team):
        low, high = sorted((a.pk, b.pk))
        return DuplicateCandidate.objects.create(
            team=team, lead_a_id=low, lead_b_id=high, score=90, reasons=["same email"], status=status,
            resolved_by=by, resolved_at=timezone.now() if by else None,
        )


@pytest.fixture
def world(acme) -> World:
    """Two leads of one person, with everything a lead can have; one-per-lead rows on both sides."""
    team = acme.team
    survivor = person(team, first_name="Ana", last_name="Silva", email="ana@initech.example", owner=acme.rep,
                      title="Analyst", company_name="Initech")
    merged = person(team, first_name="Ana", last_name="Silva", email="ana.silva@initech.example", owner=acme.rep,
                    phone="+1 415 555 0101", title="", company_name="Initech Inc", email_opt_out=True)
    other = person(team, first_name="Ana", last_name="Silvia", email="a.silvia@hooli.example")
    dismissed_with = person(team, first_name="Ana", last_name="Silva", email="ana@hooli.example")
    now = timezone.now()
    ActivityFactory(team=team, lead=survivor, created_by=acme.rep, subject="Survivor's call")
    ActivityFactory.create_batch(2, team=team, lead=merged, created_by=acme.rep, subject="Merged lead's call")
    DealFactory(team=team, lead=merged, pipeline=acme.pipeline, stage=acme.stage("Qualification"), owner=acme.rep)
    with tenancy.use_team(team):
        EnrichmentObservation.objects.create(team=team, lead=merged, field="title", value="VP", source="apollo",
                                             confidence=0.8)
        LeadEnrichment.objects.create(team=team, lead=merged, status="enriched", score=70)
        for lead in (survivor, merged):
            LeadSla.objects.create(team=team, lead=lead, started_at=now, due_at=now + timedelta(minutes=15))
            EnrichmentRequest.objects.create(team=team, lead=lead, reason="created")  # one open request per lead
        EnrichmentRequest.objects.create(team=team, lead=merged, reason="manual", status="done")
        AssignmentDecision.objects.create(team=team, lead=merged, owner=acme.rep, reason="Round robin")
        sequence = Sequence.objects.create(team=team, name="Welcome")
        other_sequence = Sequence.objects.create(team=team, name="Nurture")
        step = SequenceStep.objects.create(team=team, sequence=sequence, order=1, subject="Hi", body="Hello")
        Enrollment.objects.create(team=team, sequence=sequence, lead=survivor)
        kept_apart = Enrollment.objects.create(team=team, sequence=sequence, lead=merged)  # one active per sequence
        Enrollment.objects.create(team=team, sequence=other_sequence, lead=merged)
        SentEmail.objects.create(team=team, enrollment=kept_apart, step=step, lead=merged, to_email=merged.email,
                                 subject="Hi", status="sent", sent_at=now)
    pair(team, survivor, merged)
    pair(team, merged, other)
    pair(team, merged, dismissed_with, status=DuplicateStatus.DISMISSED, by=acme.manager)
    return World(survivor=survivor, merged=merged, other=other, dismissed_with=dismissed_with)


def do_merge(acme, world, **picks) -> LeadMerge:
    with tenancy.use_team(acme.team):
        return lead_merge(survivor=world.survivor, merged=world.merged, by=acme.manager, picks=picks)


def undo(acme, record) -> merging.UndoResult:
    with tenancy.use_team(acme.team):
        return merge_undo(merge=record, by=acme.manager)


# --- merging -----------------------------------------------------------------------------------------


def test_it_finds_every_table_that_references_a_lead():
    labels = {fk.model._meta.label for fk in lead_relations()}
    assert {"leads.Activity", "deals.Deal", "enrichment.EnrichmentObservation", "leads.EnrichmentRequest",
            "leads.Enrollment", "leads.SentEmail", "leads.AssignmentDecision", "leads.LeadSla",
            "enrichment.LeadEnrichment"} <= labels
    assert not any(label.endswith("Event") for label in labels)  # history is append-only: never re-pointed


def test_a_merge_moves_everything_to_the_survivor(acme, world):
    s, m = world.survivor, world.merged
    record = do_merge(acme, world)
    with tenancy.use_team(acme.team):
        assert not Lead.objects.filter(pk=m.pk).exists()
        assert Activity.objects.filter(lead=s).count() == 3
        assert s.deals.count() == 1 and s.observations.count() == 1
        assert LeadEnrichment.objects.get().lead_id == s.pk  # the survivor had none: it takes the merged one's
        assert AssignmentDecision.objects.get().lead_id == s.pk
        assert EnrichmentRequest.objects.filter(lead=s).count() == 2  # its own open one and the merged done one
        assert LeadSla.objects.get().lead_id == s.pk  # one clock per lead: the survivor's
        assert sorted(Enrollment.objects.filter(lead=s).values_list("sequence__name", flat=True)) == [
            "Nurture", "Welcome"]
        assert not SentEmail.objects.exists()  # went with the merged lead's Welcome enrolment (kept for undo)
    labels = sorted(row["model"] for row in record.removed_rows)
    assert labels == ["leads.enrichmentrequest", "leads.enrollment", "leads.leadsla", "leads.sentemail"]


def test_the_survivor_keeps_the_picked_values(acme, world):
    do_merge(acme, world, email="merged", company_name="merged")
    with tenancy.use_team(acme.team):
        s = Lead.objects.get(pk=world.survivor.pk)
    assert (s.email, s.company_name) == ("ana.silva@initech.example", "Initech Inc")
    assert s.phone == "+1 415 555 0101"  # the survivor had none: the other's by default
    assert s.title == "Analyst"  # the survivor's by default
    assert s.email_opt_out  # an unsubscribe is never lost


def test_the_pairs_are_settled(acme, world):
    record = do_merge(acme, world)
    with tenancy.use_team(acme.team):
        merged_pair = DuplicateCandidate.objects.get(pk=record.pair_id)
        assert (merged_pair.status, merged_pair.resolved_by) == (DuplicateStatus.MERGED, acme.manager)
        assert not DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).exists()  # went with the lead
        carried = DuplicateCandidate.objects.get(pk__in=record.pairs_created)
    assert {carried.lead_a_id, carried.lead_b_id} == {world.survivor.pk, world.dismissed_with.pk}
    assert carried.status == DuplicateStatus.DISMISSED


def test_a_merge_is_published_with_the_users_context(acme, world):
    with tenancy.use_team(acme.team):
        audit.set_context(source="web", user_id=acme.manager.pk, path="/duplicates/1/merge/")
        record = lead_merge(survivor=world.survivor, merged=world.merged, by=acme.manager)
        event = OutboxEvent.objects.get(type=events.LEAD_MERGED)
    assert (event.entity_id, event.payload["merge_id"], event.payload["merged_id"]) == (
        world.survivor.pk, record.pk, world.merged.pk)
    assert (event.context["source"], event.context["user"]) == ("web", acme.manager.pk)


def test_the_survivors_timeline_includes_the_merged_leads_history(acme, world):
    with tenancy.use_team(acme.team):
        services.lead_update(lead=world.merged, by=acme.rep, title="Head of Sales")
    record = do_merge(acme, world)
    with tenancy.use_team(acme.team):
        survivor = Lead.objects.get(pk=world.survivor.pk)
        history = merging.lead_merge_history(lead=survivor)
        timeline = build_timeline(survivor, [], absorbed=history.absorbed, notes=history.entries)
    assert history.active == [record] and history.absorbed == {world.merged.pk: record.merged_name}
    assert any(e.kind == "note" and e.text == f"Merged {record.merged_name} into this lead" for e in timeline)
    theirs = [e for e in timeline if e.subject == record.merged_name]
    assert {e.kind for e in theirs} == {"created", "changed"}
    assert any(c.new == "Head of Sales" for e in theirs for c in e.changes)


def test_it_refuses_what_would_break_the_lead(acme):
    only_email = person(acme.team, email="x@initech.example")
    only_phone = person(acme.team, phone="+1 415 555 0199")
    with tenancy.use_team(acme.team), pytest.raises(MergeError):
        lead_merge(survivor=only_email, merged=only_phone, by=None, picks={"email": "merged", "phone": "survivor"})
    with tenancy.use_team(acme.team), pytest.raises(MergeError, match="Cannot merge field"):
        lead_merge(survivor=only_email, merged=only_phone, by=None, picks={"quality_score": "merged"})
    with tenancy.use_team(acme.team), pytest.raises(MergeError, match="two different leads"):
        lead_merge(survivor=only_email, merged=only_email, by=None)


# --- undoing -----------------------------------------------------------------------------------------


def test_undo_restores_the_database_exactly(acme, world):
    before = database(acme.team)
    record = do_merge(acme, world, email="merged", company_name="merged", title="merged")
    assert database(acme.team) != before
    result = undo(acme, record)
    assert database(acme.team) == before
    assert result.left_behind == 0 and result.moved_back == len(record.repointed)
    with tenancy.use_team(acme.team):
        assert LeadMerge.objects.get().undone_by == acme.manager
        assert OutboxEvent.objects.filter(type=events.LEAD_MERGE_UNDONE, entity_id=world.merged.pk).exists()


def test_undo_rebuilds_the_lead_from_its_audit_trail_and_checks_it(acme, world):
    record = do_merge(acme, world)
    tampered = record.merged_row | {"fields": record.merged_row["fields"] | {"email": "someone@else.example"}}
    with tenancy.use_team(acme.team):
        LeadMerge.objects.filter(pk=record.pk).update(merged_row=tampered)
        record.refresh_from_db()
    with pytest.raises(MergeError, match="disagree about email"):
        undo(acme, record)


def test_undo_refuses_when_the_survivor_was_merged_away_then_works_in_order(acme, world):
    before = database(acme.team)
    first = do_merge(acme, world)
    with tenancy.use_team(acme.team):
        second = lead_merge(survivor=world.other, merged=Lead.objects.get(pk=world.survivor.pk), by=acme.manager)
    with tenancy.use_team(acme.team):  # an old link to the first merged lead leads to where it lives on
        assert merging.merged_into(team=acme.team, lead_id=world.merged.pk) == world.other.pk
    with pytest.raises(MergeError, match="itself merged into Ana Silvia .* undo that merge first"):
        undo(acme, first)
    undo(acme, second)
    undo(acme, first)
    assert database(acme.team) == before


def test_undo_refuses_when_the_survivor_was_deleted(acme, world):
    record = do_merge(acme, world)
    with tenancy.use_team(acme.team):
        services.lead_delete(lead=Lead.objects.get(pk=world.survivor.pk), by=acme.manager)
    with pytest.raises(MergeError, match="has been deleted since"):
        undo(acme, record)


def test_undo_refuses_to_overwrite_a_later_edit_of_a_merged_field(acme, world):
    record = do_merge(acme, world, email="merged")
    with tenancy.use_team(acme.team):
        services.lead_update(lead=Lead.objects.get(pk=world.survivor.pk), by=acme.rep, email="ana@new.example")
    with pytest.raises(MergeError, match="Email of Ana Silva changed after the merge"):
        undo(acme, record)


def test_undo_keeps_a_later_edit_of_another_field(acme, world):
    record = do_merge(acme, world, email="merged")
    with tenancy.use_team(acme.team):
        services.lead_update(lead=Lead.objects.get(pk=world.survivor.pk), by=acme.rep, title="Director")
    undo(acme, record)
    with tenancy.use_team(acme.team):
        survivor = Lead.objects.get(pk=world.survivor.pk)
    assert (survivor.email, survivor.title, survivor.phone) == ("ana@initech.example", "Director", "")


def test_undo_leaves_rows_deleted_since_and_says_so(acme, world):
    record = do_merge(acme, world)
    with tenancy.use_team(acme.team):
        Activity.objects.filter(subject="Merged lead's call").first().delete()
    result = undo(acme, record)
    assert result.left_behind == 1
    with tenancy.use_team(acme.team):
        assert Activity.objects.filter(lead_id=world.merged.pk).count() == 1


def test_undo_happens_once(acme, world):
    record = do_merge(acme, world)
    undo(acme, record)
    with pytest.raises(MergeError, match="already undone"):
        undo(acme, record)
