"""Merging observations: confidence, age, ties, a person's choices."""

from datetime import UTC, datetime, timedelta

from enrichment.merge import Seen, choose, decayed, latest_answers, may_write

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def seen(value, source, confidence, days_ago=0, field="title"):
    return Seen("lead", field, value, source, confidence, NOW - timedelta(days=days_ago))


def test_the_most_confident_value_wins():
    chosen = choose([seen("CTO", "apollo", 0.6), seen("Chief Technology Officer", "zoominfo", 0.9)], now=NOW,
                    half_life_days=180)
    assert chosen[("lead", "title")].value == "Chief Technology Officer"


def test_confidence_fades_with_age():
    assert decayed(0.8, NOW - timedelta(days=180), NOW, 180) == 0.4
    chosen = choose([seen("Old title", "zoominfo", 0.9, days_ago=365), seen("New title", "apollo", 0.6)], now=NOW,
                    half_life_days=180)
    assert chosen[("lead", "title")].value == "New title"


def test_ties_go_to_the_newer_then_the_more_specific_source():
    assert choose([seen("A", "apollo", 0.7, days_ago=2), seen("B", "zoominfo", 0.7, days_ago=2 - 1)], now=NOW,
                  half_life_days=10_000)[("lead", "title")].value == "B"
    same_time = [seen("A", "zoominfo", 0.7), seen("B", "linkedin", 0.7)]
    assert choose(same_time, now=NOW, half_life_days=180)[("lead", "title")].value == "B"


def test_a_persons_choice_never_fades_and_empty_values_never_win():
    chosen = choose([seen("Their pick", "person", 1.0, days_ago=2000), seen("Vendor", "zoominfo", 0.99),
                     seen("", "apollo", 1.0)], now=NOW, half_life_days=180)
    assert chosen[("lead", "title")].value == "Their pick"


def test_a_value_a_person_typed_is_never_overwritten():
    assert may_write("", None)
    assert may_write("VP Sales", "VP Sales")  # still what enrichment wrote
    assert not may_write("Head of Revenue", "VP Sales")  # someone changed it
    assert not may_write("Typed by hand", None)


def test_a_sources_latest_answer_replaces_its_earlier_ones_but_a_persons_choices_stay():
    old, new = NOW - timedelta(days=2), NOW
    observations = [
        Seen("lead", "email_did_you_mean", "jane@gmail.com", "zerobounce", 0.95, old),
        Seen("lead", "email_status", "invalid", "zerobounce", 0.95, old),
        Seen("lead", "email_status", "valid", "zerobounce", 0.95, new),
        Seen("company", "industry", "Retail", "zoominfo", 0.8, old),  # another entity: its own answer
        Seen("lead", "title", "CTO", "person", 1.0, old),
    ]
    kept = latest_answers(observations)
    assert sorted((s.field, s.value) for s in kept) == [("email_status", "valid"), ("industry", "Retail"),
                                                         ("title", "CTO")]
