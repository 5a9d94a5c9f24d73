"""The gateway against the simulator: cache, retries and Retry-After, credits, caps, the breaker."""

import time

from enrichment.gateway import Gateway
from enrichment.models import EnrichmentCall, VendorSettings
from enrichment.orchestrator import session
from enrichment.providers import apollo, zerobounce
from enrichment.providers.base import Match
from primesync import tenancy
from tests.conftest import make_team


def apollo_call(gateway, emails):
    conf = {"base_url": f"{gateway_url()}/apollo/api/v1", "api_key": "k"}
    outcome = gateway.call(
        "apollo", "bulk_match", emails,
        fetch=lambda k: apollo.fetch_bulk_match(session("apollo"), conf["base_url"], conf["api_key"], k),
        parse=apollo.parse_bulk_match, ttl_days=30,
    )
    gateway.flush()
    return outcome


def gateway_url():
    from django.conf import settings

    return f"http://127.0.0.1:{settings.PROVIDER_SIM_PORT}"


def calls(team):
    with tenancy.use_team(team):
        return list(EnrichmentCall.objects.order_by("id").values_list("vendor", "outcome", "billed", "attempts"))


def test_a_cached_answer_costs_no_call(committed, simulator):
    acme = make_team("acme")
    first = apollo_call(Gateway(acme.team.pk), ["jane@acme.example", "joe@acme.example"])
    again = apollo_call(Gateway(acme.team.pk), ["jane@acme.example", "joe@acme.example"])
    assert first.matches["jane@acme.example"].found and again.matches["jane@acme.example"].found
    assert simulator.stats()["apollo"]["requests"] == 1
    assert calls(acme.team) == [("apollo", "ok", 2, 1)]


def test_retry_after_is_honoured_and_the_retry_succeeds(committed, simulator):
    acme = make_team("acme")
    simulator.configure(apollo={"fail_next": 1, "fail_with": "rate_limited", "retry_after_s": 1})
    started = time.monotonic()
    outcome = apollo_call(Gateway(acme.team.pk), ["jane@acme.example"])
    assert time.monotonic() - started >= 1.0
    assert outcome.matches["jane@acme.example"].found and not outcome.error
    assert calls(acme.team) == [("apollo", "ok", 1, 2)]


def test_server_errors_and_malformed_bodies_are_retried(committed, simulator):
    acme = make_team("acme")
    simulator.configure(apollo={"fail_next": 2, "fail_with": "malformed"})
    outcome = apollo_call(Gateway(acme.team.pk), ["jane@acme.example"])
    assert outcome.matches["jane@acme.example"].found
    assert calls(acme.team)[0][3] == 3  # two malformed answers, then a good one


def test_failure_after_the_retries_is_recorded_with_the_reason(committed, simulator):
    acme = make_team("acme")
    simulator.configure(apollo={"error_rate": 1.0})
    outcome = apollo_call(Gateway(acme.team.pk), ["jane@acme.example"])
    assert outcome.matches == {} and "server error" in outcome.error
    assert calls(acme.team)[0][:3] == ("apollo", "error", 0)


def test_out_of_credits_is_not_retried(committed, simulator):
    acme = make_team("acme")
    simulator.configure(apollo={"out_of_credits": True})
    outcome = apollo_call(Gateway(acme.team.pk), ["jane@acme.example"])
    assert "out of credits" in outcome.error
    assert simulator.stats()["apollo"]["requests"] == 1


def test_the_monthly_cap_stops_calls_and_says_so(committed, simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        VendorSettings.objects.create(team=acme.team, vendor="apollo", monthly_cap=2)
    apollo_call(Gateway(acme.team.pk), ["a@acme.example", "b@acme.example"])
    capped = apollo_call(Gateway(acme.team.pk), ["c@acme.example"])
    assert capped.error == "apollo: monthly credit cap reached" and capped.matches == {}
    assert simulator.stats()["apollo"]["requests"] == 1


def test_a_batch_larger_than_the_credits_left_sends_only_what_fits(committed, simulator):
    acme = make_team("acme")
    with tenancy.use_team(acme.team):
        VendorSettings.objects.create(team=acme.team, vendor="apollo", monthly_cap=3)
    outcome = apollo_call(Gateway(acme.team.pk), [f"p{i}@acme.example" for i in range(5)])
    assert sorted(outcome.matches) == ["p0@acme.example", "p1@acme.example", "p2@acme.example"]
    assert outcome.error == "apollo: monthly credit cap reached" and simulator.stats()["apollo"]["billed"] == 3


def test_an_open_circuit_refuses_calls(committed, simulator):
    acme = make_team("acme")
    simulator.configure(zerobounce={"error_rate": 1.0})
    conf = {"base_url": f"{gateway_url()}/zerobounce/v2", "api_key": "k"}
    gateway = Gateway(acme.team.pk)

    def verify(email):
        return gateway.call("zerobounce", "validate", [email],
                            fetch=lambda k: zerobounce.fetch_validate(session("zerobounce"), conf["base_url"],
                                                                      conf["api_key"], k[0]),
                            parse=lambda r, k: [zerobounce.parse_validate(r)], ttl_days=14)

    outcomes = [verify(f"x{i}@acme.example") for i in range(3)]
    assert "circuit open" in outcomes[-1].error
    requests_made = simulator.stats()["zerobounce"]["requests"]
    assert requests_made < 3 * 4  # the third lead did not get its retries: the circuit opened on the way


def test_a_billed_request_is_never_counted_twice(committed, simulator):
    acme = make_team("acme")
    gateway = Gateway(acme.team.pk)
    for _ in range(2):  # as if a task ran twice after a crash, with its cache lost
        gateway._record("apollo", "bulk_match", ["x@acme.example"], outcome="ok", attempts=1, billed=1, status=200,
                        latency=0.1)
        gateway.flush()
    assert calls(acme.team) == [("apollo", "ok", 1, 1)]


def test_a_cached_answer_still_points_at_the_response_it_came_in(committed, simulator):
    acme = make_team("acme")
    first = apollo_call(Gateway(acme.team.pk), ["jane@acme.example"])
    again = apollo_call(Gateway(acme.team.pk), ["jane@acme.example"])
    match = again.matches["jane@acme.example"]
    assert match.cached and match.call_id == first.call.pk is not None
    assert isinstance(Match(key="x", found=False), Match)


def test_two_workers_asking_for_the_same_key_at_once_pay_once(committed, simulator):
    import threading

    from django.db import connection

    acme = make_team("acme")
    simulator.configure(apollo={"latency_ms": 300})
    outcomes = []

    def worker():
        try:
            outcomes.append(apollo_call(Gateway(acme.team.pk), ["jane@acme.example", "joe@acme.example"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(o.matches["jane@acme.example"].found and not o.error for o in outcomes) and len(outcomes) == 3
    assert simulator.stats()["apollo"]["requests"] == 1 and calls(acme.team) == [("apollo", "ok", 2, 1)]
