"""parse() of each adapter on recorded vendor responses: hits, misses, errors."""

import json
from pathlib import Path

import pytest

from enrichment.providers import apollo, linkedin, local, zerobounce, zoominfo
from enrichment.providers.base import (
    AuthFailed,
    BadRequest,
    HttpResponse,
    Malformed,
    OutOfCredits,
    RateLimited,
    Transient,
)

SAMPLES = Path(__file__).parent / "samples"


def recorded(name: str, status: int = 200, **headers) -> HttpResponse:
    return HttpResponse(status=status, body=(SAMPLES / name).read_text(), headers=headers)


def response(status: int, body="", **headers) -> HttpResponse:
    return HttpResponse(status=status, body=body if isinstance(body, str) else json.dumps(body), headers=headers)


def values(match):
    return {(o.entity, o.field): o.value for o in match.observations}


def test_zoominfo_contacts_hit_and_miss():
    hit, miss = zoominfo.parse_contacts(recorded("zoominfo_contact.json"))
    assert (hit.key, hit.found, hit.billed) == ("jane.doe@acme.example", True, True)
    assert values(hit)[("lead", "title")] == "VP of Sales"
    assert values(hit)[("lead", "phone")] == "+1 512 555 0199"  # the direct dial wins
    assert values(hit)[("lead", "phone_type")] == "direct"
    assert hit.observations[0].confidence == 0.93
    assert (miss.key, miss.found, miss.billed, miss.detail) == ("john.roe@acme.example", False, False, "NO_MATCH")


def test_zoominfo_companies_report_revenue_in_thousands():
    hit, miss = zoominfo.parse_companies(recorded("zoominfo_company.json"))
    assert values(hit) == {
        ("company", "name"): "Acme", ("company", "employees"): 250, ("company", "annual_revenue"): 40_000_000,
        ("company", "industry"): "Software", ("company", "tech_stack"): ["Salesforce", "AWS"],
        ("company", "hq_city"): "Austin", ("company", "hq_country"): "US",
    }
    assert not miss.found


@pytest.mark.parametrize(("status", "body", "error"), [
    (401, "Authentication failed", AuthFailed),
    (403, "You have used up all of your allowed record limit", OutOfCredits),
    (429, "You have exceeded your API query rate limit", RateLimited),
    (500, "unexpected error", Transient),
    (400, "Missing outputFields parameter", BadRequest),
    (200, '{"data": {"result": [{"input": ', Malformed),
])
def test_zoominfo_errors(status, body, error):
    with pytest.raises(error):
        zoominfo.parse_companies(response(status, body))


def test_apollo_match_and_bulk():
    hit = apollo.parse_match(recorded("apollo_match.json"), "Jane.Doe@acme.example")
    assert hit.found and hit.key == "jane.doe@acme.example"
    assert values(hit)[("lead", "seniority")] == "vp"
    assert values(hit)[("company", "domain")] == "acme.example"
    assert values(hit)[("company", "industry")] == "Computer Software"
    assert hit.observations[0].confidence == 0.85  # a verified email
    first, second = apollo.parse_bulk_match(recorded("apollo_bulk.json"), ["a@x.example", "b@x.example"])
    assert first.found and not second.found and not second.billed


def test_apollo_miss_is_not_an_error():
    assert not apollo.parse_match(response(200, {"person": None}), "x@y.example").found
    assert not apollo.parse_match(response(200, {}), "x@y.example").found


def test_apollo_errors():
    with pytest.raises(RateLimited) as limited:
        apollo.parse_match(response(429, {"message": "The maximum number of api calls"}, **{"retry-after": "7"}), "x")
    assert limited.value.retry_after == 7
    with pytest.raises(AuthFailed):
        apollo.parse_match(response(403, {"error_code": "API_INACCESSIBLE"}), "x")
    with pytest.raises(OutOfCredits):
        apollo.parse_match(response(422, {"error": "Insufficient credits"}), "x")
    with pytest.raises(Malformed):
        apollo.parse_bulk_match(response(200, {"matches": [None]}), ["a", "b"])


def test_profile_source_hit_miss_and_bulk():
    hit = linkedin.parse_person(recorded("pdl_person.json"), "jane.doe@acme.example")
    assert values(hit)[("lead", "linkedin_url")] == "linkedin.com/in/janedoe"
    assert values(hit)[("lead", "decision_maker")] is True
    assert values(hit)[("lead", "reports_to")] == "Sam Boss"
    assert values(hit)[("lead", "country")] == "US"
    assert hit.observations[0].confidence == 0.8  # likelihood 8 of 10
    assert not linkedin.parse_person(recorded("pdl_not_found.json", status=404), "x@y.example").found
    found, missing = linkedin.parse_people(recorded("pdl_bulk.json"), ["jane.doe@acme.example", "j.roe@acme.example"])
    assert found.found and not missing.found


def test_profile_source_errors():
    with pytest.raises(OutOfCredits):
        linkedin.parse_person(response(402, {"error": {"type": "payment_required"}}), "x")
    with pytest.raises(RateLimited) as limited:
        linkedin.parse_person(response(429, {"error": {}}, **{"x-ratelimit-reset": "3"}), "x")
    assert limited.value.retry_after == 3
    with pytest.raises(Transient):
        linkedin.parse_person(response(503, {"error": {"type": "api_error"}}), "x")


def test_zerobounce_verdicts():
    valid = zerobounce.parse_validate(recorded("zerobounce_valid.json"))
    assert values(valid)[("lead", "email_status")] == "valid" and valid.billed
    typo = zerobounce.parse_validate(recorded("zerobounce_typo.json"))
    assert values(typo)[("lead", "email_did_you_mean")] == "jane@gmail.com"
    unknown = zerobounce.parse_validate(recorded("zerobounce_unknown.json"))
    assert not unknown.found and not unknown.billed  # unknown is never charged
    catch_all, free = zerobounce.parse_batch(recorded("zerobounce_batch.json"), ["a@acme.example", "b@gmail.com"])
    assert values(catch_all)[("lead", "email_status")] == "catch-all"
    assert values(free)[("lead", "email_free")] is True


def test_zerobounce_errors_and_credits():
    with pytest.raises(OutOfCredits):
        zerobounce.parse_validate(response(200, {"error": "Invalid API key or your account ran out of credits"}))
    with pytest.raises(Malformed):
        zerobounce.parse_validate(response(200, {"address": "x@y.example", "status": "maybe"}))
    with pytest.raises(Transient):
        zerobounce.parse_validate(response(403, "API Shield"))
    assert zerobounce.parse_credits(response(200, {"Credits": 2375323})) == 2375323
    with pytest.raises(AuthFailed):
        zerobounce.parse_credits(response(200, {"Credits": "-1"}))


def test_offline_checks():
    facts = {(o.field, o.value) for o in local.email_facts("Jane@Mail.Acme.co.uk")}
    assert ("email_syntax", "valid") in facts and ("domain", "acme.co.uk") in facts
    assert ("email_disposable", True) in {(o.field, o.value) for o in local.email_facts("x@mailinator.com")}
    assert ("email_free", True) in {(o.field, o.value) for o in local.email_facts("x@gmail.com")}
    assert not any(o.field == "domain" for o in local.email_facts("x@gmail.com"))
    assert local.registrable_domain("sales.eu.initech.example") == "initech.example"  # a suffix the list lacks
    assert local.registrable_domain("10.0.0.1") == ""
    assert local.email_facts("not an email")[0].value.startswith("invalid")
    phone = {o.field: o.value for o in local.phone_facts("020 7946 0958", "GB")}
    assert phone["phone_e164"] == "+442079460958" and phone["phone_type"] == "landline"
    assert {o.field: o.value for o in local.phone_facts("12", "US")} == {"phone_valid": False}
