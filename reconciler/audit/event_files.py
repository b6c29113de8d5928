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

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ecs_exec.errors import InvalidValueError
from reconciler.audit.parse import EXECUTE_COMMAND, START_SESSION, RecordError, load_record

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


class EventFileError(InvalidValueError):
    """A file given to ``--events-file`` is missing, unreadable, not JSON or not one of the two shapes (exit 4)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{OPTION}: {'stdin' if name == STDIN else name}: {reason}")


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
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    read: int = 0
    other_scope: int = 0
    duplicates: int = 0
    unreadable: int = 0


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
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise EventFileError(name, f"not a valid gzip file: {exc}") from None
    return data


def records_of(document: Any, name: str) -> Iterator[dict[str, Any] | str]:
    """The records of one decoded file: ``Records[]`` items (objects) or ``Events[].CloudTrailEvent``
    (JSON strings, decoded later).

    Raises:
        EventFileError: neither shape, or an item of the wrong type (naming its index).
    """
    if isinstance(document, dict) and isinstance(document.get("Records"), list):
        for i, rec in enumerate(document["Records"]):
            if not isinstance(rec, dict):
                raise EventFileError(name, f"Records[{i}] is not a JSON object")
            yield rec
    elif isinstance(document, dict) and isinstance(document.get("Events"), list):
        for i, event in enumerate(document["Events"]):
            raw = event.get("CloudTrailEvent") if isinstance(event, dict) else None
            if not isinstance(raw, (str, dict)):
                raise EventFileError(name, f"Events[{i}] has no CloudTrailEvent")
            yield raw
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
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise EventFileError(name, f"not JSON: {exc}") from None
    return list(records_of(document, name))


def _in_scope(record: dict[str, Any], account_id: str, region: str) -> bool:
    # A missing field is not held against the record (exports trimmed by hand).
    account = record.get("recipientAccountId")
    rec_region = record.get("awsRegion")
    return account in (None, account_id) and rec_region in (None, region)


def load_event_files(
    paths: Sequence[str], account_id: str, region: str, stdin: BinaryIO | None = None
) -> EventFiles:
    """Read every file behind ``paths`` (see :func:`expand`) and keep the exec records of ``account_id`` /
    ``region``, as ``LookupEvents`` in that account and region would have returned them.

    Every file is read and checked before anything is returned, so a bad file stops the command before
    any AWS call.

    Raises:
        EventFileError: the first bad path or file (exit 4).
    """
    result = EventFiles(files=expand(paths))
    seen: set[str] = set()
    for name in result.files:
        for raw in load_file(name, stdin):
            result.read += 1
            try:
                record = load_record(raw)
            except RecordError:
                result.unreadable += 1
                continue
            if record.get("eventName") not in EVENT_NAMES:
                continue
            if not _in_scope(record, account_id, region):
                result.other_scope += 1
                continue
            event_id = record.get("eventID")
            if isinstance(event_id, str) and event_id:
                if event_id in seen:
                    result.duplicates += 1
                    continue
                seen.add(event_id)
            result.records.append(record)
    return result
