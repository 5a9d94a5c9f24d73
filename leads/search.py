"""Search as you type: what a rep types becomes a prefix tsquery over Lead.search_document."""

from __future__ import annotations

import re

from django.db import connections

TOKEN = re.compile(r"[\w@.+-]+", re.UNICODE)
MAX_TOKENS = 6


def tsquery_for(text: str) -> str | None:
    """``"Ana Sil"`` → ``"'ana':* & 'sil':*"``; None when nothing searchable was typed.

    Every token must match (AND), each as a prefix. Lexemes are quoted, so nothing typed can
    become tsquery syntax. One-letter words are dropped (they would match most of the table)
    unless they are all there is.
    """
    tokens = []
    for raw in TOKEN.findall((text or "").lower()):
        token = raw.strip(".-+_")
        if token and token not in tokens:
            tokens.append(token)
    meaningful = [t for t in tokens if len(t) > 1] or tokens
    if not meaningful:
        return None
    return " & ".join(f"'{t}':*" for t in meaningful[:MAX_TOKENS])


def phone_key(phone: str) -> str:
    """The last ten digits: how the search document indexes a phone number."""
    return re.sub(r"\D", "", phone or "")[-10:]


SEARCH_INDEX = "lead_search"


def search_index_flush() -> int:
    """Merge the search index's pending entries into the index proper; the number of pages merged.

    A bulk write parks its new entries in the GIN index's pending list (see
    ``leads.imports.staging.stage_write``); searches still find them there, but more slowly, and the
    next single insert past the default limit would pay for merging them all. Only the index's owner
    may merge on demand (autovacuum would get there too, later).
    """
    with connections["owner"].cursor() as cur:
        cur.execute("SELECT gin_clean_pending_list(%s::regclass)", [SEARCH_INDEX])
        return cur.fetchone()[0]
