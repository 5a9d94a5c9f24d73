"""Logical backups of the whole database (pg_dump custom format) and restores into a fresh database.

A dump is taken with the owner login, switched to the BYPASSRLS role (``pg_dump --role``): tenant
tables force row-level security on their owner too, and pg_dump refuses to dump rows a policy would
hide. Everything is in it: audit history, the outbox, the RLS bypass log, ``django_migrations``.

pg_dump and pg_restore must match the server's major version (an older pg_dump refuses a newer
server; an older pg_restore cannot read a newer archive). The service (PostgreSQL 15 here) and the
embedded pgserver (PostgreSQL 16, binaries inside the wheel) differ, so the tools are looked up
per server: ``PG_BIN_DIR`` if set, then the pgserver wheel, then ``/usr/lib/postgresql/*/bin``, then PATH.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

from primesync import db_setup


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class PgTool:
    path: Path
    major: int


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    seconds: float
    tool: PgTool
    server_major: int


@dataclass(frozen=True)
class RestoreResult:
    database: str
    seconds: float
    tool: PgTool
    tables: int
    rows: int


# --- finding the binaries ----------------------------------------------------------------------


def _candidate_dirs() -> list[Path]:
    dirs = []
    if settings.PG_BIN_DIR:
        dirs.append(Path(settings.PG_BIN_DIR))
    # Located without importing pgserver (its import sets up a runtime directory and warns about it).
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        dirs.extend(Path(p) / "pginstall" / "bin" for p in spec.submodule_search_locations)
    dirs.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    return dirs


def _tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def find_tool(name: str, server_major: int) -> PgTool:
    """The ``name`` binary (pg_dump, pg_restore) of the server's major version.

    A newer one is accepted when no exact match exists (pg_dump supports older servers); an older one never.
    """
    candidates = [d / name for d in _candidate_dirs()]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    found = []
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            major = _tool_major(path)
            if major is not None:
                found.append(PgTool(path=path, major=major))
    exact = [t for t in found if t.major == server_major]
    if exact:
        return exact[0]
    newer = sorted((t for t in found if t.major > server_major), key=lambda t: t.major)
    if newer:
        return newer[0]
    seen = ", ".join(f"{t.path} ({t.major})" for t in found) or "none"
    raise BackupError(f"no {name} for PostgreSQL {server_major} (found: {seen}); set PG_BIN_DIR to its bin directory")


# --- connections -------------------------------------------------------------------------------


def _owner_settings(dbname: str | None = None) -> dict:
    s = dict(connections["owner"].settings_dict)
    if dbname:
        s["NAME"] = dbname
    return s


def _libpq_args(s: dict) -> tuple[list[str], dict]:
    """Command-line connection arguments and environment for a pg_* tool (the password stays off argv)."""
    args = ["--no-password", "--username", s["USER"], "--dbname", s["NAME"]]
    if s["HOST"]:
        args += ["--host", s["HOST"]]
    if s["PORT"]:
        args += ["--port", str(s["PORT"])]
    env = os.environ.copy()
    if s["PASSWORD"]:
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _conninfo(s: dict) -> str:
    params = {"dbname": s["NAME"], "user": s["USER"], "password": s["PASSWORD"], "host": s["HOST"], "port": s["PORT"]}
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items() if v})


def server_major(dbname: str = "postgres") -> int:
    with psycopg.connect(db_setup.admin_conninfo(settings.DATABASE_URL, dbname)) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def admin_conninfo(dbname: str) -> str:
    return db_setup.admin_conninfo(settings.DATABASE_URL, dbname)


# --- backup ------------------------------------------------------------------------------------


def default_backup_path(dbname: str) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return Path(settings.BACKUP_DIR) / f"{dbname}-{stamp}.dump"


def backup(*, output: Path | None = None, dbname: str | None = None) -> BackupResult:
    """pg_dump -Fc of the whole database as the owner login (SET ROLE to the bypass role)."""
    s = _owner_settings(dbname)
    output = Path(output or default_backup_path(s["NAME"])).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    major = server_major(s["NAME"])
    tool = find_tool("pg_dump", major)
    args, env = _libpq_args(s)
    started = time.monotonic()
    # The dump holds every team's PII: only its owner may read it.
    output.touch(mode=0o600, exist_ok=True)
    output.chmod(0o600)
    result = subprocess.run(
        [str(tool.path), "--format=custom", "--role", settings.DB_BYPASS_ROLE, "--file", str(output), *args],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode:
        output.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return BackupResult(path=output, size_bytes=output.stat().st_size, seconds=time.monotonic() - started,
                        tool=tool, server_major=major)


# --- restore -----------------------------------------------------------------------------------


def database_has_tables(dbname: str) -> bool | None:
    """None: no such database; otherwise whether its public schema holds any table."""
    with psycopg.connect(admin_conninfo("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            return None
    with psycopg.connect(admin_conninfo(dbname)) as conn:
        return conn.execute("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public')").fetchone()[0]


def restore(*, path: Path, dbname: str, force: bool = False) -> RestoreResult:
    """Create ``dbname`` as db_bootstrap does (roles, grants), load the dump as the owner, re-apply table security.

    A database that already holds tables is refused unless ``force`` (then it is dropped and recreated).
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    if database_has_tables(dbname) and not force:
        raise BackupError(f"database {dbname!r} is not empty: restore into a new name, or pass --force to replace it")
    db_setup.ensure_database(settings.DATABASE_URL, dbname, db_setup.roles_from_settings(), recreate=force)
    tool = find_tool("pg_restore", server_major())
    s = _owner_settings(dbname)
    args, env = _libpq_args(s)
    started = time.monotonic()
    # One transaction: a restore that fails leaves an empty database, never half of one.
    result = subprocess.run(
        [str(tool.path), "--exit-on-error", "--single-transaction", *args, str(path)],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    _sync_security(s)
    seconds = time.monotonic() - started
    counts = table_fingerprints(admin_conninfo(dbname))
    return RestoreResult(database=dbname, seconds=seconds, tool=tool, tables=len(counts),
                         rows=sum(rows for rows, _ in counts.values()))


def _sync_security(owner_settings: dict) -> None:
    """RLS policies and append-only revokes from the models, as after every migrate (idempotent)."""
    with psycopg.connect(_conninfo(owner_settings), autocommit=True) as conn:
        db_setup.sync_table_security(_OwnerConnection(conn))


class _OwnerConnection:
    """The two things sync_table_security uses of a Django connection, over a plain psycopg one."""

    def __init__(self, conn: psycopg.Connection):
        self._conn = conn
        self.ops = connections["owner"].ops

    def cursor(self):
        return self._conn.cursor()


# --- verification ------------------------------------------------------------------------------


def table_fingerprints(conninfo: str) -> dict[str, tuple[int, str]]:
    """Per table of the public schema: (row count, md5 of its rows' text in sorted order).

    Read through a login that sees every row (the admin login): equal fingerprints mean equal tables.
    """
    fingerprints = {}
    with psycopg.connect(conninfo) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) "
                "FROM (SELECT t::text AS r FROM {} t) rows"
            ).format(sql.Identifier(table))
            count, digest = conn.execute(query).fetchone()
            fingerprints[table] = (count, digest)
    return fingerprints
