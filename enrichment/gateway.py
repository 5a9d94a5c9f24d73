"""Calling a vendor safely: cache, circuit breaker, monthly cap, retries, credits, a record of each call.

``Gateway.call()`` takes the keys to look up (emails or domains), a fetch function and a parse
function from a provider module, and returns a ``Match`` per key or the reason there is none:

1. the response cache (Redis, TTL per kind: company 90 days, person 30, verification 14) answers
   what it can: no call, no credit;
2. an open circuit or a spent monthly cap refuses the call, with the reason (credits are reserved
   atomically in Redis before a call, so workers running at once cannot overspend);
3. the call is retried with exponential backoff and full jitter, honouring Retry-After, on 429,
   5xx, timeouts and malformed bodies only; out of credits, auth and 4xx are not retried;
4. the answer is cached at once and the call recorded (``EnrichmentCall``, with the raw body) when
   the batch's calls are done, in a transaction of its own: a task that fails later and runs again
   finds the answers in the cache and does not pay twice (a unique index on billed calls stops a
   double count as well); a key another worker is already asking for waits for that answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay
from tenacity.wait import wait_random_exponential

from enrichment.breaker import Breaker, _client
from enrichment.models import EnrichmentCall, VendorSettings
from enrichment.providers.base import HttpResponse, Match, Observed, ProviderError, RateLimited
from primesync import tenancy

log = logging.getLogger("enrichment.gateway")
PAID_VENDORS = ("zoominfo", "apollo", "linkedin", "zerobounce")
MISS_TTL = 24 * 3600  # a miss is free but asking again tomorrow may find something


@dataclass
class Outcome:
    matches: dict[str, Match]
    error: str = ""  # why some keys have no answer (the lead is then "partial")
    call: EnrichmentCall | None = None  # its id is known after the gateway's flush()
    billed: int = 0


class _RetryAfterOrJitter:
    """Retry-After when the vendor gives one (capped), else exponential backoff with full jitter."""

    def __init__(self, cap: float):
        self.cap = cap
        self.jitter = wait_random_exponential(multiplier=0.5, max=min(8.0, cap))

    def __call__(self, retry_state) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return min(exc.retry_after, self.cap)
        return self.jitter(retry_state)


def request_key(vendor: str, operation: str, keys: list[str]) -> str:
    canonical = json.dumps([vendor, operation, sorted(keys), date.today().isoformat()[:7]])
    return hashlib.sha256(canonical.encode()).hexdigest()


def _cache_key(vendor: str, operation: str, key: str) -> str:
    return f"{settings.REDIS_KEY_PREFIX}:enrich:{vendor}:{operation}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def _dump(match: Match, call_id: int | None = None) -> str:
    return json.dumps({"key": match.key, "found": match.found, "detail": match.detail, "call": call_id,
                       "observations": [asdict(o) for o in match.observations]})


def _load(raw: bytes) -> Match:
    data = json.loads(raw)
    return Match(key=data["key"], found=data["found"], detail=data.get("detail", ""), billed=False, cached=True,
                 call_id=data.get("call"), observations=[Observed(**o) for o in data["observations"]])


class Gateway:
    """One team's calls for one batch. Vendor calls may run in threads: they touch only HTTP and Redis.

    The database is read once up front (caps, credits used) and written once at the end: ``flush()``
    records every call in one transaction of its own (use the gateway as a context manager).
    """

    def __init__(self, team_id: int):
        self.team_id = team_id
        self.redis = _client()
        self._pending: list[EnrichmentCall] = []
        self._cached: dict[int, list] = {}  # id(call) -> its cache entries, to point at the call once written
        self._lock = threading.Lock()
        with tenancy.use_team(team_id):
            caps = dict(VendorSettings.objects.filter(team_id=team_id).values_list("vendor", "monthly_cap"))
        self._caps = {vendor: caps.get(vendor, settings.ENRICHMENT_MONTHLY_CAP) for vendor in PAID_VENDORS}
        self._seed_credits()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc) -> None:
        self.flush()

    def _seed_credits(self) -> None:
        """Credit counters missing from Redis are seeded from the recorded calls (one query for all vendors)."""
        keys = [self._credits_key(v) for v in PAID_VENDORS]
        missing = [v for v, present in zip(PAID_VENDORS, self.redis.mget(keys), strict=True) if present is None]
        if not missing:
            return
        today = date.today()
        with tenancy.use_team(self.team_id):
            used = dict(EnrichmentCall.objects.filter(
                team_id=self.team_id, vendor__in=missing, created_at__year=today.year, created_at__month=today.month,
            ).values_list("vendor").annotate(n=Sum("billed")).order_by())
        pipe = self.redis.pipeline()
        for vendor in missing:
            # re-seeded hourly, so a reservation left by a crashed worker fades
            pipe.set(self._credits_key(vendor), used.get(vendor) or 0, nx=True, ex=3600)
        pipe.execute()

    def billed_this_month(self, vendor: str) -> int:
        today = date.today()
        with tenancy.use_team(self.team_id):
            return EnrichmentCall.objects.filter(
                team_id=self.team_id, vendor=vendor, created_at__year=today.year, created_at__month=today.month
            ).aggregate(n=Sum("billed"))["n"] or 0

    def monthly_cap(self, vendor: str) -> int:
        return self._caps[vendor]

    def call(
        self,
        vendor: str,
        operation: str,
        keys: list[str],
        *,
        fetch: Callable[[list[str]], HttpResponse],
        parse: Callable[[HttpResponse, list[str]], list[Match]],
        ttl_days: int,
        cache_as: str = "",
    ) -> Outcome:
        """``cache_as`` names what is cached (a single and a bulk lookup of a person share their answers)."""
        keys = list(dict.fromkeys(k for k in keys if k))
        if not keys:
            return Outcome(matches={})
        cache_as = cache_as or operation
        cached = self.redis.mget([_cache_key(vendor, cache_as, k) for k in keys])
        matches = {k: _load(raw) for k, raw in zip(keys, cached, strict=True) if raw}
        todo = [k for k in keys if k not in matches]
        if not todo:
            return Outcome(matches=matches)
        todo, busy = self._claim(vendor, cache_as, todo, matches)
        try:
            outcome = self._call_claimed(vendor, operation, todo, fetch=fetch, parse=parse, ttl_days=ttl_days,
                                         cache_as=cache_as, matches=matches)
        finally:
            self._release(vendor, cache_as, todo)
        if busy and not outcome.error:
            outcome.error = f"{vendor}: the same lookup by another worker did not finish"
        return outcome

    # --- single flight: one worker asks the vendor for a key, the others wait for its answer -------------

    def _inflight_key(self, vendor: str, cache_as: str, key: str) -> str:
        return _cache_key(vendor, cache_as, key) + ":inflight"

    def _claim(self, vendor, cache_as, keys, matches) -> tuple[list[str], list[str]]:
        """Keys this worker may ask for, and those still busy elsewhere after waiting for their answer."""
        ttl = int(settings.ENRICHMENT_INFLIGHT_WAIT) + 5
        pipe = self.redis.pipeline()
        for key in keys:
            pipe.set(self._inflight_key(vendor, cache_as, key), "1", nx=True, ex=ttl)
        claimed = [k for k, ok in zip(keys, pipe.execute(), strict=True) if ok]
        waiting = [k for k in keys if k not in set(claimed)]
        deadline = time.monotonic() + settings.ENRICHMENT_INFLIGHT_WAIT
        while waiting and time.monotonic() < deadline:
            time.sleep(0.05)
            answers = self.redis.mget([_cache_key(vendor, cache_as, k) for k in waiting])
            pipe = self.redis.pipeline()
            for key, raw in zip(waiting, answers, strict=True):
                if raw:
                    matches[key] = _load(raw)
                else:  # not answered: is the other worker still at it? if it gave up, the key is ours
                    pipe.set(self._inflight_key(vendor, cache_as, key), "1", nx=True, ex=ttl)
            unanswered = [k for k, raw in zip(waiting, answers, strict=True) if not raw]
            taken = [k for k, ok in zip(unanswered, pipe.execute(), strict=True) if ok]
            claimed += taken
            waiting = [k for k in unanswered if k not in set(taken)]
        return claimed, waiting

    def _release(self, vendor, cache_as, keys) -> None:
        if keys:
            self.redis.delete(*[self._inflight_key(vendor, cache_as, k) for k in keys])

    def _call_claimed(self, vendor, operation, todo, *, fetch, parse, ttl_days, cache_as, matches) -> Outcome:
        if not todo:
            return Outcome(matches=matches)
        breaker = Breaker(vendor, self.redis)
        if not breaker.allow():
            return Outcome(matches=matches, error=f"{vendor}: circuit open after repeated failures")
        allowed = self._reserve_credits(vendor, len(todo))
        if not allowed:
            return Outcome(matches=matches, error=f"{vendor}: monthly credit cap reached")
        todo, over_cap = todo[:allowed], todo[allowed:]
        billed = 0
        try:
            outcome = self._fetch(vendor, operation, todo, fetch=fetch, parse=parse, ttl_days=ttl_days,
                                  cache_as=cache_as, breaker=breaker, matches=matches)
            billed = outcome.billed
        finally:
            self._settle_credits(vendor, reserved=allowed, billed=billed)
        if over_cap and not outcome.error:
            outcome.error = f"{vendor}: monthly credit cap reached"
        return outcome

    def _fetch(self, vendor, operation, todo, *, fetch, parse, ttl_days, cache_as, breaker, matches) -> Outcome:
        started = time.perf_counter()
        attempts = 0
        response: HttpResponse | None = None
        try:
            for attempt in Retrying(
                stop=(stop_after_attempt(settings.ENRICHMENT_MAX_ATTEMPTS)
                      | stop_after_delay(settings.ENRICHMENT_MAX_WAIT)),
                wait=_RetryAfterOrJitter(cap=settings.ENRICHMENT_MAX_WAIT),
                retry=retry_if_exception(lambda e: isinstance(e, ProviderError) and e.retryable),
                reraise=True,
            ):
                with attempt:
                    attempts += 1
                    try:
                        response = fetch(todo)
                        found = parse(response, todo)
                    except ProviderError:
                        breaker.record(ok=False)
                        raise
                    breaker.record(ok=True)
        except (ProviderError, RetryError) as exc:
            self._record(vendor, operation, todo, outcome="error", attempts=attempts, billed=0,
                         status=getattr(exc, "status", None) or (response.status if response else None),
                         latency=time.perf_counter() - started, error=str(exc), body=response.body if response else "")
            reason = str(exc) if str(exc).startswith(vendor) else f"{vendor}: {exc}"
            return Outcome(matches=matches, error=f"{reason} (after {attempts} attempt{'s' * (attempts > 1)})")

        billed = sum(1 for m in found if m.billed)
        call = self._record(vendor, operation, todo, outcome="ok" if billed else "miss", attempts=attempts,
                               billed=billed, status=response.status, latency=time.perf_counter() - started,
                               body=response.body)
        pipe = self.redis.pipeline()
        cached = []
        for match in found:
            entry = (_cache_key(vendor, cache_as, match.key), match, ttl_days * 86400 if match.found else MISS_TTL)
            pipe.set(entry[0], _dump(match), ex=entry[2])
            cached.append(entry)
            matches[match.key] = match
        pipe.execute()
        with self._lock:
            self._cached[id(call)] = cached
        return Outcome(matches=matches, call=call, billed=billed)

    # --- credits: reserved in Redis before a call, so concurrent workers cannot overspend the cap ---------

    def _credits_key(self, vendor: str) -> str:
        return f"{settings.REDIS_KEY_PREFIX}:enrich:credits:{self.team_id}:{vendor}:{date.today():%Y-%m}"

    def _reserve_credits(self, vendor: str, wanted: int) -> int:
        """How many of ``wanted`` lookups may be sent (each may cost a credit) without passing the cap."""
        key = self._credits_key(vendor)
        if not self.redis.exists(key):  # expired since this gateway began
            self._seed_credits()
        cap = self.monthly_cap(vendor)
        used = self.redis.incrby(key, wanted)
        allowed = max(0, min(wanted, cap - (used - wanted)))
        if allowed < wanted:
            self.redis.decrby(key, wanted - allowed)
        return allowed

    def _settle_credits(self, vendor: str, *, reserved: int, billed: int) -> None:
        if reserved > billed:
            self.redis.decrby(self._credits_key(vendor), reserved - billed)

    def _record(self, vendor, operation, keys, *, outcome, attempts, billed, status, latency, error="",
                body="") -> EnrichmentCall:
        """The call as a row to write at ``flush()``."""
        call = EnrichmentCall(
            team_id=self.team_id, vendor=vendor, operation=operation,
            request_key=request_key(vendor, operation, keys), outcome=outcome, http_status=status,
            attempts=attempts, billed=billed, latency_ms=int(latency * 1000), error=error[:300], response=body[:20000],
        )
        with self._lock:
            self._pending.append(call)
        return call

    def flush(self) -> None:
        """Write the calls made so far, in a transaction of their own: their cost is kept whatever follows."""
        with self._lock:
            calls, self._pending = self._pending, []
            cached, self._cached = self._cached, {}
        if not calls:
            return
        try:
            self._write_calls(calls)
        finally:
            pipe = self.redis.pipeline()
            for call in calls:
                for cache_key, match, ttl in cached.get(id(call), ()):
                    match.call_id = call.pk
                    if call.pk:
                        pipe.set(cache_key, _dump(match, call.pk), ex=ttl)
            pipe.execute()

    def _write_calls(self, calls: list[EnrichmentCall]) -> None:
        with tenancy.use_team(self.team_id):
            try:
                with transaction.atomic():
                    EnrichmentCall.objects.bulk_create(calls)
            except IntegrityError:
                # a billed request already recorded by an earlier run of this task (it lost its cache):
                # written one by one, the duplicate is left out rather than counted twice
                for call in calls:
                    call.pk = None
                    try:
                        with transaction.atomic():
                            call.save(force_insert=True)
                    except IntegrityError:
                        call.pk = None
