"""Importing a CSV file of leads: upload it, preview it, start it, run it (in a worker), remember its mapping."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from kombu.exceptions import OperationalError as BrokerError

from leads.imports import checks, fields, parsing, staging
from leads.models import ImportFile, ImportMapping, ImportRowError, ImportStatus, LeadImport, OnDuplicate
from primesync import audit, tenancy
from primesync.errors import DomainError
from primesync.models import Membership, Team, User

log = logging.getLogger("leads.imports")

TEAM_LOCK = 7007  # pg_advisory_lock namespace: one running import per team (they dedupe against each other)
SCAN_DUPLICATES_TASK = "leads.scan_duplicates"
FLUSH_SEARCH_INDEX_TASK = "leads.flush_search_index"


class AlreadyImported(DomainError):
    """This file (same SHA-256) was imported into this team before, or is being imported now."""

    def __init__(self, previous: LeadImport):
        when = date_format(timezone.localtime(previous.created_at), "j F Y, H:i")
        if previous.status == ImportStatus.DONE:
            message = f"This file was already imported on {when} (import #{previous.pk}): nothing new was created."
        else:
            message = f"This file is already being imported (import #{previous.pk}, started {when})."
        super().__init__(message, field="file")
        self.previous = previous


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_of_file(*, team: Team, sha256: str) -> LeadImport | None:
    """The import that took (or is taking) this file, if any: a failed one does not count."""
    return (LeadImport.objects.filter(team=team, file_sha256=sha256).exclude(status=ImportStatus.FAILED)
            .order_by("-id").first())


def import_file_upload(*, team: Team, by: User | None, name: str, data: bytes) -> ImportFile:
    """Keep an uploaded file for the wizard (or the API) after checking it is a CSV with a header."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise DomainError(f"The file is larger than {settings.IMPORT_MAX_BYTES // 2**20} MB.", field="file")
    try:
        parsing.read_csv(data)
    except parsing.FileError as exc:
        raise DomainError(str(exc), field="file") from exc
    sha256 = _sha256(data)
    previous = import_of_file(team=team, sha256=sha256)
    if previous is not None:
        raise AlreadyImported(previous)
    with transaction.atomic():
        return ImportFile.objects.create(
            team=team, uploaded_by=by, name=(name or "upload.csv")[:255], sha256=sha256, size=len(data), content=data
        )


def read_file(import_file: ImportFile) -> parsing.CsvFile:
    return parsing.read_csv(bytes(import_file.content))


# --- mappings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestedMapping:
    mapping: dict[str, str]
    saved: ImportMapping | None  # the team's saved mapping for files with these headers, if it was applied


def mapping_for(*, team: Team, headers: list[str]) -> SuggestedMapping:
    """The team's saved mapping for these exact headers, else a guess from the header names."""
    saved = ImportMapping.objects.filter(team=team, headers_signature=fields.headers_signature(headers)).first()
    if saved is not None and len(saved.headers) == len(headers):
        # same headers up to case and punctuation: "E-mail" then, "email" now
        mapping = {h: (saved.mapping.get(old) or "") for h, old in zip(headers, saved.headers, strict=True)}
        if any(target not in fields.BY_KEY for target in mapping.values() if target):
            saved = None  # written for fields that no longer exist: guess instead
        else:
            return SuggestedMapping(mapping=mapping, saved=saved)
    return SuggestedMapping(mapping=fields.guess_mapping(headers), saved=None)


def mapping_save(*, team: Team, by: User | None, headers: list[str], mapping: dict[str, str], name: str = ""):
    """Remember this mapping for the next file with the same headers (one per set of headers)."""
    with transaction.atomic():
        saved, _ = ImportMapping.objects.update_or_create(
            team=team, headers_signature=fields.headers_signature(headers),
            defaults={"name": (name or ", ".join(headers))[:100], "headers": headers, "mapping": mapping,
                      "created_by": by},
        )
    return saved


def default_phone_region(*, team: Team) -> str:
    """The region the team's last import read local phone numbers in; US for a first import."""
    last = LeadImport.objects.filter(team=team).order_by("-id").values_list("phone_region", flat=True).first()
    return last or "US"


# --- preview --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    line: int
    action: str  # create, update, skip, reject
    reason: str
    match_id: int | None
    values: dict


def import_preview(*, team: Team, import_file: ImportFile, mapping: dict[str, str], on_duplicate: str,
                   phone_region: str, limit: int = 10) -> list[PreviewRow]:
    """The first rows as the import would take them: the same checks and duplicate rules, nothing written.

    They go through the real staging SQL in a savepoint (the temporary table is dropped after).
    """
    csv_file = read_file(import_file)
    records = list(itertools.islice(csv_file.records(), limit))
    checker = checks.RowChecker(headers=csv_file.headers, mapping=mapping, phone_region=phone_region,
                                time_zone=team.time_zone, records=records)
    with transaction.atomic():
        staging.stage_create()
        staging.stage_load(checker.stage(records))
        staging.stage_validate(width=len(csv_file.headers))
        staging.stage_decide(team_id=team.pk, on_duplicate=on_duplicate)
        rows = staging.stage_preview(limit)
        staging.stage_drop()
    names = ["first_name", "last_name", "email", "phone", "title", "company_name", "country", "status", "source",
             "owner_id", "created_on"]
    return [
        PreviewRow(line=line, action=action, reason=reason or "", match_id=match_id,
                   values=dict(zip(names, values, strict=True)))
        for line, action, reason, match_id, *values in rows
    ]


# --- starting -------------------------------------------------------------------------------------


def import_start(*, team: Team, by: User | None, may_assign: bool, import_file: ImportFile,
                 mapping: dict | None = None, on_duplicate: str = OnDuplicate.SKIP, default_owner: User | None = None,
                 phone_region: str = "", save_mapping: bool = False, mapping_name: str = "") -> LeadImport:
    """Queue an import of an uploaded file. A worker runs it (see ``import_run``).

    ``may_assign``: managers (and the admin command) may map an owner column and pick a default
    owner; a rep's imported leads are the rep's own.
    """
    csv_file = read_file(import_file)
    if mapping is None:
        mapping = mapping_for(team=team, headers=csv_file.headers).mapping
        if not may_assign:  # a manager's saved mapping may name an owner column: a rep's leads stay theirs
            mapping = {h: ("" if t == "owner" else t) for h, t in mapping.items()}
    try:
        mapping = fields.validate_mapping(mapping, csv_file.headers, may_set_owner=may_assign)
    except fields.MappingError as exc:
        raise DomainError(str(exc), field="mapping") from exc
    if on_duplicate not in OnDuplicate.values:
        raise DomainError("Choose what duplicates do: skip, update_empty or create.", field="on_duplicate")
    if not may_assign:
        default_owner = by
    elif default_owner is not None and not Membership.objects.filter(team=team, user=default_owner).exists():
        raise DomainError("The default owner is not a member of this team.", field="default_owner")
    phone_region = (phone_region or default_phone_region(team=team)).upper()
    if phone_region not in phonenumbers.SUPPORTED_REGIONS:
        raise DomainError(f"{phone_region!r} is not a country code phone numbers know.", field="phone_region")
    previous = import_of_file(team=team, sha256=import_file.sha256)
    if previous is not None:
        raise AlreadyImported(previous)
    try:
        with transaction.atomic():
            job = LeadImport.objects.create(
                team=team, file=import_file, file_sha256=import_file.sha256, file_name=import_file.name,
                created_by=by, headers=csv_file.headers, mapping=mapping, on_duplicate=on_duplicate,
                default_owner=default_owner, phone_region=phone_region,
            )
    except IntegrityError as exc:  # the same file started a moment ago (constraint leadimport_once_per_file)
        raise AlreadyImported(import_of_file(team=team, sha256=import_file.sha256)) from exc
    if save_mapping:
        mapping_save(team=team, by=by, headers=csv_file.headers, mapping=mapping, name=mapping_name)
    return job  # IMPORT_REQUESTED is written by the trigger on leads_leadimport; its handler queues the run


# --- running (in a worker) ------------------------------------------------------------------------


def _job(team_id: int, import_id: int) -> LeadImport:
    with tenancy.use_team(team_id):
        return LeadImport.objects.select_related("file", "team", "created_by").get(pk=import_id)


def _update(team_id: int, import_id: int, **values) -> None:
    with tenancy.use_team(team_id):
        LeadImport.objects.filter(pk=import_id).update(heartbeat_at=timezone.now(), **values)


def _claim(team_id: int, import_id: int) -> bool:
    """Take the job: a pending one, or a running one whose worker stopped beating (it died)."""
    now = timezone.now()
    stalled = now - timedelta(seconds=settings.IMPORT_STALLED_AFTER)
    with tenancy.use_team(team_id):
        return bool(
            LeadImport.objects.filter(pk=import_id)
            .filter(Q(status=ImportStatus.PENDING) | Q(status=ImportStatus.RUNNING, heartbeat_at__lt=stalled))
            .update(status=ImportStatus.RUNNING, started_at=Coalesce(F("started_at"), now), heartbeat_at=now,
                    detail="")
        )


@contextlib.contextmanager
def _team_turn(team_id: int, import_id: int):
    """One import at a time per team (a session lock: released if the worker dies), beating while it waits."""
    with connection.cursor() as cur:
        while True:
            cur.execute("SELECT pg_try_advisory_lock(%s, %s)", [TEAM_LOCK, team_id])
            if cur.fetchone()[0]:
                break
            _update(team_id, import_id, detail="Waiting for the team's other import to finish.")
            time.sleep(1)
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s, %s)", [TEAM_LOCK, team_id])


def _may_edit_any(job: LeadImport) -> bool:
    if job.created_by_id is None:
        return True  # the admin command
    return Membership.objects.filter(team_id=job.team_id, user_id=job.created_by_id,
                                     role__in=["manager", "admin"]).exists()


def import_run(*, team_id: int, import_id: int) -> LeadImport | None:
    """Run a queued import; None when another worker has it (or it is over). Safe to call twice.

    Rows are checked, staged and validated in chunks (each committed, so the progress page moves),
    then decided in one pass, then written in chunks; each chunk commits its leads with the job's
    counters and ``lines_done``, so a worker that dies is resumed where it stopped.
    """
    if not _claim(team_id, import_id):
        return None
    created_ids: list[int] = []
    try:
        with _team_turn(team_id, import_id), _gc_paused():
            _update(team_id, import_id, detail="")
            created_ids = _run(_job(team_id, import_id))
    except Exception as exc:
        log.exception("import %s failed", import_id)
        _update(team_id, import_id, status=ImportStatus.FAILED, finished_at=timezone.now(),
                detail=_failure_text(exc))
        raise
    finally:
        staging.stage_drop()
    if created_ids:
        _queue_follow_ups(team_id, created_ids)
    return _job(team_id, import_id)


@contextlib.contextmanager
def _gc_paused():
    """The cyclic garbage collector paused for a run: the run makes hundreds of thousands of lists and tuples
    (the file's records, the checked rows) that live until it ends and hold no cycles, and the collector
    walked them again and again (measured: half the time of reading a 100,000-row file). Memory is still
    freed by reference counting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _failure_text(exc: Exception) -> str:
    if isinstance(exc, parsing.FileError | DomainError):
        return str(exc)[:500]
    return f"The import stopped on an error ({type(exc).__name__}); the rows written before it were kept."[:500]


def _run(job: LeadImport) -> list[int]:
    """Check, stage, decide and write the file chunk by chunk; each chunk commits with the job's counters."""
    team_id, size, started = job.team_id, settings.IMPORT_CHUNK_ROWS, time.perf_counter()
    csv_file = parsing.read_csv(bytes(job.file.content))
    records = list(csv_file.records())
    todo = [record for record in records if record.line > job.lines_done]  # a resumed run skips what is done
    with tenancy.use_team(team_id):
        LeadImport.objects.filter(pk=job.pk).update(total=len(records), heartbeat_at=timezone.now())
        ImportRowError.objects.filter(lead_import=job, line__gt=job.lines_done).delete()
    checker = checks.RowChecker(headers=csv_file.headers, mapping=job.mapping, phone_region=job.phone_region,
                                time_zone=job.team.time_zone, records=records)
    with_companies = any(fields.BY_KEY[t].on_company for t in job.mapping.values() if t)
    edit_any = _may_edit_any(job)
    created_ids: list[int] = []
    staging.stage_create()
    try:
        checked = _CheckedAhead(checker, _chunks(todo, size))
        for chunk, rows in checked:
            with tenancy.use_team(team_id):
                audit.set_context(source="import", user_id=job.created_by_id, path=f"/imports/{job.pk}/",
                                  correlation_id=f"import-{job.pk}")
                with connection.cursor() as cur:
                    # No wait for the WAL flush at each chunk's commit: a crash may lose the last chunks, and
                    # with them their counters and lines_done (same transaction), so the resumed run redoes them.
                    cur.execute("SET LOCAL synchronous_commit = off")
                staging.stage_load(rows)
                checked.check_next()
                rejected = staging.stage_validate(width=len(csv_file.headers))
                staging.stage_decide(team_id=team_id, on_duplicate=job.on_duplicate)
                staging.stage_errors_save(team_id=team_id, import_id=job.pk)
                result = staging.stage_write(
                    team_id=team_id, on_duplicate=job.on_duplicate, default_owner_id=job.default_owner_id,
                    user_id=job.created_by_id, edit_any=edit_any, with_companies=with_companies,
                )
                LeadImport.objects.filter(pk=job.pk).update(
                    checked=F("checked") + len(chunk), processed=F("processed") + len(chunk),
                    rejected=F("rejected") + rejected, created=F("created") + len(result.created_ids),
                    updated=F("updated") + result.updated, duplicates=F("duplicates") + result.duplicates,
                    lines_done=chunk[-1].line, heartbeat_at=timezone.now(),
                )
            created_ids += result.created_ids
    finally:
        audit.clear_context()
    with tenancy.use_team(team_id):
        LeadImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE, finished_at=timezone.now(), checked=len(records), processed=len(records),
            heartbeat_at=timezone.now(), detail="",
        )
        ImportFile.objects.filter(pk=job.file_id).update(content=b"")  # the rows live on as leads and errors
    log.info("import %s: %s rows, %s leads created in %.2f s", job.pk, len(records), len(created_ids),
             time.perf_counter() - started)
    return created_ids


FIRST_CHUNK_ROWS = 1000  # the database starts on a small first chunk while the next one is checked


def _chunks(records: list, size: int) -> list[list]:
    first = min(size, FIRST_CHUNK_ROWS)
    return [records[:first]] + [records[i:i + size] for i in range(first, len(records), size)] if records else []


class _CheckedAhead:
    """Each chunk with its staged rows; the next chunk's Python checks run in a thread meanwhile.

    ``check_next()`` starts them: the loop calls it once this chunk's rows are copied into the staging
    table, so the checks run while the database works on the chunk (psycopg waits on it without the
    GIL) and do not slow the copy, which needs the GIL too.
    """

    def __init__(self, checker: checks.RowChecker, chunks: list[list]):
        self.checker, self.chunks = checker, chunks
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-checks")
        self._pending = None
        self._next = 0

    def _check(self, chunk: list) -> list[tuple]:
        return list(self.checker.stage(chunk))

    def check_next(self) -> None:
        if self._pending is None and self._next < len(self.chunks):
            self._pending = self._pool.submit(self._check, self.chunks[self._next])

    def __iter__(self):
        try:
            for chunk in self.chunks:
                self.check_next()  # if the loop did not
                rows = self._pending.result()
                self._pending, self._next = None, self._next + 1
                yield chunk, rows
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _queue_follow_ups(team_id: int, lead_ids: list[int]) -> None:
    """Ask for the fuzzy-duplicate scan of the new leads (the task is registered by the duplicates code),
    and for the merge of their search index entries (parked during the import)."""
    from primesync.celery import app

    try:
        app.send_task(SCAN_DUPLICATES_TASK, args=[team_id, lead_ids])
        app.send_task(FLUSH_SEARCH_INDEX_TASK)
    except BrokerError:
        log.warning("broker unavailable: the nightly sweep will scan the %s leads of this import, and autovacuum "
                    "will merge their search entries", len(lead_ids))


def imports_to_resume(*, team_id: int) -> list[int]:
    """Jobs a worker should take: queued a while ago and never started (the message was lost), or stalled."""
    now = timezone.now()
    stalled = now - timedelta(seconds=settings.IMPORT_STALLED_AFTER)
    with tenancy.use_team(team_id):
        return list(
            LeadImport.objects.filter(
                Q(status=ImportStatus.PENDING, created_at__lt=now - timedelta(seconds=60))
                | Q(status=ImportStatus.RUNNING, heartbeat_at__lt=stalled)
            ).values_list("pk", flat=True)
        )


def import_files_purge(*, team_id: int, older_than: timedelta = timedelta(days=1)) -> int:
    """Uploads nobody went on to import (the wizard left half-way) are not kept for ever."""
    with tenancy.use_team(team_id):
        left = ImportFile.objects.filter(uploaded_at__lt=timezone.now() - older_than, imports__isnull=True)
        deleted, _ = left.delete()
    return deleted
