"""The ASGI app's database connections: borrowed from a pool per request, never left behind."""

from concurrent.futures import ThreadPoolExecutor

import psycopg
import requests
from django.conf import settings

from tests.conftest import conninfo


def web_connections() -> int:
    with psycopg.connect(conninfo("owner")) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'primesync-web'"
        ).fetchone()[0]


def test_requests_in_parallel_reuse_the_pools_connections(asgi_server):
    with requests.Session() as session, ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: session.get(f"{asgi_server.url}/readyz", timeout=30).status_code, range(200)))
    assert codes == [200] * 200  # each one queried the database
    # A persistent connection per request thread (CONN_MAX_AGE under ASGI) left 60 or more here.
    assert 1 <= web_connections() <= settings.DB_POOL_OPTIONS["max_size"]
