"""The provider simulator for tests: a real HTTP server (manage.py provider_sim) on this run's port."""

from __future__ import annotations

import subprocess
import sys

import requests
from django.conf import settings

from tests.live import BASE_DIR, child_process_env, wait_for


class Simulator:
    def __init__(self) -> None:
        self.url = f"http://127.0.0.1:{settings.PROVIDER_SIM_PORT}"
        self.process: subprocess.Popen | None = None

    def start(self) -> Simulator:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "provider_sim", "--port", str(settings.PROVIDER_SIM_PORT)],
            cwd=BASE_DIR, env=child_process_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(f"{self.url}/_sim/config", timeout=20, process=self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def configure(self, **vendors: dict) -> None:
        requests.post(f"{self.url}/_sim/config", json=vendors, timeout=5).raise_for_status()

    def reset(self) -> None:
        requests.post(f"{self.url}/_sim/reset", timeout=5).raise_for_status()

    def stats(self) -> dict:
        return requests.get(f"{self.url}/_sim/stats", timeout=5).json()


def forget_enrichment_cache() -> None:
    """Empty the vendor answer cache, the credit counters and the circuits, as on a fresh install."""
    from enrichment.breaker import Breaker, _client

    client = _client()
    for key in client.scan_iter(f"{settings.REDIS_KEY_PREFIX}:enrich:*", count=1000):
        client.delete(key)
    for vendor in ("zoominfo", "apollo", "linkedin", "zerobounce"):
        Breaker(vendor).reset()
