"""Real processes for tests: an ASGI server on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings

from primesync.embedded import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


def wait_for(url: str, *, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def log_in(base: str, email: str, password: str) -> requests.Session:
    """A requests session logged in through the login form of a live server."""
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    response.raise_for_status()
    return session


def child_process_env(**extra: str) -> dict[str, str]:
    """The environment of this test run, pointed at the test database."""
    env = os.environ.copy()
    env["DATABASE_NAME"] = settings.DATABASES["default"]["NAME"]
    env["DATABASE_URL"] = settings.DATABASE_URL
    env["REDIS_URL"] = settings.REDIS_URL
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class AsgiServer:
    """uvicorn serving primesync.asgi on a free port, as `make run` does."""

    def __init__(self, **env: str) -> None:
        self.env = env  # extra environment, e.g. REDIS_URL of a fault test's own Redis
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"primesync-live-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> AsgiServer:
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "primesync.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--lifespan", "off", "--no-access-log"],
            cwd=BASE_DIR, env=child_process_env(**self.env), stdout=log, stderr=subprocess.STDOUT,
        )
        wait_for(f"{self.url}/healthz", timeout=30, process=self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def restart(self, *, down_for: float = 0.0, while_down=None) -> None:
        """Stop and start again on the same port (open websockets see 1012, "service restart")."""
        self.stop()
        if while_down is not None:
            while_down()
        time.sleep(down_for)
        self.start()
