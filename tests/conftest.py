"""Shared fixtures: the test database (built like production), two teams, API clients.

The test database is created by the same code as production (db_setup.ensure_database, then
``migrate --database=owner``), so the tests run as the app role, under row-level security.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connections
from rest_framework.test import APIClient

from deals.models import Pipeline, Stage
from primesync import db_setup, tenancy
from primesync.models import Role, Team, User
from primesync.services import api_token_create
from tests.factories import MembershipFactory, TeamFactory, UserFactory, pipeline_for

KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    test_name = settings.DATABASES["default"]["TEST"]["NAME"]
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close()
        db_setup.ensure_database(settings.DATABASE_URL, test_name, db_setup.roles_from_settings(), recreate=True)
        for alias in ("default", "owner"):
            connections[alias].settings_dict["NAME"] = test_name
            settings.DATABASES[alias]["NAME"] = test_name
        call_command("migrate", database="owner", verbosity=0, interactive=False)
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close()


def conninfo(alias: str = "default") -> str:
    """libpq conninfo of a Django alias, for connections made outside Django."""
    s = settings.DATABASES[alias]
    return psycopg.conninfo.make_conninfo(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"], **({"port": s["PORT"]} if s["PORT"] else {})
    )


def truncate_all() -> None:
    """Empty every table through the owner (the app role may not TRUNCATE audit tables).

    A worker thread may still be finishing a task of the test that just ended; if our TRUNCATE and
    its writes deadlock, PostgreSQL cancels one of them and we try again.
    """
    owner = connections["owner"]
    with owner.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [t for (t,) in cur.fetchall() if t not in KEPT_TABLES]
    statement = f"TRUNCATE {', '.join(owner.ops.quote_name(t) for t in tables)} RESTART IDENTITY CASCADE"
    for attempt in range(5):
        try:
            with owner.cursor() as cur:
                cur.execute(statement)
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Data that other processes and connections can see: no wrapping transaction, emptied after."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            truncate_all()


@dataclass
class TeamSet:
    """A team with one rep and one manager, and its default pipeline."""

    team: Team
    rep: User
    manager: User
    pipeline: Pipeline

    def stage(self, name: str) -> Stage:
        with tenancy.use_team(self.team):
            return Stage.objects.get(pipeline=self.pipeline, name=name)


def make_team(slug: str) -> TeamSet:
    team = TeamFactory(name=slug.title(), slug=slug)
    rep = UserFactory(email=f"rep@{slug}.test")
    manager = UserFactory(email=f"manager@{slug}.test")
    MembershipFactory(team=team, user=rep, role=Role.REP)
    MembershipFactory(team=team, user=manager, role=Role.MANAGER)
    return TeamSet(team=team, rep=rep, manager=manager, pipeline=pipeline_for(team))


@pytest.fixture
def acme(db) -> TeamSet:
    return make_team("acme")


@pytest.fixture
def globex(db) -> TeamSet:
    return make_team("globex")


@pytest.fixture
def api():
    """``api(user)`` → an APIClient authenticated with a fresh token of the user's team."""

    def client_for(user: User, team: Team | None = None) -> APIClient:
        _, key = api_token_create(user=user, team=team)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return client_for


@pytest.fixture
def in_team():
    return tenancy.use_team


@pytest.fixture(scope="session")
def celery_worker_thread(django_db_setup, django_db_blocker):
    """A real Celery worker (solo pool, in a thread) on this run's own queue of the real broker."""
    from celery.contrib.testing.worker import start_worker

    from primesync.celery import app

    django_db_blocker.unblock()
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=20):
            yield
    finally:
        django_db_blocker.restore()


@pytest.fixture
def relay(committed):
    """The outbox relay running in a thread while the test runs."""
    from tests.workers import RelayThread

    thread = RelayThread().start()
    yield thread.relay
    thread.stop()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup):
    """uvicorn serving the app (HTTP and websockets) on the test database, as `make run` does."""
    from tests.live import AsgiServer

    server = AsgiServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def simulator_server():
    from tests.simulator import Simulator

    server = Simulator().start()
    yield server
    server.stop()


@pytest.fixture
def simulator(simulator_server):
    """The provider simulator, with no faults, no misses, empty caches and closed circuits."""
    from tests.simulator import forget_enrichment_cache

    simulator_server.reset()
    simulator_server.configure(**{v: {"miss_rate": 0.0} for v in ("zoominfo", "apollo", "linkedin", "zerobounce")})
    forget_enrichment_cache()
    return simulator_server


@pytest.fixture
def receiver():
    """A webhook receiver on a loopback port (tests/webhook_receiver.py)."""
    from tests.webhook_receiver import Receiver

    server = Receiver().start()
    yield server
    server.stop()
