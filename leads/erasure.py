"""Erasure on request: a person's personal data replaced by a marker in their lead, its history and every store.

``person_erase(lead_id=..., reason=..., by=...)`` runs in one transaction on the owner connection
(the role that owns the tables, the only one with UPDATE on the append-only audit tables):

1. It finds the lead's team through the BYPASSRLS role, logged in ``RlsBypass`` like every bypass,
   then scopes the transaction to that team: nothing of another team is read or written.
2. It collects the person's values: names, emails, phone numbers (whatever their separators) and
   profile URLs, from every row tied to the lead or to a lead merged into it (the leads, their audit
   events, enrichment rows, emails sent...), plus addresses the requester gives (``emails``).
3. In those tied rows, personal columns, and personal keys of JSON documents (merge snapshots),
   become the marker (``erased``; ``erased@erased.invalid`` for emails, so the lead stays a valid row
   its services can edit). A person-shaped row elsewhere (names beside an email) with one of the
   person's addresses is theirs too (a duplicate lead): its personal columns become markers as well.
4. Every text, JSON, text-array and binary column of every table of the team (found in the
   catalog, so a table added later is covered): the person's emails, phones, URLs and full name
   become the marker, and in a value that named them, their first and last names too.
5. In the text of rows tied to the lead, the first and last names as whole words ("Call with Ana").
6. It writes a ``PersonErasure`` row: who, when, why, which lead, how many rows per table.

Only personal values change: ids, timestamps, stages, amounts, statuses and event order stay, so
the history keeps every event (with the marker where a personal value was) and the lead keeps its
deals and activities. The update of the lead itself is recorded by the audit trigger like any
change, with source "command" and the user who ran it.

The append-only triggers are switched off for this transaction only, and only for the audit and log
tables: ``pgtrigger.ignore`` sets a transaction-local variable the triggers read, never
``ALTER TABLE ... DISABLE TRIGGER``. The ``PersonErasure`` table keeps its protection. There is no
hash chain over audit rows to re-seal: events are ordered by their id, which does not change.

Redis (enrichment response cache, Celery results) expires by itself within its TTL; backups keep the
data until they age out (docs/operations.md, "Erasure on request").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import connections, transaction

from leads.models import Lead, LeadMerge, PersonErasure
from leads.models.erasure import EMAIL_MARKER, MARKER
from primesync import audit
from primesync.db_setup import TEAM_SETTING
from primesync.errors import DomainError
from primesync.models import RlsBypass, User

OWNER = "owner"
MARKERS = (MARKER, EMAIL_MARKER)
EMAIL_COLUMNS = ("email", "to_email", "email_did_you_mean")
NAME_COLUMNS = ("first_name", "last_name")
# Columns that hold one of the person's own values when their row is tied to the lead.
PERSON_COLUMNS = (*NAME_COLUMNS, "email", "phone", "to_email", "linkedin_url", "phone_e164", "email_did_you_mean")
# A value shorter than this is not looked for across the team: it would match other people's data.
MIN_IDENTIFIER = 5
MIN_PHONE_DIGITS = 7
NATIONAL_DIGITS = 10
PHONE_SEPARATORS = r"[\s().-]{0,3}"
MIN_TEXT_LENGTH = 20
TEXT_TYPES = {"text", "character varying", "character"}
JSON_TYPES = {"json", "jsonb"}
TEXT_ARRAY_TYPES = {"_text", "_varchar"}


@dataclass
class PersonValues:
    names: set[str] = field(default_factory=set)  # first and last names: whole words
    identifiers: set[str] = field(default_factory=set)  # emails, URLs, full names: anywhere
    emails: set[str] = field(default_factory=set)  # lower case: a row with one of them is the person's
    phones: set[str] = field(default_factory=set)  # digits only: found whatever the separators

    def add(self, column: str, value: str | None) -> None:
        value = (value or "").strip()
        if not value or value.lower() in MARKERS:
            return
        if column in EMAIL_COLUMNS:
            self.emails.add(value.lower())
        if column in NAME_COLUMNS:
            if len(value) >= 2:
                self.names.add(value)
        elif "phone" in column:
            digits = re.sub(r"\D", "", value)
            if len(digits) >= MIN_PHONE_DIGITS:
                self.phones.add(digits)
                # the national number alone, as it is written without the country code
                self.phones.add(digits[-NATIONAL_DIGITS:])
        elif len(value) >= MIN_IDENTIFIER:
            self.identifiers.add(value)

    def add_full_name(self, first: str | None, last: str | None) -> None:
        first, last = (first or "").strip(), (last or "").strip()
        if first and last and not {first.lower(), last.lower()} & set(MARKERS):
            self.identifiers.add(f"{first} {last}")

    def __len__(self) -> int:
        return len(self.names | self.identifiers | self.phones)

    def identifier_pattern(self, kind: str) -> str | None:
        """Any email, URL, full name or phone number of the person, as stored in a column of ``kind``."""
        if not self.identifiers and not self.phones:
            return None
        texts = _alternatives(self.identifiers, kind)
        # +1 (415) 555-0199, 415.555.0199 and +14155550199 alike: digits with any separators between them
        phones = [r"\+?" + PHONE_SEPARATORS.join(digits) for digits in sorted(self.phones, key=len, reverse=True)]
        return f"({'|'.join(part for part in (texts, *phones) if part)})"

    def name_pattern(self, kind: str) -> str | None:
        """The first or last name as a whole word."""
        return rf"\m({_alternatives(self.names, kind)})\M" if self.names else None


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    kind: str  # text / json / text_array / bytea
    sql_type: str  # what a rewritten JSON value is cast back to (json or jsonb)


@dataclass(frozen=True)
class TiedRows:
    """The rows of one table that belong to the lead: ``where`` with ``params``."""

    table: str
    where: str
    params: tuple


def person_erase(*, lead_id: int, reason: str, by: User, emails: Iterable[str] = ()) -> PersonErasure:
    """Erase the person behind lead ``lead_id`` everywhere in its team; returns the audit record.

    Running it again finds nothing left to erase and records a run with no changes.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why (the request's reference): every erasure is audited.", field="reason")
    conn = connections[OWNER]
    previous = audit.current_context()
    try:
        with transaction.atomic(using=OWNER):
            return _erase(conn, lead_id=lead_id, reason=reason, by=by, emails=emails)
    finally:
        audit.remember(previous)


def _erase(conn, *, lead_id: int, reason: str, by: User, emails: Iterable[str]) -> PersonErasure:
    ctx = audit.set_context(using=conn, source="command", user_id=by.pk, path="manage.py erase_person")
    team_id = _lead_team(conn, lead_id=lead_id, by=by, correlation_id=ctx.correlation_id)
    with conn.cursor() as cur:
        cur.execute("SELECT set_config(%s, %s, true)", [TEAM_SETTING, str(team_id)])
    changes: Counter[str] = Counter()
    with pgtrigger.ignore(*_append_only_uris(), databases=[OWNER]), conn.cursor() as cur:
        catalog = _team_columns(cur)
        tied = _tied_rows(_person_lead_ids(cur, lead_id), catalog)
        values = _person_values(cur, tied, catalog, extra_emails=emails)
        if len(values):
            # identifiers before names alone: "ana.silva@x.com" must go whole, not become "erased.erased@x.com"
            _erase_tied_columns(cur, tied, catalog, changes)
            _erase_tied_json_fields(cur, tied, catalog, changes)
            _erase_rows_with_the_persons_email(cur, team_id, catalog, values, changes)
            _erase_identifiers(cur, team_id, catalog, values, changes)
            _erase_tied_names(cur, tied, catalog, values, changes)
    return PersonErasure.objects.using(OWNER).create(
        team_id=team_id,
        lead_id=lead_id,
        erased_by=by,
        reason=_scrub_text(reason[:500], values),
        values_searched=len(values),
        rows_changed=sum(changes.values()),
        changes={table: n for table, n in sorted(changes.items()) if n},
        correlation_id=ctx.correlation_id,
    )


# --- scope -------------------------------------------------------------------------------------


def _lead_team(conn, *, lead_id: int, by: User, correlation_id: str) -> int:
    """The lead's team, read through the BYPASSRLS role (logged): the owner is under forced RLS too."""
    RlsBypass.objects.using(OWNER).create(
        user=by, reason=f"erase_person: find the team of lead #{lead_id}", path="manage.py erase_person",
        correlation_id=correlation_id,
    )
    lead_table, event_table = Lead._meta.db_table, Lead.events.rel.related_model._meta.db_table
    with conn.cursor() as cur:
        cur.execute(f"SET LOCAL ROLE {conn.ops.quote_name(settings.DB_BYPASS_ROLE)}")
        # a merged (deleted) lead is still found by its audit events
        cur.execute(
            f"SELECT team_id FROM {lead_table} WHERE id = %s "
            f"UNION ALL SELECT team_id FROM {event_table} WHERE pgh_obj_id = %s LIMIT 1",
            [lead_id, lead_id],
        )
        row = cur.fetchone()
        cur.execute("SET LOCAL ROLE NONE")
    if row is None:
        raise DomainError(f"No lead #{lead_id}.", field="lead")
    return row[0]


def _append_only_uris() -> list[str]:
    """Every append-only trigger but the erasure record's own."""
    return [
        f"{model._meta.label}:{trigger.name}"
        for model in apps.get_models()
        if model is not PersonErasure
        for trigger in getattr(model._meta, "triggers", [])
        if trigger.name == "append_only"
    ]


# --- where the person is -----------------------------------------------------------------------


def _team_columns(cur) -> dict[str, list[Column]]:
    """Table → its columns that can hold personal data, for every table with a ``team_id``.

    Generated columns (search documents, duplicate keys) are left out: the database recomputes them.
    """
    cur.execute(
        """
        SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.character_maximum_length
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
          AND c.table_name IN (SELECT table_name FROM information_schema.columns
                               WHERE table_schema = 'public' AND column_name = 'team_id')
          AND c.table_name <> %s
        ORDER BY c.table_name, c.ordinal_position
        """,
        [PersonErasure._meta.db_table],
    )
    catalog: dict[str, list[Column]] = {}
    for table, name, data_type, udt, max_length in cur.fetchall():
        # short text columns hold codes (status, country, currency), never a person; a marker would not fit
        is_code = max_length is not None and max_length < MIN_TEXT_LENGTH and name not in PERSON_COLUMNS
        kind = (
            None if is_code
            else "text" if data_type in TEXT_TYPES
            else "json" if data_type in JSON_TYPES
            else "text_array" if data_type == "ARRAY" and udt in TEXT_ARRAY_TYPES
            else "bytea" if data_type == "bytea"
            else None
        )
        catalog.setdefault(table, [])
        if kind:
            catalog[table].append(Column(table, name, kind, udt))
    return catalog


def _person_lead_ids(cur, lead_id: int) -> list[int]:
    """The lead and the leads merged into it (and into those): one person's records.

    A merge that was undone split them again: two people.
    """
    cur.execute(
        f"""
        WITH RECURSIVE person(id) AS (
            SELECT %s::bigint
            UNION SELECT m.merged_lead_id FROM {LeadMerge._meta.db_table} m
                  JOIN person p ON m.survivor_id = p.id WHERE m.undone_at IS NULL
        ) SELECT id FROM person ORDER BY id
        """,
        [lead_id],
    )
    return [row[0] for row in cur.fetchall()]


def _tied_rows(lead_ids: list[int], catalog: dict[str, list[Column]]) -> list[TiedRows]:
    """Rows about the person's leads: the leads, rows with a foreign key to one (audit events included),
    events about one."""
    tied = [TiedRows(Lead._meta.db_table, "id = ANY(%s)", (lead_ids,))]
    for model in apps.get_models():
        table = model._meta.db_table
        if table not in catalog or model._meta.proxy:
            continue
        columns = [f.column for f in model._meta.concrete_fields if f.is_relation and f.related_model is Lead]
        if columns:
            where = " OR ".join(f"{connections[OWNER].ops.quote_name(c)} = ANY(%s)" for c in columns)
            tied.append(TiedRows(table, f"({where})", (lead_ids,) * len(columns)))
        names = {f.column for f in model._meta.concrete_fields}
        if {"entity_type", "entity_id"} <= names:  # the outbox and anything shaped like it
            tied.append(TiedRows(table, "entity_type = 'lead' AND entity_id = ANY(%s)", (lead_ids,)))
    return tied


def _person_values(cur, tied: list[TiedRows], catalog, *, extra_emails: Iterable[str]) -> PersonValues:
    values = PersonValues()
    for email in extra_emails:
        values.add("email", email)
    for rows in tied:
        names = {c.name for c in catalog[rows.table]}
        columns = [c for c in PERSON_COLUMNS if c in names]
        if columns:
            cur.execute(f"SELECT {', '.join(columns)} FROM {rows.table} WHERE {rows.where}", rows.params)
            for row in cur.fetchall():
                record = dict(zip(columns, row, strict=True))
                for column, value in record.items():
                    values.add(column, value)
                values.add_full_name(record.get("first_name"), record.get("last_name"))
        if {"field", "value"} <= names:  # observations: one reported value per row
            cur.execute(
                f"SELECT field, value #>> '{{}}' FROM {rows.table} WHERE {rows.where} AND field = ANY(%s)",
                (*rows.params, list(PERSON_COLUMNS)),
            )
            for column, value in cur.fetchall():
                values.add(column, value)
    return values


# --- erasing -----------------------------------------------------------------------------------


def _marker_for(column: str) -> str:
    return EMAIL_MARKER if column in EMAIL_COLUMNS else MARKER


def _set_person_columns(cur, table: str, columns: list[str], where: str, params) -> int:
    """Each non-empty, not yet erased column of ``columns`` becomes its marker, in the rows ``where`` selects."""
    assignments = ", ".join(f"{c} = CASE WHEN coalesce({c}, '') IN ('', %s) THEN {c} ELSE %s END" for c in columns)
    changed = " OR ".join(f"coalesce({c}, '') NOT IN ('', %s)" for c in columns)
    markers = [_marker_for(c) for c in columns]
    cur.execute(
        f"UPDATE {table} SET {assignments} WHERE ({where}) AND ({changed})",
        [value for m in markers for value in (m, m)] + list(params) + markers,
    )
    return cur.rowcount


def _erase_tied_columns(cur, tied: list[TiedRows], catalog, changes: Counter) -> None:
    """The person's own columns in rows about the lead; the lead first, so its audit event has the marker."""
    for rows in tied:
        columns = [c.name for c in catalog[rows.table] if c.name in PERSON_COLUMNS and c.kind == "text"]
        if columns:
            changes[rows.table] += _set_person_columns(cur, rows.table, columns, rows.where, rows.params)


def _erase_tied_json_fields(cur, tied: list[TiedRows], catalog, changes: Counter) -> None:
    """Personal keys of JSON documents in rows about the lead (merge snapshots: ``"fields": {"email": ...}``)
    get the marker as a whole, like the columns they copy, so a snapshot and the audit event it is checked
    against stay equal."""
    other_keys = [c for c in PERSON_COLUMNS if c not in EMAIL_COLUMNS]
    for keys, marker in ((EMAIL_COLUMNS, EMAIL_MARKER), (other_keys, MARKER)):
        pattern = rf'("(?:{"|".join(keys)})"\s*:\s*)"(?:[^"\\]|\\.)+"'
        replacement = rf'\1"{marker}"'
        for rows in tied:
            for column in catalog[rows.table]:
                if column.kind != "json":
                    continue
                c = connections[OWNER].ops.quote_name(column.name)
                new = f"regexp_replace({c}::text, %s, %s, 'g')"
                cur.execute(
                    f"UPDATE {rows.table} SET {c} = ({new})::{column.sql_type} "
                    f"WHERE ({rows.where}) AND {c}::text ~ %s AND {new} <> {c}::text",
                    [pattern, replacement, *rows.params, pattern, pattern, replacement],
                )
                changes[rows.table] += cur.rowcount


def _erase_tied_names(cur, tied: list[TiedRows], catalog, values: PersonValues, changes: Counter) -> None:
    """First and last names as whole words in any text of a row about the lead ("Call with Ana")."""
    if not values.names:
        return
    for rows in tied:
        for column in catalog[rows.table]:
            pattern = values.name_pattern(column.kind)
            changes[rows.table] += _replace(cur, column, pattern, None, where=f"({rows.where})", params=rows.params)


def _erase_rows_with_the_persons_email(cur, team_id: int, catalog, values: PersonValues, changes: Counter) -> None:
    """A person-shaped row elsewhere (names beside an email) with one of the person's addresses is theirs: a
    duplicate lead, its audit events. All its personal columns are erased. A shared phone number (an office
    line) does not make two people one, so only emails count here."""
    if not values.emails:
        return
    for table, columns in catalog.items():
        names = {c.name for c in columns if c.kind == "text"}
        email_columns = [c for c in EMAIL_COLUMNS if c in names]
        if not email_columns or not any(c in names for c in NAME_COLUMNS):
            continue
        matches = " OR ".join(f"lower({c}) = ANY(%s)" for c in email_columns)
        person_columns = [c for c in PERSON_COLUMNS if c in names]
        changes[table] += _set_person_columns(
            cur, table, person_columns, f"team_id = %s AND ({matches})",
            [team_id, *[sorted(values.emails)] * len(email_columns)],
        )


def _erase_identifiers(cur, team_id: int, catalog, values: PersonValues, changes: Counter) -> None:
    """Emails, phones, URLs and the full name anywhere in the team; in a value naming them, the names too."""
    if values.identifier_pattern("text") is None:
        return
    for columns in catalog.values():
        for column in columns:
            pattern, names = values.identifier_pattern(column.kind), values.name_pattern(column.kind)
            changes[column.table] += _replace(cur, column, pattern, names, where="team_id = %s", params=(team_id,))


def _alternatives(values: Iterable[str], kind: str) -> str:
    """``values`` as alternatives of a PostgreSQL regular expression, as stored in a column of ``kind``."""
    # JSON text escapes quotes and backslashes; longest first so a full name wins over its parts
    stored = [json.dumps(v, ensure_ascii=False)[1:-1] if kind == "json" else v for v in values]
    return "|".join(re.sub(r"([^\w\s])", r"\\\1", v) for v in sorted(stored, key=len, reverse=True))


def _replace(cur, column: Column, pattern: str, also: str | None, *, where: str, params: tuple) -> int:
    """Replace ``pattern`` (and then ``also``) by the marker in one column of the rows ``where`` selects."""
    if column.kind == "bytea":
        return _replace_bytes(cur, column, pattern, also, where=where, params=params)
    c = connections[OWNER].ops.quote_name(column.name)
    if column.kind == "text_array":
        element = "regexp_replace(e, %s, %s, 'gi')"
        if also:
            element = f"regexp_replace({element}, %s, %s, 'gi')"
        new = f"ARRAY(SELECT {element} FROM unnest({c}) WITH ORDINALITY AS u(e, n) ORDER BY n)"
        current = f"array_to_string({c}, chr(31))"
    else:
        cast = "::text" if column.kind == "json" else ""
        new = f"regexp_replace({c}{cast}, %s, %s, 'gi')"
        if also:
            new = f"regexp_replace({new}, %s, %s, 'gi')"
        new = f"({new}){'::' + column.sql_type if cast else ''}"
        current = f"{c}{cast}"
    substitutions = [pattern, MARKER, *([also, MARKER] if also else [])]
    cur.execute(
        f"UPDATE {column.table} SET {c} = {new} WHERE {where} AND {current} ~* %s",
        [*substitutions, *params, pattern],
    )
    return cur.rowcount


def _replace_bytes(cur, column: Column, pattern: str, also: str | None, *, where: str, params: tuple) -> int:
    """Binary columns (an uploaded CSV file): the same replacement, in Python, row by row."""
    c = connections[OWNER].ops.quote_name(column.name)
    cur.execute(f"SELECT ctid::text, {c} FROM {column.table} WHERE {where} AND octet_length({c}) > 0", params)
    regexes = [_python_regex(p) for p in (pattern, also) if p]
    changed = 0
    for ctid, data in cur.fetchall():
        original = bytes(data)
        erased = original
        for regex in regexes:
            erased = regex.sub(MARKER.encode(), erased)
        if erased != original:
            cur.execute(f"UPDATE {column.table} SET {c} = %s WHERE ctid = %s::tid", [erased, ctid])
            changed += cur.rowcount
    return changed


def _python_regex(pattern: str) -> re.Pattern:
    # the PostgreSQL word boundaries \m \M are Python's \b
    return re.compile(pattern.replace(r"\m", r"\b").replace(r"\M", r"\b").encode(), re.IGNORECASE)


def _scrub_text(text: str, values: PersonValues) -> str:
    """The reason as typed, minus the person's values (a reason often quotes the requester's address)."""
    for pattern in (values.identifier_pattern("text"), values.name_pattern("text")):
        if pattern:
            text = _python_regex(pattern).sub(MARKER.encode(), text.encode()).decode()
    return text
