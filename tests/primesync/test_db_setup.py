"""Roles, grants and table security, as db_bootstrap and migrate leave them."""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from primesync import db_setup


def test_bootstrap_is_idempotent(db):
    name = settings.DATABASES["default"]["NAME"]
    db_setup.ensure_database(settings.DATABASE_URL, name, db_setup.roles_from_settings())
    db_setup.ensure_database(settings.DATABASE_URL, name, db_setup.roles_from_settings())
    with connection.cursor() as cur:
        cur.execute("SELECT rolname, rolcanlogin, rolbypassrls, rolsuper FROM pg_roles WHERE rolname LIKE 'primesync_%%'")
        roles = {name: rest for name, *rest in cur.fetchall()}
    assert roles[settings.DB_APP_USER] == [True, False, False]
    assert roles[settings.DB_OWNER_USER] == [True, False, False]
    assert roles[settings.DB_BYPASS_ROLE] == [False, True, False]


def test_the_app_role_has_exactly_the_grants_it_needs(db):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT has_table_privilege('leads_lead', 'UPDATE'), has_table_privilege('leads_leadevent', 'INSERT'),"
            " has_table_privilege('leads_leadevent', 'UPDATE'), has_table_privilege('leads_leadevent', 'TRUNCATE'),"
            " has_table_privilege('leads_lead', 'TRUNCATE'), has_schema_privilege('public', 'CREATE')"
        )
        assert cur.fetchone() == (True, True, False, False, False, False)


def test_the_app_role_cannot_change_the_schema(db):
    with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE leads_lead DISABLE ROW LEVEL SECURITY")
