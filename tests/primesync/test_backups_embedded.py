"""The backup drill on the embedded server of `make run` (pgserver: PostgreSQL 16, its tools inside the wheel).

The suite itself may run on a PostgreSQL service of another major version: this test starts its own
pgserver in a temporary DATA_DIR and drives the commands as a developer would, in subprocesses.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from primesync import backups, db_setup, embedded
from tests.live import BASE_DIR

pytestmark = pytest.mark.slow  # initdb, migrate and seed a whole database (about 30 s)


def manage(env, *args) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def data_dir():
    """Outside pytest's tmp tree: a concurrent pytest session resets that tree to 0700, and pgserver's
    postgres runs as another user that must reach its data directory."""
    path = Path(tempfile.mkdtemp(prefix="primesync-backup-drill-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_backup_and_restore_work_on_the_embedded_server(data_dir):
    url = embedded.start_postgres(data_dir)
    try:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_NAME", "TEST_DB_NAME"}}
        env.update(DATABASE_URL=url, DATA_DIR=str(data_dir), DEMO_MODE="1", DEBUG="1")
        manage(env, "db_bootstrap")
        manage(env, "migrate", "--database", "owner", "--noinput", "-v", "0")
        manage(env, "seed_demo")

        dumped = manage(env, "backup", "--output", str(data_dir / "embedded.dump"))
        restored = manage(env, "restore", str(data_dir / "embedded.dump"), "--database", "primesync_restored")

        assert "pgserver/pginstall/bin/pg_dump (PostgreSQL 16; server 16)" in dumped
        assert "pgserver/pginstall/bin/pg_restore (PostgreSQL 16)" in restored
        before = backups.table_fingerprints(db_setup.admin_conninfo(url, "primesync"))
        after = backups.table_fingerprints(db_setup.admin_conninfo(url, "primesync_restored"))
        assert after == before
        assert before["leads_leadevent"][0] > 0 and before["primesync_outboxevent"][0] > 0
    finally:
        embedded.stop_postgres(data_dir)
