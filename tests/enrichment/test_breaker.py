"""The circuit breaker, shared through Redis."""

import time

import pytest

from enrichment.breaker import CLOSED, HALF_OPEN, OPEN, Breaker


@pytest.fixture
def breaker(db):
    b = Breaker("testvendor")
    b.reset()
    yield b
    b.reset()


def test_five_failures_in_a_row_open_it(breaker):
    for _ in range(4):
        breaker.record(ok=False)
    assert breaker.state() == CLOSED and breaker.allow()
    breaker.record(ok=False)
    assert breaker.state() == OPEN and not breaker.allow()


def test_a_success_resets_the_run(breaker):
    for _ in range(4):
        breaker.record(ok=False)
    breaker.record(ok=True)
    breaker.record(ok=False)
    assert breaker.state() == CLOSED


def test_more_than_half_of_the_last_twenty_opens_it(breaker):
    for i in range(20):
        breaker.record(ok=i % 2 == 0 and i < 18)  # 11 failures of 20, never 5 in a row
    assert breaker.state() == OPEN


def test_half_open_lets_one_caller_try_and_its_result_decides(breaker):
    for _ in range(5):
        breaker.record(ok=False)
    breaker.redis.hset(breaker.key, "opened_at", time.time() - 61)
    assert breaker.state() == HALF_OPEN
    assert breaker.allow() and not breaker.allow()  # one trial at a time
    breaker.record(ok=False)
    assert breaker.state() == OPEN
    breaker.redis.hset(breaker.key, "opened_at", time.time() - 61)
    assert breaker.allow()
    breaker.record(ok=True)
    assert breaker.state() == CLOSED and breaker.allow()


def test_it_is_shared_by_every_process(breaker):
    for _ in range(5):
        breaker.record(ok=False)
    assert Breaker("testvendor").state() == OPEN  # another instance, as in another worker
