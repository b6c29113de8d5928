"""CloudTrail records from files (``ecs-exec audit --events-file``) instead of ``LookupEvents``. No AWS calls.

Two file shapes are read, plain (``.json``) or gzipped (``.json.gz``; told by the gzip magic bytes, so
stdin and misnamed files work too):

- a trail's delivered log file, ``{"Records": [<record>, ...]}`` — what a trail writes to S3 under
  ``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`` (one gzipped file per ~5 minutes);
- an export of ``aws cloudtrail lookup-events``, ``{"Events": [{"CloudTrailEvent": "<record JSON>", ...}]}``.

A directory is searched recursively for ``*.json`` and ``*.json.gz`` (the ``CloudTrail-Digest`` folders a
trail writes beside its logs hold digests, not records, and are skipped); ``-`` is stdin.

Only what ``LookupEvents`` would have returned for the environment is kept: ``ExecuteCommand`` and
``StartSession`` records (others are counted and dropped while reading, so a day of a busy trail stays
small in memory) of the environment's account (``recipientAccountId``) and region (``awsRegion``). A
record seen twice (the same file given twice, overlapping exports) is kept once, by ``eventID``.
The time range is applied later, on the parsed ``eventTime`` (see :func:`reconciler.audit.report.file_sessions`).
"""

from __future__ import annotations

import gc
import gzip
import io
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ecs_exec.errors import InvalidValueError
from reconciler.audit.callers import ISSUING_EVENT_NAMES, STS_SOURCE
from reconciler.audit.parse import (
    ECS_SOURCE,
    EXECUTE_COMMAND,
    SSM_SOURCE,
    START_SESSION,
    RecordError,
    load_record,
)
from reconciler.audit.trail_layout import trail_place

OPTION = "--events-file"
#: The name that means "read stdin".
STDIN = "-"
#: File name endings searched for in a directory.
SUFFIXES = (".json", ".json.gz")
#: Folders of a trail's bucket that hold digest files (``{"digestStartTime": ...}``), not records.
DIGEST_FOLDER = "CloudTrail-Digest"
#: The event names the audit uses (the same two ``LookupEvents`` queries).
EVENT_NAMES = (EXECUTE_COMMAND, START_SESSION)
_GZIP_MAGIC = b"\x1f\x8b"
#: What :func:`records_of` yields for an item that cannot be a record (never valid JSON text).
UNREADABLE = ""
#: The ``eventSource`` of each kept event name (a record without one is unreadable, see ``parse_record``).
_EXEC_SOURCES = {EXECUTE_COMMAND: ECS_SOURCE, START_SESSION: SSM_SOURCE}
#: The most a gzipped file may decompress to (bytes; 2 GiB). A trail's log file (one per ~5 minutes) is a
#: few MB; a file that inflates beyond this is refused (exit 4) instead of filling the memory.
MAX_DECOMPRESSED_BYTES = 2 * 1024**3


class EventFileError(InvalidValueError):
    """A file given to ``--events-file`` is missing, unreadable, not JSON or not one of the two shapes (exit 4)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{OPTION}: {'stdin' if name == STDIN else name}: {reason}")
        self.name, self.reason = name, reason


@dataclass
class EventFiles:
    """The exec records of the files, ready for :func:`reconciler.audit.parse.parse_record`.

    Attributes:
        records: decoded ``ExecuteCommand`` / ``StartSession`` records of the account and region, each once
            (by ``eventID``), in file order.
        files: the files read (paths as given or found; ``-`` for stdin).
        read: records seen in all files, of any event name.
        other_scope: exec records of another account or region (dropped).
        duplicates: exec records dropped because their ``eventID`` was already seen.
        unreadable: ``CloudTrailEvent`` strings that are not a JSON object (dropped; the audit notes them).
        issuers: STS ``AssumeRole*`` records of the account, any region (see :mod:`.callers`).
        roots: the paths as given (``--events-file`` values), once each.
        skipped_files: trail files not opened (another account, or a day outside the period).
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    read: int = 0
    other_scope: int = 0
    duplicates: int = 0
    unreadable: int = 0
    issuers: list[dict[str, Any]] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    skipped_files: int = 0


def expand(paths: Iterable[str]) -> list[str]:
    """The files behind ``paths``: a file as given, a directory's ``*.json`` / ``*.json.gz`` (recursive,
    sorted, without ``CloudTrail-Digest`` folders), ``-`` as is. Duplicates are kept once.

    Raises:
        EventFileError: a path does not exist, or a directory holds no such file.
    """
    out: list[str] = []
    for name in paths:
        path = Path(name)
        if name == STDIN or path.is_file():
            found = [name]
        elif path.is_dir():
            found = sorted(
                str(p)
                for p in path.rglob("*")
                if p.name.endswith(SUFFIXES)
                and DIGEST_FOLDER not in p.relative_to(path).parts
                and p.is_file()
            )
            if not found:
                raise EventFileError(name, "directory holds no .json or .json.gz file")
        elif path.exists():
            raise EventFileError(name, "not a regular file or directory")
        else:
            raise EventFileError(name, "no such file or directory")
        out.extend(f for f in found if f not in out)
    return out


def _read_bytes(name: str, stdin: BinaryIO | None) -> bytes:
    try:
        if name == STDIN:
            if stdin is None:
                raise EventFileError(name, "stdin is not available")
            data = stdin.read()
        else:
            data = Path(name).read_bytes()
    except OSError as exc:
        raise EventFileError(name, f"cannot read: {exc.strerror or exc}") from None
    if data[:2] == _GZIP_MAGIC:
        return _gunzip(name, data)
    return data


def _gunzip(name: str, data: bytes) -> bytes:
    """``data`` decompressed, at most :data:`MAX_DECOMPRESSED_BYTES` (read in a stream: a gzip bomb is
    refused without being inflated in full). Raises :class:`EventFileError` (bad gzip, too large)."""
    limit = MAX_DECOMPRESSED_BYTES
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise EventFileError(name, f"not a valid gzip file: {exc}") from None
    if len(out) > limit:
        raise EventFileError(
            name, f"decompresses to more than {limit} bytes (the limit for one file): not read, a gzip bomb?"
        )
    return out


def records_of(document: Any, name: str) -> Iterator[dict[str, Any] | str]:
    """The records of one decoded file: ``Records[]`` items (objects) or ``Events[].CloudTrailEvent``
    (JSON strings, decoded later); :data:`UNREADABLE` for an item that cannot be a record (a
    ``Records[]`` item that is not an object, a ``CloudTrailEvent`` that is not a string), which the
    scan skips and counts.

    Raises:
        EventFileError: neither shape, or an ``Events[]`` item without ``CloudTrailEvent`` (naming its index).
    """
    if isinstance(document, dict) and isinstance(document.get("Records"), list):
        for rec in document["Records"]:
            # An item that is not an object is an unreadable record: skipped and counted, as README says.
            yield rec if isinstance(rec, dict) else UNREADABLE
    elif isinstance(document, dict) and isinstance(document.get("Events"), list):
        for i, event in enumerate(document["Events"]):
            if not isinstance(event, dict) or "CloudTrailEvent" not in event:
                raise EventFileError(name, f"Events[{i}] has no CloudTrailEvent")
            raw = event["CloudTrailEvent"]
            yield raw if isinstance(raw, (str, dict)) else UNREADABLE
    else:
        raise EventFileError(
            name,
            'not a CloudTrail file: expected {"Records": [...]} (a trail log file) or '
            '{"Events": [...]} (aws cloudtrail lookup-events)',
        )


def load_file(name: str, stdin: BinaryIO | None = None) -> list[dict[str, Any] | str]:
    """Every record of one file (``-``: ``stdin``), any event name, not yet filtered.

    Raises:
        EventFileError: unreadable, bad gzip, not JSON, or not one of the two shapes.
    """
    data = _read_bytes(name, stdin)
    # orjson: the same JSON (RFC 8259, UTF-8) in about half the time of the json module. The cyclic
    # GC is paused while a document is built: its thousands of new containers would trigger
    # collections that find nothing (JSON has no cycles).
    enabled = gc.isenabled()
    gc.disable()
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise EventFileError(name, f"not JSON: {exc}") from None
    finally:
        if enabled:
            gc.enable()
    return list(records_of(document, name))


def _in_scope(record: dict[str, Any], account_id: str, region: str | None) -> bool:
    # A missing field is not held against the record (exports trimmed by hand).
    account = record.get("recipientAccountId")
    rec_region = record.get("awsRegion")
    return account in (None, account_id) and (region is None or rec_region in (None, region))


@dataclass
class _Scan:
    """What one worker found in its files (picklable: errors travel as ``(name, reason)``)."""

    records: list[dict[str, Any]] = field(default_factory=list)
    issuers: list[dict[str, Any]] = field(default_factory=list)
    read: int = 0
    other_scope: int = 0
    unreadable: int = 0
    error: tuple[str, str] | None = None


def _scan_one(out: _Scan, raws: Iterable[dict[str, Any] | str], account_id: str, region: str | None) -> None:
    for raw in raws:
        out.read += 1
        if isinstance(raw, dict):  # a trail file's record (most of them): no call
            record = raw
        else:
            try:
                record = load_record(raw)
            except RecordError:
                out.unreadable += 1
                continue
        name = record.get("eventName")
        if name in ISSUING_EVENT_NAMES and record.get("eventSource") == STS_SOURCE:
            if _in_scope(record, account_id, None):  # STS: whatever the region (global endpoint)
                out.issuers.append(record)
        elif name in EVENT_NAMES and record.get("eventSource") in (_EXEC_SOURCES[name], None):
            if _in_scope(record, account_id, region):
                out.records.append(record)
            else:
                out.other_scope += 1


def _scan(names: Sequence[str], account_id: str, region: str) -> _Scan:
    """Read ``names`` (files, not stdin) and keep what the audit uses; stops at the first bad file."""
    out = _Scan()
    for name in names:
        place = trail_place(name)
        try:
            raws = load_file(name)
        except EventFileError as exc:
            out.error = (name, exc.reason)
            return out
        # A file of another region: only its STS records can matter.
        exec_region = region if place is None or place.region == region else _NO_REGION
        _scan_one(out, raws, account_id, exec_region)
    return out


#: A region no record has: a file of another region keeps no exec record.
_NO_REGION = "-"
#: Files per worker task (keeps the per-task overhead small against gzip + JSON parsing).
BATCH = 16


def _batches(names: list[str], size: int) -> list[list[str]]:
    return [names[i : i + size] for i in range(0, len(names), size)]


def _scan_all(names: list[str], account_id: str, region: str, workers: int) -> list[_Scan]:
    """Scan files in ``workers`` processes (in order of ``names``); in this process when one is enough."""
    batches = _batches(names, BATCH)
    if workers <= 1 or len(batches) <= 1:
        return [_scan(b, account_id, region) for b in batches]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_scan, batches, [account_id] * len(batches), [region] * len(batches)))


def select_files(
    files: list[str], account_id: str, start: datetime | None, end: datetime | None
) -> tuple[list[str], int]:
    """Drop the trail files (by their path, :mod:`.trail_layout`) of other accounts, and of days outside
    ``[start, end]`` when given. Returns the files kept and how many were dropped."""
    kept = []
    for name in files:
        place = trail_place(name)
        if place is not None and (
            place.account != account_id
            or (start is not None and end is not None and not place.in_days(start, end))
        ):
            continue
        kept.append(name)
    return kept, len(files) - len(kept)


def load_event_files(
    paths: Sequence[str],
    account_id: str,
    region: str,
    stdin: BinaryIO | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    workers: int | None = None,
) -> EventFiles:
    """Read every file behind ``paths`` (see :func:`expand`) and keep the exec records of ``account_id`` /
    ``region``, as ``LookupEvents`` in that account and region would have returned them, and the STS
    ``AssumeRole*`` records of ``account_id`` whatever their region.

    Trail files of an ``AWSLogs/`` layout (also an organization trail's) of other accounts, or of days
    outside ``[start, end]`` (UTC, when given), are not opened. Files are parsed in ``workers`` processes
    (default: the CPU count). Every file kept is read and checked before anything is returned, so a bad
    file stops the command before any AWS call.

    Raises:
        EventFileError: the first bad path or file, in file order (exit 4).
    """
    found = expand(paths)
    files, skipped = select_files(found, account_id, start, end)
    result = EventFiles(files=files, roots=list(dict.fromkeys(paths)), skipped_files=skipped)
    scans: list[_Scan] = []
    if STDIN in files:
        one = _Scan()
        try:
            _scan_one(one, load_file(STDIN, stdin), account_id, region)
        except EventFileError as exc:
            one.error = (STDIN, exc.reason)
        scans.append(one)
    names = [f for f in files if f != STDIN]
    scans.extend(_scan_all(names, account_id, region, workers or os.cpu_count() or 1))
    seen: set[str] = set()
    for scan in scans:
        if scan.error is not None:
            raise EventFileError(*scan.error)
        result.read += scan.read
        result.other_scope += scan.other_scope
        result.unreadable += scan.unreadable
        result.issuers.extend(scan.issuers)
        for record in scan.records:
            event_id = record.get("eventID")
            if isinstance(event_id, str) and event_id:
                if event_id in seen:
                    result.duplicates += 1
                    continue
                seen.add(event_id)
            result.records.append(record)
    return result
