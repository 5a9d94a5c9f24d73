"""Loaded with ``-p tests.pytest_env`` before Django reads its settings: the test environment.

Each run gets its own Redis key prefix, so Celery queues, cache keys and channel groups of a
test run never mix with a running `make run` or another test run on the same Redis.
"""

import os
import uuid

os.environ.setdefault("REDIS_KEY_PREFIX", f"primesync-test-{uuid.uuid4().hex[:8]}")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DEMO_MODE", "1")
# Playwright's sync API runs an event loop in the test thread; the ORM calls there are still
# plain blocking calls made by the test itself.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The provider simulator of this run listens on its own free port; adapters point there.
from primesync.embedded import free_port

os.environ.setdefault("PROVIDER_SIM_PORT", str(free_port()))
os.environ.setdefault("ENRICHMENT_READ_TIMEOUT", "2")  # the simulator's "timeouts" end tests quickly
os.environ.setdefault("ENRICHMENT_MAX_WAIT", "4")
# The whole suite logs in and calls public endpoints from 127.0.0.1 (and calls the API with few tokens):
# the rate limit tests set their own.
for _scope in ("LOGIN", "TOKEN", "TRACKING", "API_TOKEN"):
    os.environ.setdefault(f"RATE_LIMIT_{_scope}", "100000")
