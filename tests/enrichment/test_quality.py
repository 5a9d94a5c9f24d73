"""The score's factors, their partial credit and reasons, and when enrichment could still raise it."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from enrichment.quality import QualityFacts, improvable, score

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
ANSWERED = {"local": "ok", "zerobounce": "ok", "apollo": "ok", "zoominfo": "ok", "zoominfo_company": "ok",
            "linkedin": "ok"}
PERFECT = QualityFacts(
    email="dana@initech.example", phone="+1 512 555 0100", company_name="Initech", company_linked=True,
    company_firmographics=True, email_status="valid", email_free=False, email_disposable=False,
    phone_e164="+15125550100", phone_type="mobile", linkedin_url="linkedin.com/in/dana", linkedin_confidence=0.9,
    last_updated=NOW - timedelta(days=3), enrichment_detail=ANSWERED,
)


def points(facts, factor):
    return score(facts, now=NOW)[1][factor]


def test_a_complete_verified_fresh_lead_scores_100_and_loses_nothing():
    total, factors = score(PERFECT, now=NOW)
    assert total == 100
    assert {name: f["points"] for name, f in factors.items()} == {
        "email": 30, "phone": 15, "company": 20, "linkedin": 15, "freshness": 20}
    assert all(f["reason"] == "" and f["lost"] == 0 for f in factors.values())


@pytest.mark.parametrize(("changes", "expected", "reason"), [
    ({"email_status": "catch-all"}, 15, "email is catch-all: the domain accepts any address"),
    ({"email_status": "unknown"}, 10, "the mail server would not say whether the address exists"),
    ({"email_free": True}, 25, "free-mail address, not a work address"),
    ({"email_status": "invalid", "email_sub_status": "mailbox_not_found"}, 0, "email is invalid, mailbox not found"),
    ({"email_status": "do_not_mail", "email_sub_status": "role_based"}, 0, "email is do not mail, role based"),
    ({"email_status": "spamtrap"}, 0, "email is spamtrap"),
    ({"email_disposable": True}, 0, "disposable address"),
    ({"email_status": ""}, 0, "email not verified yet"),
    ({"email": ""}, 0, "no email"),
    ({"email_status": "invalid", "email_sub_status": "possible_typo", "email_did_you_mean": "jane@gmail.com"}, 0,
     "email is invalid, possible typo (did you mean jane@gmail.com?)"),
])
def test_email_partial_credit_and_the_reason_it_gives(changes, expected, reason):
    factor = points(replace(PERFECT, **changes), "email")
    assert (factor["points"], factor["reason"], factor["lost"]) == (expected, reason, 30 - expected)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"phone_type": "landline_or_mobile"}, 15),
    ({"phone_type": "landline"}, 10),
    ({"phone_type": "toll_free"}, 8),
    ({"phone_type": "voip"}, 8),
    ({"phone_e164": ""}, 5),
    ({"phone": ""}, 0),
])
def test_a_phone_that_is_not_a_direct_dial_earns_part_of_the_15(changes, expected):
    factor = points(replace(PERFECT, **changes), "phone")
    assert factor["points"] == expected
    assert bool(factor["reason"]) == (expected < 15)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"company_firmographics": False}, 10),
    ({"company_linked": False, "company_firmographics": False}, 5),
    ({"company_linked": False, "company_firmographics": False, "company_name": ""}, 0),
])
def test_company_credit_needs_a_known_company_with_firmographics(changes, expected):
    assert points(replace(PERFECT, **changes), "company")["points"] == expected


def test_a_weak_linkedin_match_earns_half_and_says_how_likely():
    factor = points(replace(PERFECT, linkedin_confidence=0.5), "linkedin")
    assert (factor["points"], factor["reason"]) == (8, "weak LinkedIn match (50% likely)")
    assert points(replace(PERFECT, linkedin_url=""), "linkedin")["points"] == 0


@pytest.mark.parametrize(("age_days", "expected"), [(0, 20), (90, 20), (91, 10), (180, 10), (181, 0)])
def test_freshness_steps_down_after_90_and_180_days(age_days, expected):
    assert points(replace(PERFECT, last_updated=NOW - timedelta(days=age_days)), "freshness")["points"] == expected


def test_a_lead_never_enriched_could_be_improved():
    facts = replace(PERFECT, email_status="", linkedin_url="", enrichment_detail=None)
    assert improvable(facts, score(facts, now=NOW)[1])


def test_a_source_that_failed_for_a_factor_that_is_not_full_could_improve_it():
    facts = replace(PERFECT, linkedin_url="", enrichment_detail={**ANSWERED, "linkedin": "error: linkedin: 502"})
    assert improvable(facts, score(facts, now=NOW)[1])


def test_sources_that_answered_no_match_will_not_change_their_minds():
    facts = replace(PERFECT, linkedin_url="", company_linked=False, company_firmographics=False,
                    enrichment_detail={**ANSWERED, "linkedin": "no match", "zoominfo_company": "no match"})
    assert not improvable(facts, score(facts, now=NOW)[1])


def test_a_failed_source_for_a_full_factor_is_no_reason_to_ask_again():
    facts = replace(PERFECT, last_updated=NOW - timedelta(days=400), enrichment_detail={**ANSWERED, "zerobounce": "error: 500"})
    assert not improvable(facts, score(facts, now=NOW)[1])  # only freshness is short, and no vendor fixes age
