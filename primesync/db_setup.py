"""Database roles, database and table security.

Two phases:

1. ``bootstrap()`` runs with an administrative login (DATABASE_URL). It creates, idempotently:
   the owner role (owns the tables, runs migrations), the app role (what the web, workers and
   relays connect as: no superuser, no BYPASSRLS, not an owner), the NOLOGIN bypass role
   (BYPASSRLS, reachable only by ``SET ROLE`` from the app role) and the database, with
   default privileges so that every table the owner creates is usable by the app role.
2. ``sync_table_security()`` runs after every ``migrate`` as the owner. For every tenant table it
   enables and forces row-level security with the team policy; for every append-only table
   (audit history, bypass log) it revokes UPDATE, DELETE and TRUNCATE from the app roles. Doing
   this from the models, not from hand-written migrations, means a new tenant table cannot be
   forgotten; ``tests/primesync/test_db_setup.py`` checks every table in the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

TEAM_SETTING = "app.team_id"
TEAM_POLICY = "team_isolation"
# NULLIF: a pooled connection that once set the value reads '' afterwards, not NULL.
TEAM_PREDICATE = f"team_id = NULLIF(current_setting('{TEAM_SETTING}', true), '')::bigint"


@dataclass(frozen=True)
class Roles:
    owner: str
    owner_password: str
    app: str
    app_password: str
    bypass: str


def roles_from_settings() -> Roles:
    from django.conf import settings

    return Roles(
        owner=settings.DB_OWNER_USER,
        owner_password=settings.DB_OWNER_PASSWORD,
        app=settings.DB_APP_USER,
        app_password=settings.DB_APP_PASSWORD,
        bypass=settings.DB_BYPASS_ROLE,
    )


def admin_conninfo(admin_url: str, dbname: str) -> str:
    """A libpq conninfo for the admin login of DATABASE_URL, pointed at another database."""
    parts = urlsplit(admin_url)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    params = {
        "dbname": dbname,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "host": unquote(query.get("host", parts.hostname or "")),
        "port": str(query.get("port", parts.port or "")),
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})


def _role_exists(cur, name: str) -> bool:
    return cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone() is not None


def ensure_roles(cur, roles: Roles) -> None:
    for name, attrs, password in (
        (roles.owner, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE", roles.owner_password),
        (roles.app, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE", roles.app_password),
        (roles.bypass, "NOLOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE", None),
    ):
        verb = "ALTER" if _role_exists(cur, name) else "CREATE"
        statement = sql.SQL(f"{verb} ROLE {{}} {attrs}").format(sql.Identifier(name))
        if password is not None:
            statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
        cur.execute(statement)
    # SET ROLE to the bypass role is the only way the app role ever skips row-level security.
    cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(roles.bypass), sql.Identifier(roles.app)))
    # The owner may too, for backups (primesync/backups.py: pg_dump refuses rows a policy hides). This
    # gives it nothing new: it owns the tables and could turn their row-level security off anyway.
    cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(roles.bypass), sql.Identifier(roles.owner)))


def ensure_database(admin_url: str, dbname: str, roles: Roles, *, recreate: bool = False) -> None:
    """Create roles and database (as the administrative login), then its grants.

    No contrib extensions: the embedded server (pgserver) ships none, and both paths must behave alike.
    """
    with psycopg.connect(admin_conninfo(admin_url, "postgres"), autocommit=True) as conn:
        cur = conn.cursor()
        ensure_roles(cur, roles)
        exists = cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if exists and recreate:
            cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname)))
            exists = None
        if not exists:
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(dbname), sql.Identifier(roles.owner)
                )
            )
    with psycopg.connect(admin_conninfo(admin_url, dbname), autocommit=True) as conn:
        cur = conn.cursor()
        ids = {
            "db": sql.Identifier(dbname),
            "owner": sql.Identifier(roles.owner),
            "app": sql.Identifier(roles.app),
            "bypass": sql.Identifier(roles.bypass),
        }
        for statement in (
            "REVOKE ALL ON DATABASE {db} FROM PUBLIC",
            "GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {app}",
            "GRANT ALL ON DATABASE {db} TO {owner}",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            "GRANT USAGE, CREATE ON SCHEMA public TO {owner}",
            "GRANT USAGE ON SCHEMA public TO {app}, {bypass}",
            "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}, {bypass}",
            "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            "GRANT USAGE, SELECT ON SEQUENCES TO {app}, {bypass}",
        ):
            cur.execute(sql.SQL(statement).format(**ids))


def drop_database(admin_url: str, dbname: str) -> None:
    with psycopg.connect(admin_conninfo(admin_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


# --- after migrate, as the owner ---------------------------------------------------------------


def tenant_tables() -> list[str]:
    """Tables whose rows belong to one team: tenant models and their audit event models."""
    from primesync.models import TenantModel

    return sorted({model._meta.db_table for model in _concrete_models() if _is_tenant(model, TenantModel)})


def append_only_tables() -> list[str]:
    """Tables guarded by a trigger named ``append_only`` (pghistory events and our own logs)."""
    tables = set()
    for model in _concrete_models():
        if any(trigger.name == "append_only" for trigger in getattr(model._meta, "triggers", [])):
            tables.add(model._meta.db_table)
    return sorted(tables)


def _concrete_models():
    from django.apps import apps

    return [m for m in apps.get_models() if not m._meta.proxy and m._meta.managed]


def _is_tenant(model, tenant_base) -> bool:
    if issubclass(model, tenant_base):
        return True
    tracked = getattr(model, "pgh_tracked_model", None)
    return tracked is not None and issubclass(tracked, tenant_base)


def sync_table_security(connection) -> None:
    roles = roles_from_settings()
    with connection.cursor() as cur:
        for table in tenant_tables():
            t = connection.ops.quote_name(table)
            cur.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
            cur.execute(f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY")
            cur.execute(f"DROP POLICY IF EXISTS {TEAM_POLICY} ON {t}")
            cur.execute(f"CREATE POLICY {TEAM_POLICY} ON {t} USING ({TEAM_PREDICATE}) WITH CHECK ({TEAM_PREDICATE})")
        for table in append_only_tables():
            t = connection.ops.quote_name(table)
            for role in (roles.app, roles.bypass):
                cur.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {t} FROM {connection.ops.quote_name(role)}")
