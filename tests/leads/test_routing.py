"""leads.routing and leads.working_hours: pure decisions."""

from datetime import UTC, datetime, time

from leads.routing import Candidate, LeadFacts, RuleSpec, explain, pick, rotation, rule_matches
from leads.working_hours import Hours, add_working_minutes


def rep(uid, name, weight=1, open_leads=0, capacity=10, **kw):
    return Candidate(user_id=uid, name=name, weight=weight, open_leads=open_leads, capacity=capacity, **kw)


def test_a_rule_matches_when_every_condition_holds():
    emea = RuleSpec(id=1, name="EMEA", countries=("DE", "FR"), sources=("web",))
    assert rule_matches(emea, LeadFacts(country="de", source="web")) == ["country DE", "source web"]
    assert rule_matches(emea, LeadFacts(country="US", source="web")) is None
    assert rule_matches(emea, LeadFacts(country="DE", source="event")) is None
    sized = RuleSpec(id=2, name="Mid-market", min_employees=100, max_employees=999, industries=("Software",))
    assert rule_matches(sized, LeadFacts(industry="software", employees=250)) == ["industry software", "250 employees"]
    assert rule_matches(sized, LeadFacts(industry="software", employees=None)) is None
    assert rule_matches(RuleSpec(id=3, name="Catch-all"), LeadFacts()) == ["any lead"]


def test_the_rotation_interleaves_by_weight():
    ana, ben = rep(1, "Ana", weight=2), rep(2, "Ben", weight=1)
    assert [c.name for c in rotation([ana, ben])] == ["Ana", "Ben", "Ana"]


def test_pick_follows_the_slot_and_skips_who_cannot_take_a_lead():
    ana, ben, cy = rep(1, "Ana"), rep(2, "Ben", out_of_office=True), rep(3, "Cy", open_leads=10, capacity=10)
    chosen, skipped = pick([ana, ben, cy], slot=1)
    assert chosen.name == "Ana" and skipped == ["Ben out of office", "Cy at capacity (10/10)"]
    assert pick([ben, cy], slot=0)[0] is None


def test_pick_prefers_reps_in_working_hours_but_does_not_leave_a_lead_waiting_at_night():
    off, on = rep(1, "Off", working_now=False), rep(2, "On")
    assert pick([off, on], slot=0)[0].name == "On"
    chosen, skipped = pick([off], slot=0)
    assert chosen.name == "Off" and "nobody in working hours" in skipped


def test_the_reason_reads_like_a_sentence():
    text = explain(rep(1, "Ana", open_leads=12, capacity=40), RuleSpec(id=1, name="EMEA"), ["country DE"], [])
    assert text == "Assigned to Ana: rule EMEA (country DE), 12/40 open, next in rotation"


HOURS = Hours(time(9), time(18), "12345", "Europe/Berlin")


def test_working_minutes_within_a_day():
    start = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Berlin, a Tuesday
    assert add_working_minutes(start, 15, HOURS) == datetime(2026, 11, 24, 10, 15, tzinfo=UTC)


def test_working_minutes_carry_over_to_the_next_working_morning():
    friday_evening = datetime(2026, 11, 27, 16, 55, tzinfo=UTC)  # 17:55 Berlin, Friday
    assert add_working_minutes(friday_evening, 15, HOURS) == datetime(2026, 11, 30, 8, 10, tzinfo=UTC)  # Mon 9:10


def test_a_lead_at_night_starts_its_clock_in_the_morning():
    night = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert add_working_minutes(night, 15, HOURS) == datetime(2026, 11, 25, 8, 15, tzinfo=UTC)
    assert HOURS.is_working(datetime(2026, 11, 25, 8, 15, tzinfo=UTC))
    assert not HOURS.is_working(night)
