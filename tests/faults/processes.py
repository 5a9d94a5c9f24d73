"""The moving parts the fault tests start, stop and kill: a Redis of their own, relays, Celery workers."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time

import redis

from primesync.celery import app
from primesync.embedded import free_port
from primesync.tasks import run_handler
from tests.live import BASE_DIR, child_process_env

REDIS_SERVER = "/usr/bin/redis-server"


class RedisServer:
    """A redis-server of the test's own on a free port, without persistence: stopping it loses its contents,
    as a crashed cache/broker node does. The machine's Redis (the suite's) is never touched."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.mkdtemp(prefix="primesync-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self._dir, "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis shuts down; with no persistence its data is gone
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()


def _output(log_path: str | None):
    return open(log_path, "a") if log_path else subprocess.DEVNULL  # the child process writes to it


def start_relay(*, env: dict[str, str] | None = None, log_path: str | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "relay", "--sweep-interval", "0.3", "--batch-size", "25"],
                            cwd=BASE_DIR, env=child_process_env(**(env or {})), stdout=_output(log_path),
                            stderr=subprocess.STDOUT)


def start_worker(*extra: str, concurrency: int = 1, env: dict[str, str] | None = None,
                 log_path: str | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "primesync", "worker", "--loglevel", "WARNING", "--concurrency",
         str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat", *extra],
        cwd=BASE_DIR, env=child_process_env(**(env or {})), stdout=_output(log_path), stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: kill_worker() takes the pool processes with it
    )


def kill_worker(process: subprocess.Popen) -> None:
    """kill -9 the worker and its pool processes at once, as when its machine dies: nothing is acknowledged."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def queue_handler_runs(broker_url: str, runs: list[tuple[int, int, str]]) -> None:
    """Queue (event id, team id, handler name) runs on a test's own broker, as the relay does."""
    with app.connection_for_write(broker_url) as connection:
        for event_id, team_id, handler in runs:
            run_handler.apply_async(args=[event_id, team_id, handler], connection=connection)
