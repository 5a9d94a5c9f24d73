"""The fast path: COPY a chunk of checked rows into a temporary staging table, then set-based SQL.

One statement per step, over the whole chunk at once: the reasons a row is rejected, the owners
named in the file, duplicates (within the chunk, and against the team's leads, which include the
leads of the file's earlier chunks) by lowercased email and by phone, what each row does (create,
update, skip or reject), the companies, then the writes. The writes are ordinary INSERT and UPDATE
statements on ``leads_lead``, so row-level security, the audit triggers (one statement-level trigger
per write) and the outbox triggers (LEAD_CREATED per inserted row) all apply.

The staging table is a session's temporary table: private to the connection, never WAL-logged, not
under row-level security (nothing but this import's rows is ever in it), emptied for each chunk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from leads.imports.checks import STAGED_COLUMNS, TARGET_KEYS
from leads.imports.fields import BY_KEY, DECIMAL_MAX_DIGITS, INTEGER_MAX
from leads.models import Lead, LeadSource, LeadStatus, OnDuplicate

STAGE = "lead_import_stage"
SEARCH_PENDING_LIMIT = "256MB"  # about 500,000 leads' entries; past it the import merges them itself
INPUT_TYPES = {
    "line": "integer", "field_count": "integer", "read_problem": "text", "raw": "text[]",
    **dict.fromkeys(TARGET_KEYS, "text"),
    "email_key": "text", "email_bad": "boolean", "phone_e164": "text", "phone_key": "text", "phone_bad": "boolean",
    "created_on": "timestamptz", "created_bad": "boolean",
}


def _choice_sql(column: str, choices) -> str:
    """A choice column's stored value from its value or its label, any case; NULL when it is neither.

    Labels and values are the product's own constants (LeadStatus, LeadSource), quoted as literals.
    """
    pairs = {}
    for value, label in choices:
        pairs[str(value).lower()] = value
        pairs[str(label).lower()] = value
    whens = " ".join(f"WHEN {_literal(key)} THEN {_literal(value)}" for key, value in pairs.items())
    return f"CASE lower({column}) {whens} END"


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


_EMPLOYEES = r"regexp_replace(employees, '[\s,''_]', '', 'g')"
_REVENUE = r"regexp_replace(annual_revenue, '[\s,''_$€£¥]', '', 'g')"
_DOMAIN = r"NULLIF(split_part(regexp_replace(lower(company_domain), '^\s*([a-z]+://)?(www\.)?', ''), '/', 1), '')"
# What the database derives from a staged row's text as COPY writes it (generated columns: no second write
# of every row, as an UPDATE would make): choices mapped, numbers read, the website's host.
DERIVED = {
    "status_value": f"text GENERATED ALWAYS AS ({_choice_sql('status', LeadStatus.choices)}) STORED",
    "source_value": f"text GENERATED ALWAYS AS ({_choice_sql('source', LeadSource.choices)}) STORED",
    "employees_n": f"integer GENERATED ALWAYS AS (CASE WHEN {_EMPLOYEES} ~ '^[0-9]{{1,10}}$' "
                   f"AND {_EMPLOYEES}::bigint <= {INTEGER_MAX} THEN {_EMPLOYEES}::integer END) STORED",
    "revenue_n": f"numeric(16, 2) GENERATED ALWAYS AS (CASE WHEN {_REVENUE} ~ '^-?[0-9]{{1,{DECIMAL_MAX_DIGITS}}}"
                 f"(\\.[0-9]+)?$' AND abs(round({_REVENUE}::numeric, 2)) < 1e{DECIMAL_MAX_DIGITS} "
                 f"THEN round({_REVENUE}::numeric, 2) END) STORED",
    "domain_key": f"text GENERATED ALWAYS AS ({_DOMAIN}) STORED",
    "company_key": f"text GENERATED ALWAYS AS (COALESCE({_DOMAIN}, lower(company_name))) STORED",
}
CREATE_STAGE = f"""
CREATE TEMPORARY TABLE {STAGE} (
    {', '.join(f'{name} {INPUT_TYPES[name]}' for name in STAGED_COLUMNS)},
    {', '.join(f'{name} {definition}' for name, definition in DERIVED.items())},
    reason text, owner_id bigint, match_id bigint, action text NOT NULL DEFAULT 'create'
)
"""
# The chunk's companies, by key (the website, else the lower-cased name): found or created, then joined.
COMPANIES = "lead_import_companies"
CREATE_COMPANIES = f"CREATE TEMPORARY TABLE {COMPANIES} (company_key text PRIMARY KEY, id bigint NOT NULL)"
# a value as quoted in a reason: short enough to read
QUOTED = "'“' || left({0}, 60) || CASE WHEN char_length({0}) > 60 THEN '…' ELSE '' END || '”'"


def _reasons_sql(width: int) -> str:
    """The SQL expression of a row's rejection reasons, in a fixed order, joined by "; "; NULL if none."""
    checks = [
        "CASE WHEN email IS NULL AND phone IS NULL AND first_name IS NULL AND last_name IS NULL "
        "THEN 'no email, no phone and no name' END",
        f"CASE WHEN email_bad THEN 'email ' || {QUOTED.format('email')} || ' is not a valid address' END",
        f"CASE WHEN phone_bad THEN 'phone ' || {QUOTED.format('phone')} || ' cannot be read as a phone number' END",
    ]
    for key in TARGET_KEYS:
        target = BY_KEY[key]
        if target.max_length and target.kind in ("text", "country", "email"):
            extra = " (use the 2-letter code)" if target.kind == "country" else ""
            checks.append(
                f"CASE WHEN char_length({key}) > {target.max_length} "
                f"THEN '{target.label} is longer than {target.max_length} characters{extra}' END"
            )
    domain = BY_KEY["company_domain"]
    checks += [
        f"CASE WHEN char_length(domain_key) > {domain.max_length} "
        f"THEN '{domain.label} is longer than {domain.max_length} characters' END",
        f"CASE WHEN employees IS NOT NULL AND employees_n IS NULL THEN '{BY_KEY['employees'].label} ' || "
        f"{QUOTED.format('employees')} || ' is not a whole number' END",
        f"CASE WHEN annual_revenue IS NOT NULL AND revenue_n IS NULL THEN '{BY_KEY['annual_revenue'].label} ' || "
        f"{QUOTED.format('annual_revenue')} || ' is not a number' END",
        f"CASE WHEN created_bad THEN '{BY_KEY['created_at'].label} ' || {QUOTED.format('created_at')} "
        "|| ' is not a date' END",
    ]
    return (
        f"CASE WHEN field_count = -1 THEN read_problem "
        f"WHEN field_count <> {int(width)} "
        f"THEN 'wrong number of fields: ' || field_count || ', the header has {int(width)}' "
        f"ELSE NULLIF(concat_ws('; ', {', '.join(checks)}), '') END"
    )


def stage_create() -> None:
    stage_drop()
    with connection.cursor() as cur:
        cur.execute(CREATE_STAGE)
        cur.execute(CREATE_COMPANIES)


def stage_drop() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {STAGE}, {COMPANIES}")


def stage_load(rows: Iterable[tuple]) -> int:
    """Empty the staging table and COPY one chunk of checked rows (tuples of ``STAGED_COLUMNS``) into it.

    Binary COPY with declared types: psycopg then dumps each value without guessing its type, four
    times faster than ``write_row`` on untyped text.
    """
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {STAGE}, {COMPANIES}")
    written = 0
    with connection.connection.cursor() as cur, cur.copy(
        f"COPY {STAGE} ({', '.join(STAGED_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
    ) as copy:
        copy.set_types([INPUT_TYPES[name] for name in STAGED_COLUMNS])
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def stage_validate(*, width: int) -> int:
    """Write each row's rejection reasons (NULL: none); returns the number of rejected rows.

    Only the rejected rows are written again (the derived values came with COPY).
    """
    reasons = _reasons_sql(width)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {STAGE} SET reason = {reasons}, action = 'reject' WHERE ({reasons}) IS NOT NULL")
        return cur.rowcount


def stage_decide(*, team_id: int, on_duplicate: str) -> None:
    """Owners, duplicates and the action of every staged row: create, update, skip or reject."""
    with connection.cursor() as cur:
        # autovacuum never analyzes temporary tables; without statistics of the keys the planner joins the
        # team's leads row by row (measured: 20 s instead of 0.3 s for 100,000 rows)
        cur.execute(f"ANALYZE {STAGE} (email_key, phone_key, match_id, reason)")
        cur.execute(
            f"""
            UPDATE {STAGE} s SET owner_id = m.user_id
            FROM primesync_membership m JOIN primesync_user u ON u.id = m.user_id
            WHERE m.team_id = %s AND lower(u.email) = lower(s.owner) AND s.owner IS NOT NULL AND s.reason IS NULL
            """,
            [team_id],
        )
        # the team's lead with the same email, else the same phone, by the normalised keys the duplicate
        # finder uses (stored columns key_email and key_phone, indexed with the team: see leads/models/keys.py)
        for staged_key, lead_key in (("email_key", "key_email"), ("phone_key", "key_phone")):
            cur.execute(
                f"""
                UPDATE {STAGE} s SET match_id = l.id
                FROM (SELECT DISTINCT ON (l.{lead_key}) l.{lead_key} AS k, l.id FROM leads_lead l
                      JOIN (SELECT DISTINCT {staged_key} AS k FROM {STAGE}
                            WHERE reason IS NULL AND match_id IS NULL AND {staged_key} IS NOT NULL) AS staged
                        ON staged.k = l.{lead_key}
                      WHERE l.team_id = %s
                      ORDER BY l.{lead_key}, l.id) l
                WHERE s.{staged_key} = l.k AND s.match_id IS NULL AND s.reason IS NULL
                """,
                [team_id],
            )
        if on_duplicate == OnDuplicate.CREATE:
            return
        # a row with the email or the phone of an earlier row of the chunk is that person again (rows of
        # earlier chunks are leads by now: they were matched above)
        cur.execute(
            f"""
            UPDATE {STAGE} s SET action = 'skip'
            FROM (SELECT line,
                         (email_key IS NOT NULL AND row_number() OVER (PARTITION BY email_key ORDER BY line) > 1)
                         OR (phone_key IS NOT NULL AND row_number() OVER (PARTITION BY phone_key ORDER BY line) > 1)
                         AS again
                  FROM {STAGE} WHERE reason IS NULL) d
            WHERE s.line = d.line AND d.again
            """
        )
        # a lead of the team is filled in from its first row only; its other rows, and all of them under
        # "skip", are duplicates
        cur.execute(
            f"""
            UPDATE {STAGE} s SET action = CASE WHEN %s = 'update_empty' AND d.nth = 1 THEN 'update' ELSE 'skip' END
            FROM (SELECT line, row_number() OVER (PARTITION BY match_id ORDER BY line) AS nth
                  FROM {STAGE} WHERE action = 'create' AND match_id IS NOT NULL) d
            WHERE s.line = d.line
            """,
            [on_duplicate],
        )


def stage_errors_save(*, team_id: int, import_id: int) -> int:
    """The chunk's rejected rows, with line, reason and values, into the import's error list."""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO leads_importrowerror (team_id, lead_import_id, line, reason, "values")
            SELECT %s, %s, line, left(reason, 1000), raw FROM {STAGE} WHERE reason IS NOT NULL ORDER BY line
            """,
            [team_id, import_id],
        )
        return cur.rowcount


def stage_preview(limit: int) -> list[tuple]:
    """The first rows after deciding: line, action, reason, match id, and the values the lead would get."""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT line, action, reason, match_id, first_name, last_name, email_key, phone_e164, title,
                   company_name, upper(country), status_value, source_value, owner_id, created_on
            FROM {STAGE} ORDER BY line LIMIT %s
            """,
            [limit],
        )
        return cur.fetchall()


# --- writing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkResult:
    rows: int
    created_ids: list[int]
    updated: int
    duplicates: int


def _companies(*, team_id: int, fill_empty: bool) -> None:
    """The chunk's companies, by website, else by name, into ``COMPANIES``; the missing ones are created.

    Hash joins over the team's companies: under row-level security an index on lower(name) cannot be
    used (lower() is not leakproof, so the team policy is checked first), and a chunk has many names.
    """
    writing = "action IN ('create', 'update') AND company_key IS NOT NULL"
    find = f"""
        WITH keys AS (SELECT DISTINCT company_key, domain_key FROM {STAGE} WHERE {writing}),
        by_domain AS (
            SELECT DISTINCT ON (lower(c.domain)) lower(c.domain) AS k, c.id FROM leads_company c
            JOIN keys ON keys.domain_key = lower(c.domain)
            WHERE c.team_id = %(team)s AND c.domain <> '' ORDER BY lower(c.domain), c.id),
        by_name AS (
            SELECT DISTINCT ON (lower(c.name)) lower(c.name) AS k, c.id FROM leads_company c
            JOIN keys ON keys.domain_key IS NULL AND keys.company_key = lower(c.name)
            WHERE c.team_id = %(team)s ORDER BY lower(c.name), c.id)
        INSERT INTO {COMPANIES} (company_key, id)
        SELECT keys.company_key, COALESCE(by_domain.id, by_name.id) FROM keys
        LEFT JOIN by_domain ON by_domain.k = keys.domain_key
        LEFT JOIN by_name ON keys.domain_key IS NULL AND by_name.k = keys.company_key
        WHERE COALESCE(by_domain.id, by_name.id) IS NOT NULL
        ON CONFLICT (company_key) DO NOTHING
    """
    params = {"team": team_id}
    with connection.cursor() as cur:
        cur.execute(find, params)
        cur.execute(
            f"""
            INSERT INTO leads_company (team_id, name, domain, industry, employees, annual_revenue, tech_stack,
                                       hq_city, hq_country, created_at, updated_at)
            SELECT DISTINCT ON (s.company_key) %(team)s, left(COALESCE(s.company_name, s.domain_key), 200),
                   COALESCE(s.domain_key, ''), COALESCE(s.industry, ''), s.employees_n, s.revenue_n, '{{}}', '', '',
                   now(), now()
            FROM {STAGE} s LEFT JOIN {COMPANIES} c USING (company_key)
            WHERE c.id IS NULL AND s.{writing}
            ORDER BY s.company_key, s.line
            ON CONFLICT DO NOTHING
            """,
            params,
        )
        cur.execute(find, params)
        if fill_empty:
            cur.execute(
                f"""
                UPDATE leads_company c SET
                    industry = CASE WHEN c.industry = '' THEN COALESCE(x.industry, '') ELSE c.industry END,
                    employees = COALESCE(c.employees, x.employees_n),
                    annual_revenue = COALESCE(c.annual_revenue, x.revenue_n),
                    updated_at = now()
                FROM (SELECT DISTINCT ON (k.id) k.id, s.industry, s.employees_n, s.revenue_n
                      FROM {STAGE} s JOIN {COMPANIES} k USING (company_key)
                      WHERE s.{writing} ORDER BY k.id, s.line) x
                WHERE c.id = x.id AND c.team_id = %(team)s AND (
                    (c.industry = '' AND x.industry IS NOT NULL) OR (c.employees IS NULL AND x.employees_n IS NOT NULL)
                    OR (c.annual_revenue IS NULL AND x.revenue_n IS NOT NULL))
                """,
                params,
            )


# Lead columns the import writes, as SQL over the staging row; every other column gets its model default.
LEAD_VALUES = {
    "team": "%(team)s",
    "first_name": "COALESCE(s.first_name, '')",
    "last_name": "COALESCE(s.last_name, '')",
    "email": "COALESCE(s.email_key, '')",
    "phone": "COALESCE(s.phone_e164, '')",
    "title": "COALESCE(s.title, '')",
    "company": "k.id",
    "company_name": "COALESCE(s.company_name, '')",
    "country": "COALESCE(upper(s.country), '')",
    "owner": "COALESCE(s.owner_id, %(default_owner)s)",
    "status": f"COALESCE(s.status_value, '{LeadStatus.NEW}')",
    "source": f"COALESCE(s.source_value, '{LeadSource.IMPORT}')",
    "converted_at": f"CASE WHEN s.status_value = '{LeadStatus.CONVERTED}' THEN now() END",
    "created_at": "COALESCE(s.created_on, now())",
    "updated_at": "now()",
}
# what "fill in empty fields" may fill: text columns that are '' and links that are NULL
FILLABLE_TEXT = ("first_name", "last_name", "email", "phone", "title", "company_name", "country")
FILLABLE_LINKS = {"company": "k.id", "owner": "s.owner_id"}


def _insert_sql() -> tuple[str, dict]:
    columns, values, defaults = [], [], {}
    for field in Lead._meta.concrete_fields:
        if field.primary_key or field.generated:
            continue
        columns.append(f'"{field.column}"')
        if field.name in LEAD_VALUES:
            values.append(LEAD_VALUES[field.name])
        else:
            values.append(f"%(default_{field.column})s")
            defaults[f"default_{field.column}"] = field.get_db_prep_save(field.get_default(), connection)
    sql = f"""
        INSERT INTO leads_lead ({', '.join(columns)})
        SELECT {', '.join(values)} FROM {STAGE} s LEFT JOIN {COMPANIES} k USING (company_key)
        WHERE s.action = 'create' ORDER BY s.line
        RETURNING id
    """
    return sql, defaults


def _update_sql() -> str:
    sets, changes = [], []
    for name in FILLABLE_TEXT:
        column = Lead._meta.get_field(name).column
        source = LEAD_VALUES[name]
        sets.append(f"{column} = CASE WHEN l.{column} = '' THEN {source} ELSE l.{column} END")
        changes.append(f"(l.{column} = '' AND {source} <> '')")
    for name, source in FILLABLE_LINKS.items():
        column = Lead._meta.get_field(name).column
        sets.append(f"{column} = COALESCE(l.{column}, {source})")
        changes.append(f"(l.{column} IS NULL AND {source} IS NOT NULL)")
    return f"""
        UPDATE leads_lead l SET {', '.join(sets)}, updated_at = now()
        FROM {STAGE} s LEFT JOIN {COMPANIES} k USING (company_key)
        WHERE s.action = 'update' AND l.id = s.match_id AND l.team_id = %(team)s
          AND (%(edit_any)s OR l.owner_id = %(user)s)
          AND ({' OR '.join(changes)})
    """


def stage_write(*, team_id: int, on_duplicate: str, default_owner_id: int | None, user_id: int | None,
                edit_any: bool, with_companies: bool) -> ChunkResult:
    """Write the staged chunk: companies, new leads, filled-in leads. Counts what happened.

    ``edit_any``: whether existing leads of other owners may be filled in (managers); a rep's
    import fills in only the rep's own leads, the others count as duplicates.
    """
    if with_companies:
        _companies(team_id=team_id, fill_empty=on_duplicate == OnDuplicate.UPDATE_EMPTY)
    insert_sql, defaults = _insert_sql()
    with connection.cursor() as cur:
        # The search index's new entries wait in its pending list instead of being merged in 4 MB at a
        # time during the import (measured: an eighth of the insert's time); a task merges them once
        # the import is done (leads.search.search_index_flush).
        cur.execute(f"SET LOCAL gin_pending_list_limit = '{SEARCH_PENDING_LIMIT}'")
    params = {"team": team_id, "default_owner": default_owner_id, "edit_any": edit_any, "user": user_id, **defaults}
    with connection.cursor() as cur:
        cur.execute(insert_sql, params)
        created_ids = [row[0] for row in cur.fetchall()]
        updated = 0
        if on_duplicate == OnDuplicate.UPDATE_EMPTY:
            cur.execute(_update_sql(), params)
            updated = cur.rowcount
        cur.execute(f"SELECT count(*), count(*) FILTER (WHERE action IN ('skip', 'update')) FROM {STAGE}")
        rows, matched = cur.fetchone()
    return ChunkResult(rows=rows, created_ids=created_ids, updated=updated, duplicates=matched - updated)
