"""Shared by the benchmarks: a scratch database built like production, timing, reporting."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primesync.settings")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")


def setup_django(db_name: str = "primesync_bench", *, recreate: bool = True) -> None:
    """Point Django at a scratch database (created and migrated like production), then set up."""
    os.environ["DATABASE_NAME"] = db_name
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from primesync import db_setup

    if recreate:
        db_setup.ensure_database(settings.DATABASE_URL, db_name, db_setup.roles_from_settings(), recreate=True)
        call_command("migrate", database="owner", verbosity=0, interactive=False)


@contextmanager
def timed(results: dict, key: str):
    start = time.perf_counter()
    yield
    results.setdefault(key, []).append(time.perf_counter() - start)


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB, Python {platform.python_version()}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def header(title: str, command: str) -> None:
    print(f"# {title}")
    print(f"date: {date.today().isoformat()}  machine: {machine()}")
    print(f"command: {command}")


def free_port() -> int:
    from primesync.embedded import free_port as pick

    return pick()


def wait_http(url: str, timeout: float = 30) -> None:
    """Until ``url`` answers 200."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")
